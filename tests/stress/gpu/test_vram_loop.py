"""The VRAM test's loop against the numpy stand-in: sizing, patterns, stuck bits, injection."""

from __future__ import annotations

import pytest

from app.stress.gpu.failures import StressFailure
from app.stress.gpu.vram import GIB, MIB, VramSettings, chunk_sizes, run_vram, safe_test_bytes
from app.stress.records import WorkloadStatus

from .fakes import FAKE_BASE_ADDRESS, FakeVram

KIB = 1024


def run_passes(device: FakeVram, passes: int, **settings: object) -> list[WorkloadStatus]:
    """Run the loop here until `passes` passes are complete (or it stops by itself)."""
    statuses: list[WorkloadStatus] = []
    chosen = VramSettings(**{"size_bytes": 64 * KIB, "chunk_bytes": 16 * KIB, "report_interval_s": 0, **settings})  # type: ignore[arg-type]

    def should_stop() -> bool:
        return bool(statuses) and statuses[-1].iterations >= passes

    run_vram(lambda _bus: device, "0000:01:00.0", chosen, report=statuses.append, should_stop=should_stop)
    return statuses


def test_safe_size_keeps_back_ten_percent_of_the_card() -> None:
    # 24 GiB card, 20 GiB free: keep int(0.1 x 24 GiB) = 2,576,980,377 B; 21,474,836,480 - that = 18,897,856,103,
    # rounded down to whole 32-bit words: 18,897,856,100.
    assert safe_test_bytes(20 * GIB, 24 * GIB, None) == 18_897_856_100


def test_safe_size_keeps_back_at_least_512_mib_on_a_small_card() -> None:
    # 4 GiB card, 3 GiB free: 10 % is 409.6 MiB, so 512 MiB is kept: 3 GiB - 512 MiB = 2,684,354,560 B.
    assert safe_test_bytes(3 * GIB, 4 * GIB, None) == 2_684_354_560


def test_a_request_above_the_safe_size_is_refused_with_the_numbers() -> None:
    with pytest.raises(StressFailure, match=r"asked to test 3072 MiB of VRAM but only 2560 MiB"):
        safe_test_bytes(3 * GIB, 4 * GIB, 3 * GIB)
    assert safe_test_bytes(3 * GIB, 4 * GIB, 100 * MIB + 3) == 100 * MIB


def test_chunks_are_at_most_one_gib_and_add_up() -> None:
    assert chunk_sizes(GIB * 5 // 2) == [GIB, GIB, GIB // 2]
    assert chunk_sizes(GIB) == [GIB]


def test_healthy_memory_passes_every_pattern_without_errors_and_frees_everything() -> None:
    device = FakeVram()
    final = run_passes(device, passes=2)[-1]
    assert not final.running and final.failure is None
    assert final.errors == 0 and final.iterations == 2
    assert final.metrics == {"bytes_tested": 64 * KIB, "passes": 2.0}
    assert final.details["first_error_address"] is None
    assert device.memory == {} and len(device.freed) == 4 and device.closed


def test_bit_stuck_at_zero_fails_walking_ones_once_per_pass_at_its_address() -> None:
    # Word 1000 of the first chunk has bit 5 stuck at 0: of the 32 walking-ones patterns only 1 << 5 sees it.
    device = FakeVram(stuck_bits={(0, 1000): (5, 0)})
    final = run_passes(device, passes=1, patterns=("walking_ones",))[-1]
    assert final.errors == 1
    assert final.details["first_error_address"] == f"0x{FAKE_BASE_ADDRESS + 4000:x}"
    assert final.details["flipped_bit_histogram"] == [0] * 5 + [1] + [0] * 26


def test_bit_stuck_at_one_fails_the_other_31_walking_ones_patterns() -> None:
    device = FakeVram(stuck_bits={(1, 7): (3, 1)})
    final = run_passes(device, passes=1, patterns=("walking_ones",))[-1]
    assert final.errors == 31
    # The second allocation starts 2 MiB after the first (the stand-in aligns like the driver); word 7 is 28 B in.
    assert final.details["first_error_address"] == f"0x{FAKE_BASE_ADDRESS + 2**21 + 28:x}"
    histogram = final.details["flipped_bit_histogram"]
    assert histogram[3] == 31 and sum(histogram) == 31


def test_moving_inversions_catch_a_bit_that_cannot_become_one() -> None:
    # 0x55555555 has bit 5 clear, so only the inverted pattern (bit 5 set) sees the stuck 0: once per pass.
    device = FakeVram(stuck_bits={(2, 0): (5, 0)})
    final = run_passes(device, passes=2, patterns=("moving_inversions",))[-1]
    assert final.errors == 2 and final.details["flipped_bit_histogram"][5] == 2


def test_own_address_and_its_complement_see_a_stuck_bit_once_each_pass() -> None:
    # Whatever the address, bit 5 is set in exactly one of (address, ~address).
    device = FakeVram(stuck_bits={(3, 123): (5, 0)})
    final = run_passes(device, passes=3, patterns=("own_address",))[-1]
    assert final.errors == 3


def test_random_pattern_changes_every_pass() -> None:
    device = FakeVram()
    seen: list[int] = []
    original = device.fill

    def remember(address: int, words: int, mode: int, param: int) -> None:
        seen.append(param)
        original(address, words, mode, param)

    device.fill = remember  # type: ignore[method-assign]
    run_passes(device, passes=2, patterns=("random",))
    assert len(set(seen)) == 2


def test_injected_corruption_is_found_with_its_address() -> None:
    device = FakeVram()
    final = run_passes(device, passes=2, inject_error_at_pass=2)[-1]
    assert final.errors >= 1
    assert final.details["first_error_address"] == f"0x{FAKE_BASE_ADDRESS:x}"


def test_memory_the_driver_cannot_give_shrinks_the_test_instead_of_failing_it() -> None:
    device = FakeVram(max_allocations=2)
    final = run_passes(device, passes=1)[-1]
    assert final.metrics["bytes_tested"] == 32 * KIB and final.errors == 0


def test_no_memory_at_all_is_a_clear_failure() -> None:
    device = FakeVram(max_allocations=0)
    with pytest.raises(StressFailure, match="could not allocate any VRAM"):
        run_passes(device, passes=1)
    assert device.closed


def test_moving_inversions_check_the_pattern_again_after_the_round_trip() -> None:
    # bit 1 stuck at 1: 0x55555555 has bit 1 clear, its inverse has it set. A pass checks 0x55555555
    # twice (before inverting, and after inverting back) and the inverse once: 2 errors a pass
    device = FakeVram(stuck_bits={(0, 3): (1, 1)})
    final = run_passes(device, passes=1, patterns=("moving_inversions",))[-1]
    assert final.errors == 2 and final.details["flipped_bit_histogram"][1] == 2
