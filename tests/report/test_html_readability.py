"""The HTML report as an IT reader meets it (issue 11's new-user trial, T11 points 14, 16, 17): history
values with the metric catalog's decimals, clock-event reasons apart, graphs marked SIMULATED with
threshold labels apart, a storage table that fits the page, the doctor's facts in words, readable
plans, and "Fit for" that says why it is empty. Inputs are recorded real report parts
(tests/report/report_data.py); expected texts are worked out by hand in the comments."""

from __future__ import annotations

import re
from typing import Any

from app.report.html import render_html
from tests.report.html_parsing import Page, example
from tests.report.report_data import metric, recorded


def _page(document: dict[str, Any]) -> Page:
    return Page(render_html(document))


def _with_history(metrics: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    document = example()
    document["history"] = {"metrics": metrics, "alerts": []} | more
    return document


def _metrics_table_text(page_markup: str) -> str:
    """The text of the history's metric table alone."""
    start = page_markup.index("<h3>Metrics</h3>")
    end = page_markup.index("</table>", start)
    return Page(page_markup[start:end] + "</table>").flat_text()


def test_history_statistics_use_the_metric_catalogs_decimals_and_readable_units() -> None:
    names = ("gpu0.mem_clock_mhz", "gpu0.power_w", "gpu0.vram_used_bytes", "gpu0.pcie_rx_bytes_per_s",
             "gpu0.temperature_c")  # fmt: skip
    text = _page(_with_history([metric(n) for n in names])).flat_text()
    # The catalog: memory clock 0 decimals, power 3, temperature 0; a mean gets one more (3 at most).
    assert "405 MHz 10495.4 MHz 10501 MHz 1798" in text  # mean 10495.384872 (was "10495.385 MHz")
    assert "23 W 427.591 W 454.3 W 1798" in text  # mean 427.5910456
    assert "28 °C 74.4 °C 77 °C 1798" in text  # min 28.4 and max 77.1 at whole degrees, mean 74.418
    # 314572800 B = 300 × 2**20; 21463067701.5 B / 2**30 = 19.989; 21474836480 B = 20 × 2**30
    assert "300.00 MiB 19.99 GiB 20.00 GiB 1798" in text
    assert "0.0 B/s 2.2 GB/s 2.5 GB/s 360" in text  # 2231944444 B/s and 2.45e9 B/s in decimal GB/s
    assert "10495.385" not in text and "21474836480" not in text


def test_clock_event_flags_leave_the_metric_table_for_a_table_of_reasons_ever_active() -> None:
    metrics = recorded("history_demo.json")["metrics"]  # 62 rows, 22 of them clock-event flags
    assert sum(".clock_event." in m["name"] for m in metrics) == 22
    markup = render_html(_with_history(metrics))
    table = _metrics_table_text(markup)
    assert "clock_event" not in table and "Clock event" not in table
    assert "gpu0.temperature_c" in table and "gpu1.power_w" in table
    text = Page(markup).flat_text()
    # sw_power_cap's mean 0.93326 is the share of the period: 93.3 %; gpu_idle's 0.000556 is 0.06 %.
    assert "Clock-event reasons GPU Reason Time active Meaning gpu0 gpu_idle 0.1 %" in text
    assert "gpu0 sw_power_cap 93.3 % Clocks are lowered to stay under the power limit." in text
    assert "gpu0: applications_clocks_setting, board_limit" in text
    assert "gpu1: applications_clocks_setting" in text and "sw_power_cap, sw_thermal_slowdown, sync_boost" in text
    start = markup.index("Clock-event reasons")
    rows = Page(markup[start : markup.index("</table>", start)]).all("tr")
    assert len(rows) == 3, "a header and the two reasons ever active, not 22 rows of mostly zeros"
    assert text.count("hw_slowdown") == 2  # named once per GPU in the never-active line, never as a row


def test_a_metric_row_with_keys_a_later_builder_adds_shows_them_in_the_metrics_unit() -> None:
    counter = metric("gpu0.power_violation_s") | {"min": None, "mean": None, "max": None, "increase": 1678.619,
                                                  "note": "cumulative: the increase over the period"}  # fmt: skip
    counter["per_phase"] = {"load_s": 900}
    text = _page(_with_history([counter], missing={})).flat_text()
    assert "Increase 1678.619 s" in text and "Note cumulative: the increase over the period" in text
    assert "Per phase Load 900 s" in text


def test_history_graphs_of_a_simulated_report_are_marked_simulated_in_caption_and_picture() -> None:
    graph = recorded("history_demo.json")["graph"]  # GPU 0 temperature, no "simulated" key of its own
    document = _with_history([], graphs=None)
    document["graphs"] = [graph]
    markup = render_html(document | {"simulated": True})
    figure = markup[markup.index('<figure id="graph-gpu0_temperature_c"') :]
    figure = figure[: figure.index("</figure>")]
    assert 'class="sim-mark"' in figure.split("</figcaption>")[0]
    assert re.search(r'<text class="sim-text"[^>]*>SIMULATED</text>', figure)
    real = render_html(document | {"simulated": False})
    assert "SIMULATED" not in real[real.index('id="section-history"') :]
    own = dict(graph, simulated=False)  # a graph that says it is real is not marked in a simulated report
    document["graphs"] = [own]
    assert '<text class="sim-text"' not in render_html(document | {"simulated": True})


def _threshold_labels(markup: str) -> list[tuple[float, str]]:
    return [
        (float(y), label) for y, label in re.findall(r'class="threshold-label"[^>]* y="([\d.]+)"[^>]*>([^<]*)<', markup)
    ]


def _threshold_lines(markup: str) -> list[float]:
    return [float(y) for y in re.findall(r'<line class="threshold"[^>]* y1="([\d.]+)"', markup)]


def test_threshold_labels_of_close_lines_do_not_print_over_each_other_or_their_lines() -> None:
    """Slowdown 96 °C and shutdown 101 °C are 11 px apart on the 280 px graph; the labels are 11 px text."""
    document = _with_history([])
    document["graphs"] = [recorded("history_demo.json")["graph"]]
    markup = render_html(document)
    labels, lines = _threshold_labels(markup), _threshold_lines(markup)
    assert [label for _, label in labels] == ["slowdown 96 °C", "shutdown 101 °C"]
    (slowdown_y, _), (shutdown_y, _) = labels
    assert abs(slowdown_y - shutdown_y) >= 12, "one text line apart at least"
    for (baseline, _), line in zip(labels, lines, strict=True):
        text_top, text_bottom = baseline - 9, baseline + 2  # 11 px text: ascent about 9, descent 2
        assert not text_top <= line <= text_bottom, "the dashed line does not strike through its label"
        assert abs(baseline - line) <= 15, "each label stays beside its own line"


def test_fit_for_that_is_empty_says_why() -> None:
    document = example()
    document["summary"]["fit_for"] = []
    document["missing"]["summary.fit_for"] = "no GPU on this machine: the planner sizes GPU work"
    assert "Fit for none (no GPU on this machine: the planner sizes GPU work)" in _page(document).flat_text()
    del document["missing"]["summary.fit_for"]
    assert "Fit for nothing listed (the report gives no reason)" in _page(document).flat_text()


def test_the_storage_table_fits_the_page_with_one_size_and_health_in_one_cell() -> None:
    document = example()
    document["machine"]["storage"] = [recorded_drive()]
    document["missing"].update({f"machine.storage[0].health.{k}": "smartctl is not installed"
                                for k in ("passed", "percentage_used", "media_errors")})  # fmt: skip
    markup = render_html(document)
    start = markup.index("<h3>Storage</h3>")
    table = Page(markup[start : markup.index("</table>", start) + 8])
    heads = [t for t in table.flat_text().split(" Drive ", 1)[1].split(" vda ")[0].split()]  # header words
    assert len(table.all("th")) == 8, "Drive, Model, Kind, Size, Mounted at, Serial, Temperature, Health"
    assert "Total" not in heads and heads.count("Size") == 1
    row = table.flat_text().split(" vda ", 1)[1]
    assert "256.00 GiB" in row and row.count("256.00 GiB") == 1  # 274877906944 B = 256 × 2**30, once
    assert row.count("smartctl is not installed") == 1, "one reason for the whole health cell"
    assert "table.storage { width: 100%; table-layout: fixed" in Page(markup).style


def recorded_drive() -> dict[str, Any]:
    """The virtual disk of the trial's machine, as `aiwm report` wrote it."""
    return {"name": "vda", "model": None, "kind": "hdd", "total_bytes": 274877906944, "mountpoints": ["/"],
            "temperature_c": None, "temperature_warning_c": None, "temperature_critical_c": None,
            "size_bytes": 274877906944, "serial": None,
            "health": {"passed": None, "percentage_used": None, "critical_warning": None, "temperature_c": None,
                       "media_errors": None, "problem": "smartctl is not installed"}}  # fmt: skip


def test_the_kernel_is_named_once() -> None:
    document = example()
    document["machine"]["os"] = "Debian GNU/Linux 12 (bookworm) (kernel 6.18.44-fc-v857)"
    document["machine"]["kernel"] = "6.18.44-fc-v857"
    text = _page(document).flat_text()
    assert text.count("6.18.44-fc-v857") == 1 and "Kernel 6.18.44" not in text
    document["machine"]["os"] = "Ubuntu 24.04 LTS"
    assert "Kernel 6.18.44-fc-v857" in _page(document).flat_text()  # not in the OS line: its own row


def test_the_doctors_facts_read_in_words_with_their_own_reasons_for_nulls() -> None:
    document = example()
    document["software"]["facts"] = recorded("facts_demo.json")
    markup = render_html(document)
    facts = markup[markup.index("<h3>Facts</h3>") : markup.index("<h3>Findings</h3>")]
    text = Page(facts).flat_text()
    for words in ("PCIe generation now", "PCIe lanes (max)", "cuDNN copies found", "Persistence mode",
                  "Firewall active n/a (no ufw configuration, firewalld unknown to systemd, and the nftables "
                  "ruleset needs root to read)",
                  "SSH password login allowed n/a (not applicable: no SSH server (sshd) is installed)",
                  "Frameworks none (no PyTorch, TensorFlow or JAX", "NVML error none"):  # fmt: skip
        assert words in text, words
    for raw in ("Pcie gen current", "Cudnns", "System.firewall active", "Missing"):
        assert raw not in text, raw


def test_a_breakdown_by_reason_is_one_table_not_tables_nested_in_tables() -> None:
    document = example()
    by_reason = {
        name: {"percent": pct, "source": "counter"}
        for name, pct in (("sw_power_cap", 100.0), ("sw_thermal_slowdown", 0.0), ("hw_power_brake", 0.0))
    }
    document["tests"]["thermal"][0]["details"] = {"throttle": {"total_percent": 100.0, "by_reason": by_reason}}
    markup = render_html(document)
    start = markup.index("By reason")
    part = markup[start : markup.index("</table>", start)]
    assert part.count("<table") == 1, "the reasons are rows of one table"
    text = Page(part + "</table>").flat_text()
    assert "Percent Source SW power cap 100 % counter SW thermal slowdown 0 % counter" in text


def test_a_saved_plan_reads_as_model_work_recommendation_memory_and_options() -> None:
    document = example()
    document["plans"] = [recorded("plan_llama_lora.json")]
    markup = render_html(document)
    text = Page(markup[markup.index('id="section-plans"') :]).flat_text()
    assert "llama-3.1-8b: LoRA fine-tune, bf16, context 4096, batch 1 SIMULATED" in text
    assert "Recommendation local: NVIDIA GeForce RTX 4090 [SIMULATED] × 1" in text
    # 21772452165 B = 21.8 GB; weights 16221127720 B = 16.2 GB (decimal GB, as `aiwm plan` prints)
    assert "Memory needed 21.8 GB: weights 16.2 GB, gradients 0.2 GB, optimizer 1.0 GB, activations 3.7 GB" in text
    assert "Why this machine fits the work no rent to pay and the data stays here" in text
    assert "rent NVIDIA H200 yes n/a n/a 4.75" in text  # usd_per_hour 4.75 of the recorded option
    assert "vps no GPU no n/a n/a n/a Hetzner Cloud CX23; [2]" in text  # its other note is the 3 VPS' footnote
    assert "[2] CPU only: training is not practical without a GPU" in text
    # A note 11 options carry is a footnote, said once (it was in 11 rows):
    note = "activation checkpointing on: layer inputs kept, the forward pass recomputed (--no-checkpointing)"
    assert text.count(note) == 1 and f"[1] {note}" in text
    assert "rent NVIDIA L4 yes n/a n/a 0.74 [1]" in text
    assert "local NVIDIA GeForce RTX 4090 [SIMULATED] yes n/a n/a 0.13 this machine (SIMULATED): " in text
    for dump in ("Request", "Head dim", "Kv heads", "Option index", "Activation checkpointing yes"):
        assert dump not in text, dump


def test_alerts_show_fired_or_cleared_and_say_once_why_severity_is_missing() -> None:
    data = recorded("history_demo.json")
    document = _with_history([], alerts=data["alerts"])
    document["missing"] = data["alerts_missing"]
    markup = render_html(document)
    text = Page(markup[markup.index("<h3>Alerts</h3>") :]).flat_text()
    assert "Time (UTC) Event Severity Alert 2026-11-28 15:49:30 UTC fired n/a GPU 0 at 91 °C, slowdown at 96 °C" in text
    assert "cleared" in text
    assert text.count("session files keep an alert's time and message, not its severity") == 1
    assert "Severity: n/a (session files keep an alert's time and message, not its severity)" in text
