"""The newest sample of each source, handed from the sampler thread to the scrape without a lock.

The sampler builds a new mapping and swaps one reference; a scrape reads that reference once and
works on the mapping it got. Neither ever waits for the other, so a slow scrape cannot delay a
tick and a source that hangs cannot block a scrape (it only stops its own entry from changing).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from app.core.sampling.sample import Sample


class LatestSamples:
    """The newest sample per source name; `update` is a `LiveSession` sample listener."""

    def __init__(self) -> None:
        self._by_source: Mapping[str, Sample] = MappingProxyType({})

    def update(self, sample: Sample) -> None:
        """Replace the source's entry: a new mapping, then one reference swap (atomic in Python)."""
        self._by_source = MappingProxyType({**self._by_source, sample.source: sample})

    @property
    def by_source(self) -> Mapping[str, Sample]:
        """The newest samples at this moment; the mapping never changes after it is handed out."""
        return self._by_source
