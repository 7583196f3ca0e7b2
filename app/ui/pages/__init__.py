"""Pages of the window, one per capability; each registers itself with the main window."""
