"""PLACEHOLDER (issue 8, rules helper replaces this file): facts → findings."""

from __future__ import annotations

from app.doctor.records import DoctorReport, Facts


def evaluate(facts: Facts) -> DoctorReport:
    """Every check on `facts`, in a stable order, and the overall status."""
    raise NotImplementedError
