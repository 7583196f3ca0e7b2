"""The history and plans sections of the HTML report, and the graphs as captioned figures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.units import format_bytes, format_rate
from app.report.html_values import (
    Missing,
    bullets,
    esc,
    extra_keys,
    label_of,
    number_text,
    pairs_table,
    rows_table,
    simulated_mark,
    value_html,
)
from app.report.svg import render_svg

METRIC_SHOWN = ("name", "label", "unit", "description", "min", "mean", "max", "samples")
PLAN_SHOWN = ("schema", "model", "workload", "recommendation", "simulated")


class Graphs:
    """The document's graphs by id; remembers which were drawn so none is drawn twice or lost."""

    def __init__(self, graphs: Any) -> None:
        items = graphs if isinstance(graphs, list) else []
        self._graphs = [g for g in items if isinstance(g, Mapping)]
        self._drawn: set[int] = set()

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
        return f'<figure id="{anchor}"><figcaption>{title}</figcaption>{render_svg(graph)}</figure>'


def history_html(history: Mapping[str, Any], period: Any, missing: Missing, graphs: Graphs) -> str:
    """The period, min / mean / max per metric with units, the graphs, and the alerts raised."""
    parts = ["<h3>Period</h3>" + _period_html(period, missing)]
    parts.append("<h3>Metrics</h3>" + _metrics_table(history.get("metrics"), missing))
    drawn = graphs.rest_of("history")
    parts.append(f"<h3>Graphs</h3>{drawn}" if drawn else "")
    alerts = history.get("alerts")
    if isinstance(alerts, list) and alerts and all(isinstance(a, Mapping) for a in alerts):
        parts.append("<h3>Alerts</h3>" + rows_table(alerts, "history.alerts", missing))
    else:
        parts.append("<h3>Alerts</h3>" + (missing.na("history.alerts") if alerts is None else
                                          value_html("alerts", alerts, "history.alerts", missing)))  # fmt: skip
    parts.append(extra_keys(history, ("metrics", "alerts"), "history", missing))
    return "".join(parts)


def plans_html(plans: list[Any], missing: Missing) -> str:
    """Each saved plan: the model and work, the recommendation with its reasons, then the rest."""
    if not plans:
        return '<p class="none">No plan was added to this report.</p>'
    return "".join(_plan_html(plan, f"plans[{i}]", missing) for i, plan in enumerate(plans))


def _period_html(period: Any, missing: Missing) -> str:
    if not isinstance(period, Mapping):
        return f"<p>{missing.na('period')}</p>"
    return pairs_table([(label_of(str(k)), value_html(str(k), v, f"period.{k}", missing)) for k, v in period.items()])


def _metrics_table(metrics: Any, missing: Missing) -> str:
    if not isinstance(metrics, list):
        return f"<p>{missing.na('history.metrics')}</p>"
    if not metrics:
        return '<p class="none">No metric was recorded in this period.</p>'
    head = "<tr><th>Metric</th><th>Description</th><th>Min</th><th>Mean</th><th>Max</th><th>Samples</th></tr>"
    rows = "".join(_metric_row(m, f"history.metrics[{i}]", missing) for i, m in enumerate(metrics))
    return f'<table class="grid"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def _metric_row(metric: Any, path: str, missing: Missing) -> str:
    if not isinstance(metric, Mapping):
        return f'<tr><td colspan="6">{value_html("metric", metric, path, missing)}</td></tr>'
    unit = str(metric.get("unit") or "")
    unit = "" if unit == "1" else unit  # the catalog's "1": a unitless number

    def stat(key: str) -> str:
        value = metric.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return f'<td class="num">{esc(_with_unit(value, unit))}</td>'
        return f"<td>{value_html(key, value, f'{path}.{key}', missing)}</td>"

    name = f"{esc(metric.get('label') or metric.get('name') or '')}<br><code>{esc(metric.get('name') or '')}</code>"
    description = esc(metric.get("description") or "")
    more = extra_keys(metric, METRIC_SHOWN, path, missing)
    samples = value_html("samples", metric.get("samples"), f"{path}.samples", missing)
    return (
        f"<tr><td>{name}</td><td>{description}{more}</td>{stat('min')}{stat('mean')}{stat('max')}"
        f'<td class="num">{samples}</td></tr>'
    )


def _with_unit(value: float, unit: str) -> str:
    """A statistic in the catalog's unit; bytes and byte rates in readable units (GiB, MB/s)."""
    if unit == "B":
        return format_bytes(value)
    if unit == "B/s":
        return format_rate(value)
    return f"{number_text(value)} {unit}".strip()


def _plan_html(plan: Any, path: str, missing: Missing) -> str:
    if not isinstance(plan, Mapping):
        return f"<p>{value_html('plan', plan, path, missing)}</p>"
    model = plan.get("model")
    model_name = model.get("name") if isinstance(model, Mapping) else model
    heading = f"<h3>{esc(model_name or 'Plan')}: {esc(plan.get('workload') or '')}{simulated_mark(plan)}</h3>"
    parts = [heading]
    recommendation = plan.get("recommendation")
    if isinstance(recommendation, Mapping):
        kind = value_html("kind", recommendation.get("kind"), f"{path}.recommendation.kind", missing)
        parts.append(pairs_table([("Recommendation", kind)]))
        parts.append(bullets(recommendation.get("reasons"), f"{path}.recommendation.reasons", missing))
        parts.append(extra_keys(recommendation, ("kind", "reasons"), f"{path}.recommendation", missing))
    else:
        parts.append(pairs_table([("Recommendation", missing.na(f"{path}.recommendation"))]))
    if isinstance(model, Mapping):
        parts.append("<h4>Model</h4>" + extra_keys(model, (), f"{path}.model", missing))
    parts.append(extra_keys(plan, PLAN_SHOWN, path, missing))
    return "".join(parts)
