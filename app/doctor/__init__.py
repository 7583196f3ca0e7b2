"""The doctor: facts about the GPU software stack, knowledge tables and rules that turn them into findings.

Empty until issue 8 builds it; the package exists so that the layout and its import rules
(tests/test_architecture.py) are in place before it.
"""
