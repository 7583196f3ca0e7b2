"""A stand-in remote `aiwm` for the SSH tests, run by LocalSshd's shim as `python stream_replay.py
MODE [--state FILE] [--drop-after N] -- aiwm's own arguments (stream --interval S ...)`.

Modes:
  replay      the recorded stream (tests/data/fleet/example_stream.jsonl): its header, then its
              samples tick by tick with the tick times of now, one tick per --interval, then an
              alert line and a dropped line once, until stdin closes (as `aiwm stream` does).
  drop        as replay, but the first connection (no --state file yet) kills its own sshd
              session after --drop-after ticks: the connection drops as a network cut would.
  deaf        as replay, but ignores stdin closing (stop() must kill it).
  old-schema  a header of schema aiwm.stream/0 from aiwm 0.0.9.
  banner      as replay, but first prints the line a conda init in ~/.bashrc prints on login.
  garbage     a login banner instead of a header, then waits for stdin to close.
  flood       more stray lines than a login script prints (200), then waits for stdin to close.
  silent      prints nothing and waits for stdin to close (a hung remote).
Each run appends its arguments to `argv.log` in the working folder, and writes `stdin-closed`
there when its stdin closes.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

RECORDED = Path(__file__).resolve().parents[1] / "data" / "fleet" / "example_stream.jsonl"


def main(argv: list[str]) -> int:
    mode, options, aiwm_args = argv[0], argv[1 : argv.index("--")], argv[argv.index("--") + 1 :]
    with open("argv.log", "a") as log:
        log.write(json.dumps(aiwm_args) + "\n")
    interval_s = float(aiwm_args[aiwm_args.index("--interval") + 1]) if "--interval" in aiwm_args else 1.0
    header, *items = RECORDED.read_text().splitlines()
    if mode == "old-schema":
        emit(json.dumps({**json.loads(header), "schema": "aiwm.stream/0", "program_version": "0.0.9"}))
        return 0
    if mode == "silent":
        sys.stdin.read()
        return 0
    if mode == "garbage":
        emit("Welcome to gpu-box! Last login: yesterday")
        sys.stdin.read()
        return 0
    if mode == "flood":
        for number in range(200):
            emit(f"motd line {number}")
        sys.stdin.read()
        return 0
    if mode == "banner":
        emit("conda: base environment activated")
    if mode != "deaf":
        threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    drop_after = None
    if mode == "drop":
        state = Path(options[options.index("--state") + 1])
        if not state.exists():
            state.write_text("dropped once\n")
            drop_after = int(options[options.index("--drop-after") + 1])
    emit(header)
    replay(items, interval_s, drop_after)
    return 0


def emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def ticks(items: list[str]) -> list[list[dict[str, object]]]:
    """The recorded lines grouped by their tick time, in order."""
    groups: dict[float, list[dict[str, object]]] = {}
    for line in items:
        value = json.loads(line)
        groups.setdefault(value["tick_wall_s"], []).append(value)
    return list(groups.values())


def replay(items: list[str], interval_s: float, drop_after: int | None) -> None:
    groups = ticks(items)
    count = 0
    while True:
        for group in groups:
            now = time.time()
            for value in group:
                emit(json.dumps({**value, "tick_wall_s": now}))
            count += 1
            if count == 2:
                emit(json.dumps({"type": "alert", "wall_s": now, "kind": "alert_fired", "message": "gpu0 hot"}))
                emit(json.dumps({"type": "dropped", "wall_s": now, "count": 3}))
                emit(json.dumps({"type": "a-later-kind", "wall_s": now}))
            if drop_after is not None and count >= drop_after:
                time.sleep(0.3)  # let sshd pass the lines written so far on before the cut
                os.kill(os.getppid(), signal.SIGKILL)  # the sshd session process: the link is cut
                time.sleep(60)
            time.sleep(interval_s)


def exit_when_stdin_closes() -> None:
    sys.stdin.buffer.read()
    Path("stdin-closed").write_text("the remote stream saw its stdin close\n")
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
