"""The Dashboard page: every GPU and the host, live or replayed."""
