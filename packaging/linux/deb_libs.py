"""What a bundle's programs and libraries need from the system, for the .deb's Depends (used by build_deb.sh).

    python3 packaging/linux/deb_libs.py libc-floor BUNDLE          prints e.g. "2.34" (nothing for no ELF file)
    python3 packaging/linux/deb_libs.py undeclared BUNDLE DEPENDS   prints the system libraries that are neither
                                                                    in the bundle nor owned by a package in DEPENDS

Both read `objdump -p` of every ELF file in the bundle (binutils). `undeclared` asks `dpkg -S` which installed
package owns each library, so it only knows the libraries installed on the build machine.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
NEEDED = re.compile(r"^\s*NEEDED\s+(\S+)\s*$", re.MULTILINE)
# In objdump's "Version References", each needed glibc symbol version appears as e.g. "0x0d696914 0x00 05 GLIBC_2.34".
GLIBC_VERSION = re.compile(r"\bGLIBC_(\d+)\.(\d+)(?:\.(\d+))?\b")
# glibc's own libraries come with libc6 and are declared by the libc-floor.
GLIBC_LIBRARIES = re.compile(r"^(ld-linux.*|libc|libm|libdl|libpthread|librt|libutil|libresolv|libanl)\.so(\.\d+)*$")


def elf_files(bundle: Path) -> list[Path]:
    """Every regular file under `bundle` that starts with the ELF magic bytes (links are not followed)."""
    found = []
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == ELF_MAGIC:
                    found.append(path)
    return found


def objdump_headers(path: Path) -> str:
    return subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True, check=True, timeout=60).stdout


def needed_libraries(headers: str) -> set[str]:
    """The NEEDED sonames in one file's `objdump -p` output."""
    return set(NEEDED.findall(headers))


def glibc_floor(headers: str) -> tuple[int, ...] | None:
    """The newest GLIBC_x.y[.z] symbol version that one file's `objdump -p` output requires, or None."""
    versions = [tuple(int(part) for part in match if part) for match in GLIBC_VERSION.findall(headers)]
    return max(versions) if versions else None


def bundle_libc_floor(bundle: Path) -> str | None:
    floors = [floor for path in elf_files(bundle) if (floor := glibc_floor(objdump_headers(path))) is not None]
    return ".".join(str(part) for part in max(floors)) if floors else None


def system_libraries(bundle: Path) -> set[str]:
    """Sonames the bundle's ELF files need that the bundle does not carry (glibc's own left out)."""
    carried = {path.name for path in bundle.rglob("*")}
    needed: set[str] = set()
    for path in elf_files(bundle):
        needed |= needed_libraries(objdump_headers(path))
    return {name for name in needed - carried if not GLIBC_LIBRARIES.match(name)}


# The package this recipe builds: when it is installed on the build machine, `dpkg -S` names it for the
# copies under /opt/aiwm, which say nothing about what the system must provide.
OWN_PACKAGE = "aiwm"


def owning_packages(sonames: set[str]) -> dict[str, str | None]:
    """The installed Debian package that holds a file named like each soname, per one `dpkg -S` call
    (a name nothing holds maps to None)."""
    if not sonames:
        return {}
    patterns = [f"*/{soname}" for soname in sorted(sonames)]
    result = subprocess.run(["dpkg", "-S", *patterns], capture_output=True, text=True, timeout=120)
    return owners_in_dpkg_search(result.stdout, sonames)


def owners_in_dpkg_search(output: str, sonames: set[str]) -> dict[str, str | None]:
    """Each soname's package in `dpkg -S` output ("package[:arch][, package...]: /path" a line), leaving
    out diversions and the aiwm package itself (OWN_PACKAGE)."""
    owners: dict[str, str | None] = dict.fromkeys(sonames)
    for line in output.splitlines():
        listed, _, path = line.partition(": ")
        name = Path(path.strip()).name
        if name not in owners or owners[name] is not None or "diversion" in listed:
            continue
        packages = [package.split(":")[0].strip() for package in listed.split(",")]
        owners[name] = next((package for package in packages if package != OWN_PACKAGE), None)
    return owners


def undeclared(bundle: Path, depends: set[str]) -> list[str]:
    """'soname (package or "not installed here")' for each system library no Depends entry provides."""
    owners = owning_packages(system_libraries(bundle))
    return [
        f"{soname} ({owners[soname] or 'not installed here'})"
        for soname in sorted(owners)
        if owners[soname] not in depends
    ]


def read_depends(path: Path) -> set[str]:
    """The package names in a depends file: one a line, '#' starts a comment."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return {line for line in lines if line}


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "libc-floor":
        floor = bundle_libc_floor(Path(argv[1]))
        if floor:
            print(floor)
        return 0
    if len(argv) == 3 and argv[0] == "undeclared":
        for line in undeclared(Path(argv[1]), read_depends(Path(argv[2]))):
            print(line)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
