"""PLACEHOLDER (issue 9, runner helper replaces this file): the safety guard."""

from __future__ import annotations

from app.core.inventory import Inventory
from app.core.sampling.sample import Sample


class SafetyGuard:
    """Watches the sampler's samples and says when a test must stop, and why."""

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory

    def check(self, sample: Sample) -> str | None:
        """The reason to stop now ("GPU 0 at 94 °C, 2 °C below its slowdown at 96 °C"), or None."""
        raise NotImplementedError
