"""The session file's schema name, shared by the writer and the reader."""

SESSION_SCHEMA = "aiwm.session/1"
