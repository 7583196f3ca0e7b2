"""Reading the rendered report back with the standard library's HTML parser, as a browser would
tokenise it: the tests check elements, attributes and text, not the renderer's own strings."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

EXAMPLE = Path(__file__).parents[1] / "data" / "report" / "example_report.json"
HEADINGS = ("h1", "h2", "h3", "h4", "h5")


def example() -> dict[str, Any]:
    """A fresh copy of the agreed example document (tests change their copy)."""
    document: dict[str, Any] = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return document


class Page(HTMLParser):
    """Every element's tag and attributes, the text of headings, of <style>, and of the whole page."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.headings: list[tuple[str, str]] = []
        self.style = ""
        self.text = ""
        self._open: list[str] = []
        self._heading: list[str] | None = None
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        self._open.append(tag)
        self._gap()
        if tag in HEADINGS:
            self._heading = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        self._gap()
        if tag in HEADINGS and self._heading is not None:
            self.headings.append((tag, " ".join("".join(self._heading).split())))
            self._heading = None
        while self._open and self._open.pop() != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1] == "style":
            self.style += data
            return
        self.text += data
        if self._heading is not None:
            self._heading.append(data)

    def _gap(self) -> None:
        """Element boundaries separate words (table cells, list items), as a browser lays them out."""
        self.text += " "
        if self._heading is not None:
            self._heading.append(" ")

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.elements if name == tag]

    def heading_texts(self, level: str) -> list[str]:
        return [text for tag, text in self.headings if tag == level]

    def flat_text(self) -> str:
        """The page's visible text with runs of white space made one space."""
        return " ".join(self.text.split())
