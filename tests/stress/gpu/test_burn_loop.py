"""The compute burn's loop against the numpy stand-in: counting, bit-exact comparison, injection, TFLOPS."""

from __future__ import annotations

import itertools

import pytest

from app.stress.gpu.burn import BurnSettings, _Tally, run_burn
from app.stress.gpu.mismatches import Mismatches, fresh_counters
from app.stress.records import WorkloadStatus

from .fakes import FakeBurn, fp32_burn


def run_in_process(device: FakeBurn, launches: int, settings: BurnSettings | None = None) -> list[WorkloadStatus]:
    """Run the loop here (no worker process) for `launches` compared launches, on a clock that
    ticks 1 s per reading: start 0, launches read 1..n, the final report n + 1."""
    statuses: list[WorkloadStatus] = []
    clock = itertools.count().__next__
    run_burn(
        lambda _bus, _mode: device,
        "0000:01:00.0",
        settings or BurnSettings(),
        report=statuses.append,
        should_stop=lambda: device.launches >= launches,
        clock=lambda: float(clock()),
    )
    return statuses


def test_healthy_gpu_has_no_errors_and_reports_tflops_against_the_catalog_peak() -> None:
    statuses = run_in_process(FakeBurn(flops_per_launch=2e12), launches=4)
    final = statuses[-1]
    assert not final.running and final.failure is None
    assert final.iterations == 4 and final.errors == 0
    # 4 launches x 2e12 FLOP in 5 s = 1.6 TFLOPS; RTX 4090 peak 82.6 (Ada whitepaper) -> 1.937 %
    assert final.metrics["tflops"] == pytest.approx(1.6)
    assert final.metrics["peak_tflops"] == pytest.approx(82.6)
    assert final.metrics["percent_of_peak"] == pytest.approx(1.93705, abs=1e-4)
    assert final.details["flipped_bit_histogram"] == [0] * 32 and final.details["first_error_word"] is None


def test_status_is_reported_about_once_a_second_while_running() -> None:
    statuses = run_in_process(FakeBurn(), launches=4)
    assert [s.running for s in statuses] == [True, True, True, True, False]
    assert [s.iterations for s in statuses] == [1, 2, 3, 4, 4]


def test_silent_corruption_by_the_gpu_is_counted_with_word_and_bits() -> None:
    # The "hardware" flips bit 7 of word 10 on launch 2 and bit 30 of word 5 on launch 3.
    device = FakeBurn(faulty_launches=[(2, 10, 7), (3, 5, 30)])
    final = run_in_process(device, launches=5)[-1]
    assert final.errors == 2 and final.details["mismatches"] == 2
    assert final.details["first_error_word"] == 10  # the first one found, in time
    histogram = final.details["flipped_bit_histogram"]
    assert histogram[7] == 1 and histogram[30] == 1 and sum(histogram) == 2


def test_injected_corruption_in_the_comparison_path_fails_the_run() -> None:
    final = run_in_process(FakeBurn(), launches=5, settings=BurnSettings(inject_error_at=3))[-1]
    assert final.errors == 1
    assert final.details["first_error_word"] == 0 and final.details["flipped_bit_histogram"][0] == 1


def test_a_corrupted_reference_launch_makes_every_later_launch_mismatch() -> None:
    # Launch 0 is the reference; if it is the wrong one, every comparison after it differs.
    final = run_in_process(FakeBurn(faulty_launches=[(0, 3, 1)]), launches=4)[-1]
    assert final.errors == 4


def test_unknown_gpu_gets_no_percentage_and_says_why() -> None:
    final = run_in_process(FakeBurn(name="NVIDIA Future GPU"), launches=2)[-1]
    assert final.metrics["peak_tflops"] is None and final.metrics["percent_of_peak"] is None
    assert final.metrics["tflops"] is not None
    assert "NVIDIA Future GPU" in str(final.details["peak_source"])


def test_fp32_burn_semantics_keep_a_chain_at_its_fixed_point_exactly() -> None:
    # Thread 0, chain 0 starts at 1.0; x*b1 + (1 - b1) with one rounding is exactly 1.0 again
    # (1 - b1 is exact in float32 by Sterbenz' lemma), so the first word stays 0x3F800000.
    words = fp32_burn(threads=2, loops=3)
    assert int(words[0]) == 0x3F800000
    assert words.size == 16 and len(set(words.tolist())) > 8  # the other chains move


def test_device_is_closed_even_when_the_loop_fails() -> None:
    device = FakeBurn()

    def broken_report(status: WorkloadStatus) -> None:
        raise OSError("pipe gone")

    with pytest.raises(OSError):
        run_burn(
            lambda _b, _m: device,
            "x",
            BurnSettings(report_interval_s=0),
            report=broken_report,
            should_stop=lambda: False,
        )
    assert device.closed


def test_every_mismatching_word_of_a_launch_counts_and_the_first_found_stays_first() -> None:
    # a launch with 3 wrong words (first at word 40), then one with 2 (first at word 7): 5 errors,
    # the first error word is the one found first in time (40), the bit counts add up
    one, two = (0,) * 30 + (3, 0), (2,) + (0,) * 31
    tally = _Tally(started_s=0.0)
    tally.add(Mismatches(3, 40, one))
    tally.add(Mismatches(0, None, (0,) * 32))
    tally.add(Mismatches(2, 7, two))
    assert tally.mismatches == Mismatches(5, 40, tuple(a + b for a, b in zip(one, two, strict=True)))


def test_the_compare_kernels_counters_decode_with_no_index_when_nothing_differed() -> None:
    assert Mismatches.from_counters(fresh_counters()) == Mismatches()  # count 0, index still all ones
    counters = fresh_counters()
    counters[0], counters[1], counters[2 + 31] = 2, 9, 2  # two words, the lowest at 9, both with bit 31
    assert Mismatches.from_counters(counters) == Mismatches(2, 9, (0,) * 31 + (2,))
