"""The Tests page: stress and cooling tests started from the window, their live graphs and results."""
