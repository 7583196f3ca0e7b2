"""The doctor's knowledge: NVIDIA's and the frameworks' published tables in `resources/compat/`.

One JSON file per table, every row with its `source` (a URL), `table` (which table of that page)
and `date`. Loading checks every row, so a broken or hand-edited table is one clear line
(`UserError`) instead of a wrong answer later.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from app.core.errors import UserError
from app.core.paths import resources_dir
from app.doctor.versions import Version, parse_compute_capability, parse_version

T = TypeVar("T")
_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


@dataclass(frozen=True)
class Cited:
    """Where a row comes from: the page, the table on it, and the date of what was read."""

    source: str
    table: str
    date: str

    def cite(self) -> str:
        return f"{self.table}, {self.source} ({self.date})"


@dataclass(frozen=True)
class ToolkitDriver:
    """A CUDA release and the driver it shipped with: the minimum for all its features and PTX JIT."""

    cuda: Version
    release: str
    linux_min_driver: Version
    windows_min_driver: Version
    cited: Cited


@dataclass(frozen=True)
class MinorCompat:
    """The lowest driver on which any CUDA X.y application runs (carrying SASS, limited features)."""

    cuda_major: int
    from_cuda: Version
    linux_min_driver: Version
    windows_min_driver: Version
    cited: Cited


@dataclass(frozen=True)
class Architecture:
    """A GPU architecture's compute capabilities and the CUDA releases that can build SASS for it."""

    name: str
    compute_capabilities: tuple[Version, ...]
    first_cuda: Version
    last_cuda: Version | None  # None: the newest toolkits still build for it
    cited: Cited


@dataclass(frozen=True)
class Product:
    """A GPU whose name contains `name_contains` has this compute capability."""

    name_contains: str
    compute_capability: Version
    cited: Cited


@dataclass(frozen=True)
class CudnnRelease:
    """A cuDNN release: the toolkits per CUDA major it is built for, and the GPUs it supports:
    `min_compute_capability` to `max_compute_capability`, higher in its builds for a newer CUDA."""

    version: Version
    cuda_ranges: tuple[tuple[int, Version, Version], ...]  # (major, first toolkit, last toolkit)
    min_compute_capability: Version
    max_compute_capability: Version
    wider_from_cuda: tuple[tuple[Version, Version], ...]  # (the build's lowest CUDA, its highest CC), ascending
    cited: Cited

    def max_for(self, cuda: Version | None) -> Version:
        """The highest compute capability of the build for `cuda` (None: the base builds')."""
        highest = self.max_compute_capability
        for from_cuda, wider in self.wider_from_cuda:
            if cuda is not None and cuda.major_minor() >= from_cuda:
                highest = max(highest, wider)
        return highest

    def highest_anywhere(self) -> tuple[Version, Version | None]:
        """The highest compute capability of any of its builds, and the lowest CUDA that build needs."""
        best: tuple[Version, Version | None] = (self.max_compute_capability, None)
        for from_cuda, wider in self.wider_from_cuda:  # ascending CUDA: the first to reach a CC needs the least
            if wider > best[0]:
                best = (wider, from_cuda)
        return best


@dataclass(frozen=True)
class TorchVariant:
    """One official wheel of a PyTorch release: cuXYZ and what it compiles."""

    cuda: Version
    stable: bool
    arch_list: tuple[str, ...]
    arch_source: str

    @property
    def tag(self) -> str:
        return f"cu{self.cuda.major}{self.cuda.minor}"


@dataclass(frozen=True)
class TorchRelease:
    version: Version
    released: str
    variants: tuple[TorchVariant, ...]
    cited: Cited


@dataclass(frozen=True)
class TorchCompanions:
    """The torchvision and torchaudio built for one PyTorch release (major.minor)."""

    torch: Version
    torchvision: Version
    torchaudio: Version
    torchaudio_any_newer_torch: bool  # torchaudio 2.11+: built on the stable ABI, fits every later torch
    cited: Cited


@dataclass(frozen=True)
class TfRelease:
    version: Version
    cuda: Version
    cudnn: Version
    windows_native_gpu: bool
    cited: Cited


@dataclass(frozen=True)
class TfWindowsLast:
    """The last TensorFlow with GPU support on native Windows, and the Pythons it has wheels for."""

    version: Version
    requirement: str  # what pip installs: "tensorflow<2.11"
    python_min: Version
    python_max: Version
    cuda: Version
    cudnn: Version
    cited: Cited


@dataclass(frozen=True)
class DriverBranch:
    branch: int
    designation: str
    end_of_life: tuple[int, int]  # (year, month): support ends at the end of that month
    cited: Cited


@dataclass(frozen=True)
class BulletinFix:
    os: str
    branch: int
    fixed_version: Version
    cited: Cited


@dataclass(frozen=True)
class Bulletin:
    id: str
    title: str
    published: str
    url: str


@dataclass(frozen=True)
class CurrentLifecycle:
    """The branches NVIDIA's newest lifecycle table lists (only supported LTSB and PB branches)."""

    branches: tuple[int, ...]
    cited: Cited


@dataclass(frozen=True)
class Knowledge:
    """Every table the doctor checks facts against."""

    toolkit_drivers: tuple[ToolkitDriver, ...]
    minor_compat: tuple[MinorCompat, ...]
    architectures: tuple[Architecture, ...]
    products: tuple[Product, ...]
    cudnn: tuple[CudnnRelease, ...]
    pytorch: tuple[TorchRelease, ...]
    pytorch_companions: tuple[TorchCompanions, ...]
    tensorflow: tuple[TfRelease, ...]
    tensorflow_min_cc: Version
    tensorflow_windows_last: TfWindowsLast
    branches: tuple[DriverBranch, ...]
    current_lifecycle: CurrentLifecycle
    bulletin: Bulletin
    bulletin_fixes: tuple[BulletinFix, ...]


class _Reader:
    """Reads one table file; every error names the file, the row and the field."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.doc = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserError(f"knowledge table {path} is missing; reinstall aiwm") from None
        except (OSError, UnicodeDecodeError) as error:
            raise UserError(f"knowledge table {path} cannot be read: {error}") from None
        except json.JSONDecodeError as error:
            raise UserError(f"knowledge table {path} is not valid JSON (line {error.lineno}): {error.msg}") from None
        if not isinstance(self.doc, dict):
            raise UserError(f"knowledge table {path} is not a JSON object")

    def fail(self, where: str, message: str) -> UserError:
        return UserError(f"knowledge table {self.path.name}, {where}: {message}")

    def rows(self, key: str, make: Callable[[dict[str, Any], str], T]) -> tuple[T, ...]:
        rows = self.doc.get(key)
        if not isinstance(rows, list) or not rows:
            raise self.fail(key, "missing or empty list")
        out = []
        for number, row in enumerate(rows):
            where = f"{key}[{number}]"
            if not isinstance(row, dict):
                raise self.fail(where, "not an object")
            try:
                out.append(make(row, where))
            except UserError as error:
                raise self.fail(where, str(error)) from None
            except (KeyError, TypeError, ValueError) as error:
                raise self.fail(where, f"bad or missing field {error}") from None
        return tuple(out)


def _text(row: dict[str, Any], key: str) -> str:
    value = row[key]
    if not isinstance(value, str) or not value.strip():
        raise ValueError(key)
    return value


def _cited(row: dict[str, Any]) -> Cited:
    date = _text(row, "date")
    if not _DATE.match(date):
        raise UserError(f"date {date!r} is not YYYY-MM-DD")
    source = _text(row, "source")
    if not source.startswith("https://"):
        raise UserError(f"source {source!r} is not an https URL")
    return Cited(source, _text(row, "table"), date)


def _ver(row: dict[str, Any], key: str) -> Version:
    return parse_version(row[key], key)


def _toolkit_driver(row: dict[str, Any], _: str) -> ToolkitDriver:
    return ToolkitDriver(
        _ver(row, "cuda"),
        _text(row, "release"),
        _ver(row, "linux_min_driver"),
        _ver(row, "windows_min_driver"),
        _cited(row),
    )


def _minor_compat(row: dict[str, Any], _: str) -> MinorCompat:
    return MinorCompat(
        int(row["cuda_major"]),
        _ver(row, "from_cuda"),
        _ver(row, "linux_min_driver"),
        _ver(row, "windows_min_driver"),
        _cited(row),
    )


def _architecture(row: dict[str, Any], _: str) -> Architecture:
    ccs = tuple(parse_compute_capability(cc) for cc in row["compute_capabilities"])
    if not ccs:
        raise ValueError("compute_capabilities")
    last = None if row["last_cuda"] is None else _ver(row, "last_cuda")
    return Architecture(_text(row, "architecture"), ccs, _ver(row, "first_cuda"), last, _cited(row))


def _product(row: dict[str, Any], _: str) -> Product:
    return Product(_text(row, "name_contains"), parse_compute_capability(row["compute_capability"]), _cited(row))


def _cudnn(row: dict[str, Any], _: str) -> CudnnRelease:
    ranges = tuple(
        (int(major), parse_version(span[0], "cuda"), parse_version(span[1], "cuda"))
        for major, span in sorted(row["cuda"].items(), key=lambda item: -int(item[0]))
    )
    if not ranges:
        raise ValueError("cuda")
    lowest = parse_compute_capability(row["min_compute_capability"])
    highest = parse_compute_capability(row["max_compute_capability"])
    if highest < lowest:
        raise UserError(f"max_compute_capability {highest} is below min_compute_capability {lowest}")
    wider = tuple(
        sorted(
            (parse_version(cuda, "max_compute_capability_from_cuda"), parse_compute_capability(cc))
            for cuda, cc in (row.get("max_compute_capability_from_cuda") or {}).items()
        )
    )
    return CudnnRelease(_ver(row, "cudnn"), ranges, lowest, highest, wider, _cited(row))


def _variant(row: dict[str, Any]) -> TorchVariant:
    arch = row["arch_list"]
    if not isinstance(arch, list) or not arch or not all(re.match(r"^(sm|compute)_\d+a?$", a) for a in arch):
        raise UserError(f"arch_list {arch!r} is not a list of sm_XY / compute_XY")
    return TorchVariant(_ver(row, "cuda"), bool(row["stable"]), tuple(arch), _text(row, "arch_source"))


def _torch(row: dict[str, Any], _: str) -> TorchRelease:
    variants = tuple(_variant(v) for v in row["variants"])
    if not variants:
        raise UserError("a release without CUDA variants")
    released = _text(row, "released")
    if not _DATE.match(released):
        raise UserError(f"released {released!r} is not YYYY-MM(-DD)")
    return TorchRelease(_ver(row, "version"), released, variants, _cited(row))


def _companions(row: dict[str, Any], _: str) -> TorchCompanions:
    return TorchCompanions(
        _ver(row, "torch"),
        _ver(row, "torchvision"),
        _ver(row, "torchaudio"),
        bool(row.get("torchaudio_any_newer_torch", False)),
        _cited(row),
    )


def _tf(row: dict[str, Any], _: str) -> TfRelease:
    return TfRelease(
        _ver(row, "version"), _ver(row, "cuda"), _ver(row, "cudnn"), bool(row["windows_native_gpu"]), _cited(row)
    )


def _branch(row: dict[str, Any], _: str) -> DriverBranch:
    eol = _text(row, "end_of_life")
    if not re.match(r"^\d{4}-\d{2}$", eol):
        raise UserError(f"end_of_life {eol!r} is not YYYY-MM")
    year, month = (int(part) for part in eol.split("-"))
    return DriverBranch(int(row["branch"]), _text(row, "designation"), (year, month), _cited(row))


def _fix(row: dict[str, Any], _: str) -> BulletinFix:
    os_name = _text(row, "os")
    if os_name not in ("linux", "windows"):
        raise UserError(f"os {os_name!r} is not linux or windows")
    return BulletinFix(os_name, int(row["branch"]), _ver(row, "fixed_version"), _cited(row))


def _bulletin(reader: _Reader) -> Bulletin:
    doc = reader.doc.get("bulletin")
    if not isinstance(doc, dict):
        raise reader.fail("bulletin", "missing")
    try:
        return Bulletin(_text(doc, "id"), _text(doc, "title"), _text(doc, "published"), _text(doc, "url"))
    except (KeyError, ValueError) as error:
        raise reader.fail("bulletin", f"bad or missing field {error}") from None


def _current_lifecycle(reader: _Reader) -> CurrentLifecycle:
    doc = reader.doc.get("current_lifecycle")
    try:
        if not isinstance(doc, dict) or not doc["branches"]:
            raise ValueError("current_lifecycle")
        return CurrentLifecycle(tuple(int(b) for b in doc["branches"]), _cited(doc))
    except (KeyError, TypeError, ValueError, UserError) as error:
        raise reader.fail("current_lifecycle", f"bad or missing field {error}") from None


def load_knowledge(folder: Path | None = None) -> Knowledge:
    """Read and check every table in `folder` (default `resources/compat`); a bad one is a `UserError`."""
    folder = folder or resources_dir() / "compat"
    cuda = _Reader(folder / "cuda_drivers.json")
    gpus = _Reader(folder / "gpu_architectures.json")
    tf = _Reader(folder / "tensorflow.json")
    branches = _Reader(folder / "driver_branches.json")
    try:
        tf_min = parse_compute_capability(tf.doc.get("min_compute_capability"))
        last = tf.doc["windows_last_gpu"]
        tf_windows = TfWindowsLast(
            _ver(last, "version"),
            _text(last, "requirement"),
            _ver(last, "python_min"),
            _ver(last, "python_max"),
            _ver(last, "cuda"),
            _ver(last, "cudnn"),
            _cited(last),
        )
    except (UserError, KeyError, ValueError, TypeError) as error:
        raise tf.fail("header", str(error)) from None
    return Knowledge(
        toolkit_drivers=cuda.rows("toolkit_drivers", _toolkit_driver),
        minor_compat=cuda.rows("minor_version_compatibility", _minor_compat),
        architectures=gpus.rows("architectures", _architecture),
        products=gpus.rows("products", _product),
        cudnn=_Reader(folder / "cudnn.json").rows("releases", _cudnn),
        pytorch=_Reader(folder / "pytorch.json").rows("releases", _torch),
        pytorch_companions=_Reader(folder / "pytorch_companions.json").rows("releases", _companions),
        tensorflow=tf.rows("releases", _tf),
        tensorflow_min_cc=tf_min,
        tensorflow_windows_last=tf_windows,
        branches=branches.rows("branches", _branch),
        current_lifecycle=_current_lifecycle(branches),
        bulletin=_bulletin(branches),
        bulletin_fixes=branches.rows("bulletin_fixes", _fix),
    )


@lru_cache(maxsize=1)
def default_knowledge() -> Knowledge:
    """The shipped tables, read once per process."""
    return load_knowledge()
