"""The RAM workload: the safe-share cap (hand-computed), patterns, error offsets, bytes tested."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from app.stress.host.base import WorkloadRefused
from app.stress.host.ram import MemoryFigures, RamWorkload, plan_ram_test
from app.stress.host.ram_patterns import PATTERNS, own_address, random_complement, random_words, walking_ones

from .faults import flip_bit_in_memory, flip_bit_in_words
from .helpers import child_pids, no_new_processes, poll_until

GIB, MIB = 1 << 30, 1 << 20


@pytest.mark.parametrize(
    ("requested", "total", "available", "tested"),
    [
        # 16 GiB machine: 10 % is 1.6 GiB, so the 2 GiB floor rules; 10 − 2 = 8 GiB.
        (None, 16 * GIB, 10 * GIB, 8 * GIB),
        # 64 GiB machine: 10 % = 6 871 947 673 bytes (rounded down) rules; 20 GiB − that.
        (None, 64 * GIB, 20 * GIB, 21_474_836_480 - 6_871_947_673),
        (4 * GIB, 16 * GIB, 10 * GIB, 4 * GIB),  # less than the share: as asked
        (12 * GIB, 16 * GIB, 10 * GIB, 8 * GIB),  # more than the share: capped
        (9 * GIB, 16 * GIB, 10 * GIB, 8 * GIB),  # under what is available but over the share: capped
        (None, 16 * GIB, GIB, 0),  # less available than the floor: nothing to test
    ],
)
def test_the_test_size_leaves_2_gib_or_10_percent_whichever_is_more(
    requested: int | None, total: int, available: int, tested: int
) -> None:
    assert plan_ram_test(requested, MemoryFigures(total=total, available=available)).size_bytes == tested


def test_asking_for_more_than_the_safe_share_is_capped_and_the_details_say_so() -> None:
    fake = MemoryFigures(total=16 * GIB, available=2 * GIB + 32 * MIB)
    workload = RamWorkload(8 * GIB, memory=lambda: fake, workers=2)
    workload.start()
    try:
        status = poll_until(workload, lambda s: s.iterations > 0)
    finally:
        final = workload.stop()
    assert status.failure is None
    assert final.details["size_bytes"] == 32 * MIB
    assert "capped" in str(final.details["size_note"]) and str(8 * GIB) in str(final.details["size_note"])


def test_too_little_available_memory_refuses_to_start_with_a_reason() -> None:
    before = child_pids()
    workload = RamWorkload(memory=lambda: MemoryFigures(total=16 * GIB, available=GIB))
    workload.start()
    status = workload.poll()
    assert not status.running
    assert "not enough available memory" in (status.failure or "")
    assert workload.stop().failure == status.failure
    assert not (child_pids() - before)


def test_a_flipped_bit_is_counted_with_its_offset_pattern_and_values() -> None:
    # 16 MiB over two workers: worker 1 holds words 1 048 576 on; its word 1000 is byte 8 396 608.
    workload = RamWorkload(16 * MIB, workers=2, tamper=partial(flip_bit_in_memory, 1, 1000))
    workload.start()
    try:
        poll_until(workload, lambda s: s.iterations >= 2 * len(PATTERNS))
    finally:
        final = workload.stop()
    assert final.errors == len(PATTERNS)  # one wrong word per pattern of the first pass, none after
    assert final.details["first_error"] == {
        "offset_bytes": 8_396_608,
        "expected": "0x0000000000000000",
        "read": "0x0000000000000001",
        "pattern": "solid zeros",
    }


def test_bytes_tested_is_the_memory_covered_and_passes_count_every_pattern_over_all_of_it() -> None:
    """16 MiB over two workers: once both checked a pattern, 16 MiB (16 777 216 bytes) is covered,
    whatever the number of checks; a pass is every pattern once over both shares."""
    before = child_pids()
    workload = RamWorkload(16 * MIB, workers=2)
    workload.start()
    try:
        status = poll_until(workload, lambda s: s.metrics.get("passes", 0) >= 2)
    finally:
        final = workload.stop()
    assert status.metrics["bytes_tested"] == 16_777_216
    assert final.errors == 0 and final.failure is None
    assert final.metrics["bytes_tested"] == 16_777_216 and isinstance(final.metrics["bytes_tested"], int)
    passes = final.metrics["passes"]
    assert passes is not None and passes >= 2
    assert final.iterations >= 2 * len(PATTERNS) * passes  # each worker checks every pattern once per pass
    assert no_new_processes(before)


def test_a_size_above_the_safe_share_is_a_note_the_user_sees_before_the_start() -> None:
    fake = MemoryFigures(total=16 * GIB, available=2 * GIB + 32 * MIB)
    workload = RamWorkload(8 * GIB, memory=lambda: fake, workers=2)
    (note,) = workload.preflight()
    assert note.startswith(
        "--size 8589934592 is above the safe share of available memory: capped at 32.00 MiB (33554432 bytes)"
        " instead of 8.00 GiB (8589934592 bytes); it leaves at least 2.00 GiB (2147483648 bytes) available"
    )
    assert workload.notes == (note,)
    assert RamWorkload(16 * MIB, memory=lambda: fake, workers=2).preflight() == ()


def test_too_little_memory_is_refused_before_anything_starts_as_a_user_error() -> None:
    before = child_pids()
    workload = RamWorkload(memory=lambda: MemoryFigures(total=16 * GIB, available=GIB))
    with pytest.raises(WorkloadRefused, match=r"^not enough available memory for a RAM test"):
        workload.preflight()
    assert not (child_pids() - before)


def test_patterns_hold_the_published_values() -> None:
    assert walking_ones(62, 4, 0).tolist() == [1 << 62, 1 << 63, 1, 2]
    assert own_address(10, 2, 0).tolist() == [80, 88]
    assert PATTERNS["checkerboard 0x55"](0, 1, 0)[0] == 0x5555_5555_5555_5555
    assert PATTERNS["checkerboard 0xAA"](0, 1, 0)[0] == 0xAAAA_AAAA_AAAA_AAAA
    assert PATTERNS["solid ones"](0, 1, 0)[0] == 0xFFFF_FFFF_FFFF_FFFF


def test_random_pattern_repeats_for_its_seed_and_position_and_its_complement_flips_every_bit() -> None:
    first = random_words(100, 64, 7)
    assert np.array_equal(first, random_words(100, 64, 7))
    assert not np.array_equal(first, random_words(100, 64, 8))
    assert np.all((first ^ random_complement(100, 64, 7)) == np.uint64(0xFFFF_FFFF_FFFF_FFFF))


def test_every_wrong_word_is_an_error_not_every_wrong_chunk() -> None:
    # three neighbouring words of worker 0 flipped, all in its first 4-MiB chunk: 3 errors a pattern
    workload = RamWorkload(16 * MIB, workers=2, tamper=partial(flip_bit_in_words, 0, 10, 3))
    workload.start()
    try:
        poll_until(workload, lambda s: s.iterations >= 2 * len(PATTERNS))
    finally:
        final = workload.stop()
    assert final.errors == 3 * len(PATTERNS)
    assert final.details["first_error"]["offset_bytes"] == 80  # type: ignore[index]  # word 10 × 8 bytes


def test_words_that_do_not_split_evenly_are_all_given_to_a_worker() -> None:
    # 10 words over 3 workers: 4 + 3 + 3, back to back from word 0
    workload = RamWorkload(80, memory=lambda: MemoryFigures(total=16 * GIB, available=10 * GIB), workers=3)
    assert workload._prepare() is None
    _, args, _ = workload._worker()
    assert [(words, first) for _, words, first, _ in args] == [(4, 0), (3, 4), (3, 7)]


def test_the_first_error_is_the_lowest_offset_over_all_workers() -> None:
    def error(offset: int) -> dict[str, object]:
        return {"offset_bytes": offset, "expected": "0x0", "read": "0x1", "pattern": "solid zeros"}

    workload = RamWorkload(16 * MIB, workers=3)
    reports = [{"first_error": error(4096)}, {"first_error": None}, {"first_error": error(8_396_608)}]
    assert workload._details(reports)["first_error"] == error(4096)  # type: ignore[arg-type]
    assert workload._details(reports[::-1])["first_error"] == error(4096)  # type: ignore[arg-type]
