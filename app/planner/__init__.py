"""The project planner: model and hardware catalogs, memory and compute formulas, recommendations.

Empty until issue 10 builds it; the package exists so that the layout and its import rules
(tests/test_architecture.py) are in place before it.
"""
