"""The smoke test's Qt parts are tested on the offscreen platform, as the child runs them."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
