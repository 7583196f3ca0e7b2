"""Session files: the recorder writes them, the reader, replay and CSV export read them (read-only)."""
