"""The system report for IT: document builder, redaction, HTML and PDF rendering.

Empty until issue 11 builds it; the package exists so that the layout and its import rules
(tests/test_architecture.py) are in place before it.
"""
