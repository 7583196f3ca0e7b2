"""Beyond one machine: the Prometheus exporter and remote hosts over SSH.

Empty until issue 13 builds it; the package exists so that the layout and its import rules
(tests/test_architecture.py) are in place before it.
"""
