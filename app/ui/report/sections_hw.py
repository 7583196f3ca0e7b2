"""The hardware sections of the printed report: the machine (CPU, memory, storage, network) and every GPU."""

from __future__ import annotations

from typing import Any

from app.report.display_machine import DRIVE_COLUMNS, drive_cells
from app.ui.report.blocks import Block, Heading, Paragraph, Table
from app.ui.report.text import Values, field, records

KEY_VALUE = (1, 3)


def machine_blocks(machine: Any, values: Values) -> list[Block]:
    if not isinstance(machine, dict):
        return [Paragraph(values.na("machine"), muted=True)]
    cpu = field(machine, "cpu")
    cpu_text = values.show(field(cpu, "model"), "machine.cpu.model")
    if field(cpu, "cores") is not None or field(cpu, "threads") is not None:
        cpu_text += f", {values.show(field(cpu, 'cores'), 'machine.cpu.cores')} cores"
        cpu_text += f" / {values.show(field(cpu, 'threads'), 'machine.cpu.threads')} threads"
    rows = [
        ["Host name", values.show(machine.get("hostname"), "machine.hostname")],
        ["Operating system", values.show(machine.get("os"), "machine.os")],
        ["User", values.show(machine.get("user"), "machine.user")],
        ["CPU", cpu_text],
        ["Memory", values.size(field(machine.get("memory"), "total_bytes"), "machine.memory.total_bytes")],
    ]
    blocks = Table((), KEY_VALUE, rows).blocks()
    blocks += [Heading("Storage", 2), *_storage(machine.get("storage"), values)]
    blocks += [Heading("Network", 2), *_network(machine.get("network"), values)]
    return blocks


def _storage(storage: Any, values: Values) -> list[Block]:
    """One row per drive, as the HTML report has it (app/report/display_machine.py)."""
    drives = records(storage)
    if not drives:
        return [Paragraph("no drives reported", muted=True)]
    rows = [drive_cells(drive, f"machine.storage[{i}]", values.why) for i, drive in enumerate(drives)]
    return Table(DRIVE_COLUMNS, (1.0, 1.4, 0.6, 0.9, 0.9, 1.6, 1.2, 1.8), rows).blocks()


def _network(network: Any, values: Values) -> list[Block]:
    links = records(network)
    if not links:
        return [Paragraph("no network interfaces reported", muted=True)]
    rows = []
    for i, link in enumerate(links):
        path = f"machine.network[{i}]"
        rows.append(
            [
                values.show(link.get("name"), f"{path}.name"),
                values.show(link.get("mac"), f"{path}.mac"),
                values.show(link.get("addresses"), f"{path}.addresses"),
                values.show(link.get("speed_mbps"), f"{path}.speed_mbps", "Mb/s"),
            ]
        )
    return Table(("Interface", "MAC", "Addresses", "Speed"), (1, 1.5, 2, 1), rows).blocks()


def gpu_blocks(gpus: Any, values: Values) -> list[Block]:
    cards = records(gpus)
    if not cards:
        return [Paragraph("no NVIDIA GPU reported", muted=True)]
    blocks: list[Block] = []
    for i, gpu in enumerate(cards):
        path = f"gpus[{i}]"
        name = values.show(gpu.get("name"), f"{path}.name")
        mark = " (SIMULATED)" if gpu.get("simulated") and "SIMULATED" not in name else ""
        blocks.append(Heading(f"GPU {gpu.get('index', i)}: {name}{mark}", 2))
        blocks += Table((), KEY_VALUE, _gpu_rows(gpu, values, path)).blocks()
    return blocks


def _gpu_rows(gpu: dict[str, Any], values: Values, path: str) -> list[list[str]]:
    show = values.show
    return [
        ["UUID", show(gpu.get("uuid"), f"{path}.uuid")],
        ["Serial", show(gpu.get("serial"), f"{path}.serial")],
        ["VBIOS", show(gpu.get("vbios"), f"{path}.vbios")],
        ["PCI bus", show(gpu.get("pci_bus_id"), f"{path}.pci_bus_id")],
        ["Memory", values.size(gpu.get("vram_total_bytes"), f"{path}.vram_total_bytes")],
        ["Compute capability", show(gpu.get("compute_capability"), f"{path}.compute_capability")],
        ["PCIe link", _pcie(gpu.get("pcie"), values, f"{path}.pcie")],
        ["Power limits", _power(gpu.get("power"), values, f"{path}.power")],
        ["Temperature limits", _temperatures(gpu.get("temperatures"), values, f"{path}.temperatures")],
        ["Persistence mode", show(gpu.get("persistence_mode"), f"{path}.persistence_mode")],
        ["MIG mode", show(gpu.get("mig_mode"), f"{path}.mig_mode")],
    ]


def _pcie(pcie: Any, values: Values, path: str) -> str:
    if not isinstance(pcie, dict):
        return values.na(path)

    def link(kind: str) -> str:
        gen, width = pcie.get(f"gen_{kind}"), pcie.get(f"width_{kind}")
        return f"Gen {values.show(gen, f'{path}.gen_{kind}')} x{values.show(width, f'{path}.width_{kind}')}"

    return f"{link('current')} now (max {link('max')})"


def _power(power: Any, values: Values, path: str) -> str:
    if not isinstance(power, dict):
        return values.na(path)
    names = (("enforced_w", "enforced"), ("default_w", "default"), ("min_w", "min"), ("max_w", "max"))
    return ", ".join(f"{label} {values.show(power.get(key), f'{path}.{key}', 'W')}" for key, label in names)


def _temperatures(temperatures: Any, values: Values, path: str) -> str:
    if not isinstance(temperatures, dict):
        return values.na(path)
    names = (
        ("target_c", "target"),
        ("max_operating_c", "max operating"),
        ("slowdown_c", "slowdown"),
        ("shutdown_c", "shutdown"),
    )
    return ", ".join(f"{label} {values.show(temperatures.get(key), f'{path}.{key}', '°C')}" for key, label in names)
