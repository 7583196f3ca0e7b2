"""AI Workstation Manager: monitor, check and size GPU workstations and servers."""

__version__ = "0.1.0"
