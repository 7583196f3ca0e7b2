"""Pages of the window, one per capability: each is a `base.Page` listed in `registry.PAGES`."""
