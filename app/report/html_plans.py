"""The plans section of the HTML report: each saved plan as what was planned, the recommendation
and why, the memory and compute it needs, and the options compared (app/report/display_plans.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.report.display_plans import OPTION_COLUMNS, PLAN_SHOWN, plan_text
from app.report.html_values import Missing, esc, extra_keys, pairs_table, simulated_mark, value_html


def plans_html(plans: list[Any], missing: Missing) -> str:
    """Each saved plan: the model and work, the recommendation with its reasons, then the rest."""
    if not plans:
        return f"<p>{missing.none('plans') if missing.why('plans') else 'No plan was added to this report.'}</p>"
    return "".join(_plan_html(plan, f"plans[{i}]", missing) for i, plan in enumerate(plans))


def _plan_html(plan: Any, path: str, missing: Missing) -> str:
    if not isinstance(plan, Mapping):
        return f"<p>{value_html('plan', plan, path, missing)}</p>"
    text = plan_text(plan)
    parts = [f'<div class="plan"><h3>{esc(text.model)}: {esc(text.work)}{simulated_mark(plan)}</h3>']
    recommendation = esc(text.recommendation) if plan.get("recommendation") else missing.na(f"{path}.recommendation")
    parts.append(pairs_table([("Recommendation", recommendation), ("Memory needed", esc(text.memory)),
                              ("Compute", esc(text.compute))]))  # fmt: skip
    if text.reasons:
        parts.append("<h4>Why</h4><ul>" + "".join(f"<li>{esc(r)}</li>" for r in text.reasons) + "</ul>")
    if text.warnings:
        parts.append("<h4>Warnings</h4><ul>" + "".join(f"<li>{esc(w)}</li>" for w in text.warnings) + "</ul>")
    if text.options:
        head = "".join(f"<th>{esc(c)}</th>" for c in OPTION_COLUMNS)
        rows = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in text.options)
        parts.append(f'<h4>Options compared</h4><table class="grid"><thead><tr>{head}</tr></thead>'
                     f"<tbody>{rows}</tbody></table>")  # fmt: skip
        parts += [f'<p class="why">{esc(note)}</p>' for note in text.footnotes]
    recommendation_extra = plan.get("recommendation")
    if isinstance(recommendation_extra, Mapping):
        shown = ("kind", "reasons", "option_index")
        parts.append(extra_keys(recommendation_extra, shown, f"{path}.recommendation", missing))
    parts.append(extra_keys(plan, PLAN_SHOWN, path, missing))
    return "".join(parts) + "</div>"
