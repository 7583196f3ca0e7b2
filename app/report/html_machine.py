"""The summary, machine and GPU sections of the HTML report.

Each function takes the section's value from the document (any shape: the builder may add keys,
a value may be null) and returns the section's body. Known keys get their own rows and units;
any other key follows, rendered generically, so nothing the document holds is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.report.display_machine import DRIVE_COLUMNS, drive_cells, drive_extras
from app.report.html_values import (
    Missing,
    bullets,
    esc,
    extra_keys,
    flat_rows_table,
    label_of,
    pairs_table,
    simulated_mark,
    status_badge,
    value_html,
)

OVERALL_WORDS = {
    "pass": "everything checked passed",
    "warn": "works, with warnings to look at",
    "fail": "problems that need fixing",
    "unknown": "not enough was checked to say",
}
GPU_FIELDS = (
    ("name", "Name"),
    ("index", "Index"),
    ("uuid", "UUID"),
    ("serial", "Serial number"),
    ("vbios", "VBIOS"),
    ("pci_bus_id", "PCI bus ID"),
    ("vram_total_bytes", "VRAM"),
    ("compute_capability", "Compute capability"),
)
POWER_FIELDS = (
    ("enforced_w", "Power limit (enforced)"),
    ("default_w", "Power limit (default)"),
    ("min_w", "Power limit (minimum)"),
    ("max_w", "Power limit (maximum)"),
)
TEMPERATURE_FIELDS = (
    ("target_c", "Target temperature"),
    ("max_operating_c", "Maximum operating temperature"),
    ("slowdown_c", "Slowdown temperature"),
    ("shutdown_c", "Shutdown temperature"),
)
GPU_SHOWN = (*(k for k, _ in GPU_FIELDS), "pcie", "power", "temperatures", "persistence_mode", "mig_mode", "simulated")


def summary_html(summary: Mapping[str, Any], missing: Missing) -> str:
    """The overall state in colour and words, the summary lines, and what the machine is fit for."""
    overall = summary.get("overall")
    words = OVERALL_WORDS.get(str(overall), "")
    parts = [f'<p class="overall {esc(overall or "unknown")}">Overall: {status_badge(overall)} {esc(words)}</p>']
    parts.append(bullets(summary.get("lines"), "summary.lines", missing))
    parts.append("<h3>Fit for</h3>" + _fit_for_html(summary.get("fit_for"), missing))
    parts.append(extra_keys(summary, ("overall", "lines", "fit_for"), "summary", missing))
    return "".join(parts)


def _fit_for_html(fit_for: Any, missing: Missing) -> str:
    """The planner's lines; an empty list says why, from the document or, failing that, that it does not say."""
    if isinstance(fit_for, list) and not fit_for and missing.why("summary.fit_for") is None:
        return '<p><span class="none">nothing listed</span> <span class="why">(the report gives no reason)</span></p>'
    return bullets(fit_for, "summary.fit_for", missing)


def machine_html(machine: Mapping[str, Any], missing: Missing) -> str:
    """Identity, CPU and memory as rows; storage (with its health) and network as tables."""
    cpu = _mapping(machine.get("cpu"))
    memory = _mapping(machine.get("memory"))
    pairs = [(label, _field(machine, key, "machine", missing)) for key, label in _IDENTITY]
    pairs += [(f"CPU {label_of(k).lower()}", value_html(k, v, f"machine.cpu.{k}", missing)) for k, v in cpu.items()]
    if not cpu:
        pairs.append(("CPU", _field(machine, "cpu", "machine", missing)))
    pairs += [(f"Memory: {label_of(k).lower()}", value_html(k, v, f"machine.memory.{k}", missing))
              for k, v in memory.items()]  # fmt: skip
    if not memory:
        pairs.append(("Memory", _field(machine, "memory", "machine", missing)))
    kernel = machine.get("kernel")
    if kernel is not None and str(kernel) not in str(machine.get("os") or ""):  # the OS line often names it
        pairs.insert(2, ("Kernel", value_html("kernel", kernel, "machine.kernel", missing)))
    parts = [pairs_table(pairs)]
    parts.append(f"<h3>Storage</h3>{storage_html(machine.get('storage'), missing)}")
    parts.append(f"<h3>Network</h3>{_table_or_na(machine.get('network'), 'machine.network', missing)}")
    shown = ("hostname", "os", "user", "cpu", "memory", "storage", "network", "kernel")
    parts.append(extra_keys(machine, shown, "machine", missing))
    return "".join(parts)


def storage_html(storage: Any, missing: Missing) -> str:
    """One row per drive, as narrow as a printed page allows: health and temperature in one cell each."""
    if not isinstance(storage, list) or not storage or not all(isinstance(d, Mapping) for d in storage):
        return _table_or_na(storage, "machine.storage", missing)
    head = "".join(f"<th>{esc(title)}</th>" for title in DRIVE_COLUMNS)
    rows = []
    for i, drive in enumerate(storage):
        cells = "".join(f"<td>{esc(text)}</td>" for text in drive_cells(drive, f"machine.storage[{i}]", missing.why))
        rows.append(f"<tr>{cells}</tr>")
        extras = drive_extras(drive, f"machine.storage[{i}]", missing.why)
        if extras:
            more = "; ".join(f"{label}: {text}" for label, text in extras)
            rows.append(f'<tr><td></td><td colspan="{len(DRIVE_COLUMNS) - 1}">{esc(more)}</td></tr>')
    return f'<table class="grid storage"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def gpus_html(gpus: list[Any], missing: Missing) -> str:
    """A table per GPU with its whole inventory; a simulated GPU carries the SIMULATED mark."""
    if not gpus:
        return f"<p>No GPU in this report. {missing.na('gpus')}</p>"
    return "".join(_gpu_html(gpu, i, missing) for i, gpu in enumerate(gpus))


def pcie_text(pcie: Mapping[str, Any], path: str, missing: Missing) -> str:
    """The link as nvidia-smi's readers know it: "Gen4 x16 (max Gen4 x16)"; n/a parts stay n/a."""

    def link(gen_key: str, width_key: str) -> str:
        gen, width = pcie.get(gen_key), pcie.get(width_key)
        gen_text = f"Gen{esc(gen)}" if gen is not None else f"Gen {missing.na(f'{path}.{gen_key}')}"
        width_text = f"x{esc(width)}" if width is not None else f"x {missing.na(f'{path}.{width_key}')}"
        return f"{gen_text} {width_text}"

    return f"{link('gen_current', 'width_current')} (max {link('gen_max', 'width_max')})"


_IDENTITY = (("hostname", "Hostname"), ("os", "Operating system"), ("user", "User"))


def _gpu_html(gpu: Any, index: int, missing: Missing) -> str:
    path = f"gpus[{index}]"
    if not isinstance(gpu, Mapping):
        return f"<h3>GPU {index}</h3><p>{value_html('gpu', gpu, path, missing)}</p>"
    pairs = [(label, _field(gpu, key, path, missing)) for key, label in GPU_FIELDS]
    pcie = gpu.get("pcie")
    pairs.append(("PCIe link", pcie_text(pcie, f"{path}.pcie", missing) if isinstance(pcie, Mapping)
                  else _field(gpu, "pcie", path, missing)))  # fmt: skip
    pairs += _group(gpu.get("power"), POWER_FIELDS, f"{path}.power", missing)
    pairs += _group(gpu.get("temperatures"), TEMPERATURE_FIELDS, f"{path}.temperatures", missing)
    pairs += [("Persistence mode", _field(gpu, "persistence_mode", path, missing)),
              ("MIG mode", _field(gpu, "mig_mode", path, missing))]  # fmt: skip
    pairs += [(label_of(k), value_html(k, v, f"{path}.{k}", missing)) for k, v in gpu.items() if k not in GPU_SHOWN]
    heading = f"GPU {esc(gpu.get('index', index))}: {esc(gpu.get('name') or 'unnamed')}"
    return f'<h3 id="gpu-{index}">{heading}{simulated_mark(gpu)}</h3>{pairs_table(pairs)}'


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _group(values: Any, fields: tuple[tuple[str, str], ...], path: str, missing: Missing) -> list[tuple[str, str]]:
    """Rows for a nested object (power limits, temperature thresholds): known keys first, then others."""
    if not isinstance(values, Mapping):
        return [(fields[0][1], missing.na(path))]
    known = {k for k, _ in fields}
    rows = [(label, value_html(k, values.get(k), f"{path}.{k}", missing)) for k, label in fields]
    return rows + [(label_of(k), value_html(k, v, f"{path}.{k}", missing)) for k, v in values.items() if k not in known]


def _field(mapping: Mapping[str, Any], key: str, path: str, missing: Missing) -> str:
    return value_html(key, mapping.get(key), f"{path}.{key}", missing)


def _table_or_na(items: Any, path: str, missing: Missing) -> str:
    if items is None:
        return missing.na(path)
    if not isinstance(items, list) or not items:
        return value_html(path.rsplit(".", 1)[-1], items, path, missing)
    return flat_rows_table(items, path, missing)
