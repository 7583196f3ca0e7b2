"""Errors the user can act on: the CLI prints them as one line and exits with status 2."""


class UserError(Exception):
    """Bad input from the user (a path, a number, a file): shown as one line, exit status 2."""


class SessionFileError(UserError):
    """A session file that cannot be opened or read: missing, truncated, not ours."""
