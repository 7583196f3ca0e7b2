"""The history section of the HTML report (period, metrics, clock-event reasons, graphs, alerts),
and the graphs as captioned figures, marked SIMULATED where their readings are."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.report.display_history import (
    METRIC_KEYS,
    STATS,
    alert_columns,
    alert_reason_path,
    clock_events,
    metric_extras,
    metric_title,
    shared_null_notes,
    split_metrics,
    stat_text,
)
from app.report.html_values import SIMULATED_MARK, Missing, esc, extra_keys, label_of, pairs_table, value_html
from app.report.svg import render_svg


class Graphs:
    """The document's graphs by id; remembers which were drawn so none is drawn twice or lost."""

    def __init__(self, graphs: Any, simulated: bool = False) -> None:
        items = graphs if isinstance(graphs, list) else []
        self._graphs = [g for g in items if isinstance(g, Mapping)]
        self._drawn: set[int] = set()
        self._simulated = simulated  # the document's flag: a graph without its own `simulated` follows it

    def figure(self, graph_id: str) -> str:
        """The graph with this id as a <figure>, or "" when the document has none by that id."""
        for i, graph in enumerate(self._graphs):
            if graph.get("id") == graph_id:
                return self._draw(i) if i not in self._drawn else self._link(graph)
        return ""

    def rest_of(self, section: str) -> str:
        """Every graph of `section` not drawn yet (one not tied to a test result, say)."""
        return "".join(self._draw(i) for i, g in enumerate(self._graphs) if g.get("section") == section
                       and i not in self._drawn)  # fmt: skip

    @staticmethod
    def _link(graph: Mapping[str, Any]) -> str:
        title = esc(graph.get("title") or graph.get("id"))
        anchor = esc(f"graph-{graph.get('id')}")
        return f'<p>Graph: <a href="#{anchor}">{title}</a> (shown above)</p>'

    def _draw(self, index: int) -> str:
        self._drawn.add(index)
        graph = self._graphs[index]
        anchor = esc(f"graph-{graph.get('id', index)}")
        title = esc(graph.get("title") or graph.get("id") or "graph")
        simulated = self.is_simulated(graph)
        mark = f" {SIMULATED_MARK}" if simulated else ""
        return (
            f'<figure id="{anchor}"><figcaption>{title}{mark}</figcaption>'
            f"{render_svg(graph, simulated=simulated)}</figure>"
        )

    def is_simulated(self, graph: Mapping[str, Any]) -> bool:
        """The graph's own `simulated` when it has one, else the document's."""
        own = graph.get("simulated")
        return own if isinstance(own, bool) else self._simulated


def history_html(history: Mapping[str, Any], period: Any, missing: Missing, graphs: Graphs) -> str:
    """The period, min / mean / max per metric with units, the graphs, and the alerts raised."""
    parts = ["<h3>Period</h3>" + _period_html(period, missing)]
    metrics = history.get("metrics")
    parts.append("<h3>Metrics</h3>" + metrics_table(metrics, missing))
    if isinstance(metrics, list):
        parts.append(clock_events_html(metrics))
    drawn = graphs.rest_of("history")
    parts.append(f"<h3>Graphs</h3>{drawn}" if drawn else "")
    alerts = history.get("alerts")
    if isinstance(alerts, list) and alerts and all(isinstance(a, Mapping) for a in alerts):
        parts.append("<h3>Alerts</h3>" + alerts_table(alerts, missing))
    else:
        parts.append("<h3>Alerts</h3>" + (missing.na("history.alerts") if alerts is None else
                                          value_html("alerts", alerts, "history.alerts", missing)))  # fmt: skip
    parts.append(extra_keys(history, ("metrics", "alerts"), "history", missing))
    return "".join(parts)


def _period_html(period: Any, missing: Missing) -> str:
    if not isinstance(period, Mapping):
        return f"<p>{missing.na('period')}</p>"
    return pairs_table([(label_of(str(k)), value_html(str(k), v, f"period.{k}", missing)) for k, v in period.items()])


def metrics_table(metrics: Any, missing: Missing) -> str:
    """Min / mean / max per metric in its catalog unit and decimals; the clock-event flags apart."""
    if not isinstance(metrics, list):
        return f"<p>{missing.na('history.metrics')}</p>"
    levels, _ = split_metrics(metrics)
    if not levels:
        return '<p class="none">No metric was recorded in this period.</p>'
    head = "<tr><th>Metric</th><th>Description</th><th>Min</th><th>Mean</th><th>Max</th><th>Samples</th></tr>"
    rows = "".join(_metric_row(m, f"history.metrics[{i}]", missing) for i, m in levels)
    rows += "".join(
        f'<tr><td colspan="6">{value_html("metric", m, f"history.metrics[{i}]", missing)}</td></tr>'
        for i, m in enumerate(metrics)
        if not isinstance(m, Mapping)
    )
    return f'<table class="grid"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def clock_events_html(metrics: list[Any]) -> str:
    """The clock-event reasons ever active, with the share of the period each held clocks down."""
    _, flags = split_metrics(metrics)
    if not flags:
        return ""
    events = clock_events(flags)
    parts = ["<h3>Clock-event reasons</h3>"]
    if events.active:
        rows = "".join(
            f"<tr><td>{esc(r.device)}</td><td><code>{esc(r.reason)}</code></td>"
            f'<td class="num">{esc(r.active_text)}</td><td>{esc(r.meaning)}</td></tr>'
            for r in events.active
        )
        head = "<tr><th>GPU</th><th>Reason</th><th>Time active</th><th>Meaning</th></tr>"
        parts.append(f'<table class="grid"><thead>{head}</thead><tbody>{rows}</tbody></table>')
    else:
        parts.append('<p class="none">No clock-event reason was active in this period.</p>')
    if events.never_text():
        parts.append(f'<p class="why">{esc(events.never_text())}</p>')
    return "".join(parts)


def alerts_table(alerts: list[Mapping[str, Any]], missing: Missing) -> str:
    """Time, fired or cleared, severity, message; a null says why (this alert's reason in its cell,
    all alerts' under the table)."""
    columns = alert_columns(alerts)
    head = "".join(f"<th>{esc(title)}</th>" for _, title in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_alert_cell(alert, i, key, missing)}</td>" for key, _ in columns) + "</tr>"
        for i, alert in enumerate(alerts)
    )
    notes = "".join(f'<p class="why">{esc(note)}</p>' for note in shared_null_notes(alerts, missing.why))
    return f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{notes}'


def _alert_cell(alert: Mapping[str, Any], index: int, key: str, missing: Missing) -> str:
    """A null gives this alert's reason; one that all alerts share is said once, under the table."""
    value = alert.get(key)
    if value is None:
        return missing.na(alert_reason_path(index, key)[0])
    return value_html(key, value, f"history.alerts[{index}].{key}", missing)


def _metric_row(metric: Mapping[str, Any], path: str, missing: Missing) -> str:
    def stat(key: str) -> str:
        text = stat_text(metric, key)
        if text is not None:
            return f'<td class="num">{esc(text)}</td>'
        return f"<td>{value_html(key, metric.get(key), f'{path}.{key}', missing)}</td>"

    name = f"{esc(metric_title(metric))}<br><code>{esc(metric.get('name') or '')}</code>"
    description = esc(metric.get("description") or "")
    extras = metric_extras(metric)
    more = pairs_table(list((label, esc(text)) for label, text in extras)) if extras else ""
    nested = {k: v for k, v in metric.items() if k not in METRIC_KEYS and isinstance(v, Mapping | list)}
    more += extra_keys(nested, (), path, missing)  # objects and lists a later builder adds, as tables
    samples = value_html("samples", metric.get("samples"), f"{path}.samples", missing)
    return (
        f"<tr><td>{name}</td><td>{description}{more}</td>{''.join(stat(k) for k in STATS)}"
        f'<td class="num">{samples}</td></tr>'
    )
