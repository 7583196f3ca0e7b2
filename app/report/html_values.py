"""Values of the report document as escaped HTML: units from the key's name, "n/a" with its reason.

Every piece of text that came from the document passes through `esc` (html.escape), so a finding
whose detail holds "<script>" shows those characters and never runs. The unit of a number comes
from its key, as the project names fields (`_bytes`, `_c`, `_w`, `_s`, `_percent`, ...), so keys
the builder adds later render with their units without a change here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from app.core.units import NA
from app.report.display import label_of, number_text, quantity, scalar_text, unit_of, utc_text

# The words and numbers come from app/report/display.py, which the PDF uses too; named here as well
# for the modules that import them from this one.
__all__ = ["label_of", "number_text", "quantity", "unit_of", "utc_text"]


def esc(value: object) -> str:
    """Text from the document, safe inside an element or a quoted attribute."""
    return html.escape(str(value), quote=True)


class Missing:
    """The document's `missing` map: why a value at a path ("gpus[0].serial") is null."""

    def __init__(self, reasons: object) -> None:
        self._reasons = {str(k): str(v) for k, v in reasons.items()} if isinstance(reasons, Mapping) else {}

    def why(self, path: str) -> str | None:
        return self._reasons.get(path)

    def with_reasons(self, prefix: str, reasons: object) -> Missing:
        """These reasons and `reasons` (a nested record's own `missing`, such as the doctor's facts',
        whose paths are relative to it) under `prefix`: "system.firewall_active" → "software.facts.system...".
        """
        merged = Missing(self._reasons)
        if isinstance(reasons, Mapping):
            merged._reasons.update({f"{prefix}.{k}": str(v) for k, v in reasons.items()})
        return merged

    def none(self, path: str) -> str:
        """The "none" of an empty list and, where the document says, why it is empty."""
        reason = self.why(path)
        why = f' <span class="why">({esc(reason)})</span>' if reason else ""
        return f'<span class="none">none</span>{why}'

    def na(self, path: str) -> str:
        """The n/a mark and, where the document says, why the value is missing."""
        reason = self.why(path)
        why = f' <span class="why">({esc(reason)})</span>' if reason else ""
        return f'<span class="na">{NA}</span>{why}'


def scalar_html(key: str, value: object) -> str:
    """A scalar from the document (not None) as escaped HTML."""
    return esc(scalar_text(key, value))


def value_html(key: str, value: Any, path: str, missing: Missing) -> str:
    """Any value: n/a with its reason for null, nested tables for objects and lists of objects."""
    if value is None:
        return missing.na(path)
    if isinstance(value, Mapping):
        if _is_uniform(value):
            return keyed_rows_table(value, path, missing)
        return key_value_table(value, path, missing)
    if isinstance(value, list | tuple):
        return list_html(key, list(value), path, missing)
    return scalar_html(key, value)


def list_html(key: str, items: list[Any], path: str, missing: Missing) -> str:
    if not items:
        return missing.none(path)
    if all(isinstance(item, Mapping) for item in items):
        return rows_table(items, path, missing)
    return ", ".join(value_html(key, item, f"{path}[{i}]", missing) for i, item in enumerate(items))


def key_value_table(mapping: Mapping[str, Any], path: str, missing: Missing, skip: tuple[str, ...] = ()) -> str:
    """A two-column table: one row per key, in the document's order."""
    rows = "".join(
        f"<tr><th>{esc(label_of(str(k)))}</th><td>{value_html(str(k), v, _join(path, str(k)), missing)}</td></tr>"
        for k, v in mapping.items()
        if k not in skip
    )
    return f'<table class="kv">{rows}</table>' if rows else '<span class="none">none</span>'


def _is_uniform(mapping: Mapping[str, Any]) -> bool:
    """Objects under names, each with the same flat keys (a throttle breakdown by reason): a grid reads
    better than tables nested in tables, which squeeze to a letter per line."""
    values = list(mapping.values())
    if len(values) < 2 or not all(isinstance(v, Mapping) and v for v in values):
        return False
    keys = list(values[0])
    flat = all(not isinstance(x, Mapping | list) for v in values for x in v.values())
    return flat and all(list(v) == keys for v in values)


def keyed_rows_table(mapping: Mapping[str, Any], path: str, missing: Missing) -> str:
    """Objects under names as one table: the name, then a column per key."""
    columns = [str(k) for k in next(iter(mapping.values()))]
    head = "<th></th>" + "".join(f"<th>{esc(label_of(c))}</th>" for c in columns)
    body = "".join(
        f"<tr><th>{esc(label_of(str(name)))}</th>"
        + "".join(f"<td>{value_html(c, row.get(c), f'{_join(path, str(name))}.{c}', missing)}</td>" for c in columns)
        + "</tr>"
        for name, row in mapping.items()
    )
    return f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def rows_table(items: list[Any], path: str, missing: Missing, skip: tuple[str, ...] = ()) -> str:
    """A list of objects as one table: a column per key seen in any of them."""
    columns: list[str] = []
    for item in items:
        columns += [str(k) for k in item if str(k) not in columns and k not in skip]
    head = "".join(f"<th>{esc(label_of(c))}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(f"<td>{value_html(c, item.get(c), f'{path}[{i}].{c}', missing)}</td>" for c in columns)
        + "</tr>"
        for i, item in enumerate(items)
    )
    return f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


STATUS_WORDS = {"pass": "PASS", "warn": "WARN", "fail": "FAIL", "info": "INFO", "skip": "SKIP", "unknown": "UNKNOWN"}
SIMULATED_MARK = '<span class="sim-mark" title="simulated, not real hardware">SIMULATED</span>'


def status_badge(status: object) -> str:
    """A status or verdict as a coloured word; the word is there for black-and-white prints."""
    if status is None:
        return '<span class="status unknown">UNKNOWN</span>'
    word = str(status)
    css = re.sub(r"[^a-z0-9_-]", "", word.lower()) or "unknown"
    return f'<span class="status {css}">{esc(STATUS_WORDS.get(word, word.upper()))}</span>'


def simulated_mark(item: object) -> str:
    """The SIMULATED mark for a GPU, a test or a plan that says `"simulated": true`."""
    return f" {SIMULATED_MARK}" if isinstance(item, Mapping) and item.get("simulated") is True else ""


def pairs_table(pairs: list[tuple[str, str]]) -> str:
    """A two-column table from (label, ready HTML) pairs; the label is escaped here."""
    rows = "".join(f"<tr><th>{esc(label)}</th><td>{cell}</td></tr>" for label, cell in pairs)
    return f'<table class="kv">{rows}</table>'


def flat_rows_table(items: list[Any], path: str, missing: Missing) -> str:
    """A list of objects as one table, with nested objects ("health") spread into their own columns."""
    columns: list[tuple[str, ...]] = []
    for item in (i for i in items if isinstance(i, Mapping)):
        for key, value in item.items():
            keys = [(str(key), str(k)) for k in value] if isinstance(value, Mapping) and value else [(str(key),)]
            columns += [c for c in keys if c not in columns]
    head = "".join(f"<th>{esc(': '.join(label_of(k) for k in column))}</th>" for column in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_cell(item, c, f'{path}[{i}]', missing)}</td>" for c in columns) + "</tr>"
        for i, item in enumerate(items)
    )
    return f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _cell(item: Any, column: tuple[str, ...], path: str, missing: Missing) -> str:
    value = item
    for key in column:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value_html(column[-1], value, ".".join((path, *column)), missing)


def bullets(items: Any, path: str, missing: Missing) -> str:
    """A list of lines as bullets; null is n/a with its reason."""
    if items is None:
        return f"<p>{missing.na(path)}</p>"
    if not isinstance(items, list):
        return f"<p>{value_html('', items, path, missing)}</p>"
    if not items:
        return f"<p>{missing.none(path)}</p>"
    lines = "".join(f"<li>{value_html('', x, f'{path}[{i}]', missing)}</li>" for i, x in enumerate(items))
    return f"<ul>{lines}</ul>"


def extra_keys(mapping: Mapping[str, Any], shown: tuple[str, ...], path: str, missing: Missing) -> str:
    """Keys this renderer does not know yet, shown as a plain table so nothing is dropped."""
    extra = {k: v for k, v in mapping.items() if k not in shown}
    return key_value_table(extra, path, missing) if extra else ""
