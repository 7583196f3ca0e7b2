"""Stress and cooling tests: workloads, the runner, the safety guard and thermal analysis.

Empty until issue 9 builds it; the package exists so that the layout and its import rules
(tests/test_architecture.py) are in place before it.
"""
