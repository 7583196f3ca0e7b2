"""The HTML report rendered from the agreed example document and from hand-made ones, read back
with html.parser: its sections, its self-containment, its escaping, its units and its n/a reasons."""

from __future__ import annotations

import copy
import re
from typing import Any

from app.report.html import render_html
from tests.report.html_parsing import Page, example

SECTION_TITLES = (
    "Summary",
    "Machine",
    "GPUs",
    "Software stack",
    "Stress and cooling tests",
    "History",
    "Project plans",
)


def _page(document: dict[str, Any]) -> Page:
    return Page(render_html(document))


def test_every_section_of_the_example_has_its_heading_and_a_contents_link_to_it() -> None:
    page = _page(example())
    assert page.heading_texts("h2") == ["Contents", *SECTION_TITLES]
    anchors = [a["href"] for a in page.all("a")]
    ids = {attrs.get("id") for _, attrs in page.elements}
    for section_id in ("summary", "machine", "gpus", "software", "tests", "history", "plans"):
        assert f"#section-{section_id}" in anchors
        assert f"section-{section_id}" in ids
    assert page.heading_texts("h1") == ["System report: workstation-7"]


def test_sections_follow_the_documents_order_and_leave_out_unlisted_ones() -> None:
    document = example()
    document["sections"] = [{"id": "gpus", "title": "GPUs"}, {"id": "summary", "title": "Summary"}]
    assert _page(document).heading_texts("h2") == ["Contents", "GPUs", "Summary"]


def test_nothing_is_loaded_from_outside_the_file() -> None:
    markup = render_html(example())
    page = Page(markup)
    links = [
        value for _, attrs in page.elements for key, value in attrs.items() if key in ("src", "href", "xlink:href")
    ]
    assert links, "the contents should link to the sections"
    assert all(link.startswith("#") for link in links), links
    assert "url(" not in page.style
    assert not page.all("script") and not page.all("link") and not page.all("img")
    assert not re.search(r"https?://", markup)  # not even the SVG namespace: inline SVG in HTML needs none


def test_every_string_and_key_of_the_document_is_escaped() -> None:
    def tainted(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: v if k == "section" else tainted(v) for k, v in value.items()}  # a graph's place
        if isinstance(value, list):
            return [tainted(v) for v in value]
        return f"{value}<x-evil a='1'>" if isinstance(value, str) else value

    document = example()
    sections = document["sections"]
    document = tainted(document)
    document["sections"] = sections  # the ids pick the renderers; their titles are tainted below
    document["sections"][0] = {"id": "summary", "title": "<x-evil>Summary"}
    document["machine"]["<x-evil>key"] = "value"
    document["missing"]["gpus[0].serial"] = "<x-evil>reason"
    page = _page(document)
    assert not [tag for tag, _ in page.elements if tag.startswith("x-evil")]
    text = page.flat_text()
    assert "<x-evil>Summary" in text and "<x-evil>reason" in text and "<x-evil>key" in text
    assert text.count("<x-evil a='1'>") > 50
    assert Page(render_html(document)).all("svg")  # the graphs (titles, labels, unit) were drawn too


def test_document_text_is_escaped_and_shows_as_text() -> None:
    document = example()
    document["software"]["findings"][0]["detail"] = "<script>alert('x')</script> & more"
    document["software"]["findings"][0]["fix"] = 'echo "<b>" > /tmp/f'
    document["machine"]["hostname"] = '"><img src=x onerror=alert(1)>'
    document["gpus"][0]["name"] = "<i>GPU</i>"
    page = _page(document)
    assert not page.all("script") and not page.all("img") and not page.all("i")
    text = page.flat_text()
    assert "<script>alert('x')</script> & more" in text
    assert 'echo "<b>" > /tmp/f' in text
    assert '"><img src=x onerror=alert(1)>' in text
    assert "GPU 0: <i>GPU</i>" in text


def test_null_shows_na_with_the_reason_the_document_gives() -> None:
    page = _page(example())
    text = page.flat_text()
    assert "Serial number n/a (GeForce cards do not report a serial number)" in text
    assert "MIG mode n/a (not a MIG-capable card)" in text


def test_a_document_with_nulls_and_missing_sections_renders() -> None:
    document = {
        "schema": "aiwm.report/1",
        "title": None,
        "sections": [
            {"id": "summary", "title": "Summary"},
            {"id": "machine", "title": "Machine"},
            {"id": "gpus", "title": "GPUs"},
            {"id": "tests", "title": "Tests"},
            {"id": "history", "title": "History"},
        ],
        "summary": None,
        "machine": {"hostname": None, "cpu": None, "storage": None},
        "gpus": [{"index": 0, "pcie": {"gen_current": None, "width_current": 8}, "power": None}],
        "tests": {"stress": None, "thermal": [{"device": "gpu0", "verdict": None, "metrics": None, "graph": "gone"}]},
        "graphs": [
            {"id": "empty", "section": "history", "title": "Nothing yet", "series": [{"t": [1.0], "v": [None]}]}
        ],
        "missing": {
            "summary": "the doctor was not run",
            "machine.hostname": "redaction failed",
            "gpus[0].pcie.gen_current": "GPU lost",
            "tests.stress": "no stress test stored",
        },
    }
    page = _page(document)
    text = page.flat_text()
    assert page.heading_texts("h2") == ["Contents", "Summary", "Machine", "GPUs", "Tests", "History"]
    assert "n/a (the doctor was not run)" in text
    assert "Hostname n/a (redaction failed)" in text
    assert "PCIe link Gen n/a (GPU lost) x8 (max Gen n/a x n/a" in text
    assert "n/a (no stress test stored)" in text
    assert 'n/a (no readings for the graph "Nothing yet")' in text
    assert "Plans" not in text


def test_every_value_of_the_example_may_be_null() -> None:
    def nulled(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: nulled(v) if k not in ("id", "title") else v for k, v in value.items()}
        if isinstance(value, list):
            return [nulled(v) for v in value]
        return None

    document = example()
    document = {**nulled(document), "sections": document["sections"]}
    page = _page(document)
    assert page.heading_texts("h2") == ["Contents", *SECTION_TITLES]
    assert _page({}).heading_texts("h1") == ["System report"]
    assert _page({"machine": {"hostname": "ws-2"}}).heading_texts("h1") == ["System report: ws-2"]


def test_gpu_table_has_every_inventory_field_with_units() -> None:
    document = example()
    document["gpus"][0]["pcie"] = {"gen_current": 3, "width_current": 8, "gen_max": 4, "width_max": 16}
    document["gpus"][0]["persistence_mode"] = True
    text = _page(document).flat_text()
    # 25757220864 B / 2**30 = 23.988 GiB, two decimals.
    for row in (
        "VRAM 23.99 GiB",
        "PCIe link Gen3 x8 (max Gen4 x16)",
        "Power limit (enforced) 450 W",
        "Power limit (default) 450 W",
        "Power limit (minimum) 150 W",
        "Power limit (maximum) 600 W",
        "Target temperature 84 °C",
        "Maximum operating temperature 90 °C",
        "Slowdown temperature 96 °C",
        "Shutdown temperature 101 °C",
        "Persistence mode on",
        "VBIOS 95.02.3C.40.D1",
        "PCI bus ID 00000000:01:00.0",
        "UUID GPU-SIMULATED-0000-rtx4090",
        "Compute capability 8.9",
    ):
        assert row in text, row


def test_machine_section_shows_storage_health_and_network_with_units() -> None:
    text = _page(example()).flat_text()
    assert "Memory: total 64.00 GiB" in text  # 68719476736 B = 64 × 2**30
    assert "1.82 TiB" in text  # 2000398934016 B / 2**40 = 1.8194 TiB
    assert "41 °C" in text and "3 %" in text and "2500 Mbit/s" in text
    assert "a8:a1:59:12:34:56" in text and "192.168.1.23" in text


def test_simulated_document_has_a_banner_and_each_simulated_item_a_mark() -> None:
    page = _page(example())
    marks = [attrs for attrs in page.all("span") if attrs.get("class") == "sim-mark"]
    # the GPU, the stress test, the cooling test, and the two graphs (the cooling test's, the history's)
    assert len(marks) == 5
    assert "SIMULATED: this report holds simulated GPUs" in page.flat_text()

    real = example()
    real["simulated"] = False
    for item in (real["gpus"][0], real["tests"]["stress"][0], real["tests"]["thermal"][0]):
        item["simulated"] = False
    page = _page(real)
    assert not [a for a in page.all("span") if a.get("class") == "sim-mark"]
    assert not [a for a in page.all("p") if "banner" in a.get("class", "")]


def test_redacted_note_only_when_the_document_is_redacted() -> None:
    document = example()
    assert "REDACTED" not in _page(document).flat_text()
    document["redacted"] = True
    assert "REDACTED: hostname, user names" in _page(document).flat_text()


def test_header_gives_generation_time_in_utc_and_program_version() -> None:
    text = _page(example()).flat_text()
    assert "Generated 2026-11-28 15:00:00 UTC" in text
    assert "AI Workstation Manager 0.1.0" in text


def test_summary_gives_overall_status_in_colour_and_words_then_lines_and_fit_for() -> None:
    document = example()
    document["summary"]["overall"] = "fail"
    page = _page(document)
    overall = next(a for a in page.all("p") if a.get("class", "").startswith("overall"))
    assert overall["class"] == "overall fail"
    text = page.flat_text()
    assert "Overall: FAIL problems that need fixing" in text
    assert "Stress gpu: PASS, 71.2 TFLOPS (86 % of peak)" in text
    assert "Fit for runs 8B models in bf16 fine-tunes up to 3B with LoRA" in text
    assert text.index("Overall: FAIL") < text.index("Hostname")


def test_findings_are_grouped_fail_warn_info_skip_pass_with_detail_and_fix_in_monospace() -> None:
    document = example()
    document["software"]["findings"] = [
        {"id": f"x.{status}", "status": status, "title": f"T-{status}", "detail": f"D-{status}", "fix": f"F-{status}"}
        for status in ("pass", "info", "fail", "skip", "warn", "info")
    ]
    markup = render_html(document)
    page = Page(markup)
    groups = [h for h in page.heading_texts("h4") if h.split()[0] in ("FAIL", "WARN", "INFO", "SKIP", "PASS")]
    assert groups == [
        "FAIL Failed (1)",
        "WARN Warnings (1)",
        "INFO Information (2)",
        "SKIP Skipped (1)",
        "PASS Passed (1)",
    ]
    assert "<pre>D-fail</pre>" in markup and "<pre>F-fail</pre>" in markup
    assert "pre {" in page.style and "monospace" in page.style


def test_test_results_show_verdict_reasons_metrics_with_units_and_baseline() -> None:
    text = _page(example()).flat_text()
    assert "Stress test: gpu gpu0 PASS SIMULATED" in text
    assert "Cooling test: gpu0 PASS SIMULATED" in text
    for row in (
        "Throughput 71.2 TFLOPS",
        "Share of peak 86.2 %",
        "Duration 300 s",
        "Idle temperature 40.1 °C",
        "Peak temperature 77.9 °C",
        "Thermal time constant 59.2 s",
        "Temperature rise per watt 0.088 °C/W",
        "Clock drop 1.2 %",
        "Cooldown time 201 s",
        "POWER_LIMITED (normal): power at the limit 92 % of the load",
        "Compared with the baseline steady temperature 0.4 °C higher than your baseline of 2026-11-02",
        "Aborted no, it ran to its planned end",
    ):
        assert row in text, row


def test_each_graph_is_drawn_once_in_its_place() -> None:
    markup = render_html(example())
    assert markup.count("<svg") == 2
    tests_part = markup[markup.index('id="section-tests"') : markup.index('id="section-history"')]
    history_part = markup[markup.index('id="section-history"') : markup.index('id="section-plans"')]
    assert 'id="graph-thermal_gpu0"' in tests_part and 'id="graph-gpu0_temperature"' in history_part
    # the cooling test's graph sits inside its result, after its baseline comparison
    assert tests_part.index("Compared with the baseline") < tests_part.index("graph-thermal_gpu0")


def test_history_lists_min_mean_max_with_units_and_the_alerts() -> None:
    text = _page(example()).flat_text()
    assert "GPU 0 temperature gpu0.temperature_c GPU core temperature 40 °C 68.1 °C 75 °C 1800" in text
    assert "2026-11-28 14:52:10 UTC warning GPU 0 within 5 °C of its slowdown temperature" in text
    assert "Start 2026-11-28 14:30:00 UTC" in text and "Length 1800 s" in text


def test_history_shows_bytes_and_byte_rates_in_readable_units() -> None:
    document = example()
    document["history"]["metrics"] = [
        {"name": "gpu0.vram_used_bytes", "label": "VRAM used", "unit": "B", "description": "d",
         "min": 1073741824, "mean": 1610612736, "max": 2147483648, "samples": 3},
        {"name": "disk.nvme0n1.read_bytes_per_s", "label": "Read", "unit": "B/s", "description": "d",
         "min": 0, "mean": 512e6, "max": 1.5e9, "samples": 3},
        {"name": "host.load_1m", "label": "Load", "unit": "1", "description": "d",
         "min": 0.5, "mean": 1.25, "max": 2, "samples": 3},
    ]  # fmt: skip
    text = _page(document).flat_text()
    assert "1.00 GiB 1.50 GiB 2.00 GiB 3" in text  # 2**30, 1.5 × 2**30, 2**31 bytes
    assert "0.0 B/s 512.0 MB/s 1.5 GB/s 3" in text
    assert "0.5 1.25 2 3" in text  # the catalog's unit "1": a plain number


def test_plans_show_model_work_and_recommendation_with_reasons() -> None:
    text = _page(example()).flat_text()
    assert "Llama-3.1-8B: LoRA fine-tune" in text
    assert "Recommendation local" in text
    assert "Why this machine's RTX 4090 fits it: 19.2 GB of 24 GB" in text


def test_keys_the_renderer_does_not_know_are_shown_not_dropped() -> None:
    document = example()
    document["machine"]["bios_version"] = "F14c"
    document["gpus"][0]["fan_count"] = 3
    document["gpus"][0]["power"]["limit_source"] = "driver"
    document["tests"]["stress"][0]["peak_vram_bytes"] = 1073741824
    document["sections"].append({"id": "fleet", "title": "Fleet"})
    document["fleet"] = {"hosts": [{"name": "node-1", "uptime_s": 5}]}
    page = _page(document)
    text = page.flat_text()
    assert "Bios version F14c" in text
    assert "Fan count 3" in text
    assert "Limit source driver" in text
    assert "Peak VRAM 1.00 GiB" in text
    assert page.heading_texts("h2")[-1] == "Fleet"
    assert "node-1 5 s" in text


def test_print_styles_ask_for_a4_light_pages_and_a_page_per_section() -> None:
    style = _page(example()).style
    assert re.search(r"@page\s*{[^}]*size:\s*A4", style)
    print_block = style[style.index("@media print") :]
    assert "break-before: page" in print_block
    assert "background: #ffffff" in print_block
    assert "svg.graph { max-width: 100%; }" in print_block


def test_rendering_does_not_change_the_document() -> None:
    document = example()
    before = copy.deepcopy(document)
    render_html(document)
    assert document == before
