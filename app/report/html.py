"""PLACEHOLDER (issue 11, HTML helper replaces this file): the report as one self-contained HTML file."""

from __future__ import annotations

from typing import Any


def render_html(document: dict[str, Any]) -> str:
    """The whole report as HTML: inline styles, graphs as inline SVG, no external URL; prints well."""
    raise NotImplementedError
