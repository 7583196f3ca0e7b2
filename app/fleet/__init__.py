"""Beyond one machine: the `aiwm.stream/1` wire format, remote hosts over SSH, the Prometheus exporter.

No Qt here: the Hosts page in `app/ui` uses these records and `RemoteHost`.
"""
