"""The rate limiter's counters (persistence/security/rate_counters.py) are shared by separate processes
through one file, every hit counted exactly once, and old windows are dropped."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from leadline.persistence.security.rate_counters import MEMORY, RateCounters

HITS = 300


def hit_many(path: str, start: object, key: str) -> list[int]:
    """In a process of its own: wait for the start, then count HITS hits of ``key``."""
    counters = RateCounters(path)
    start.wait()  # type: ignore[attr-defined]
    try:
        return [counters.hit(key, window=1000) for _ in range(HITS)]
    finally:
        counters.close()


def test_two_processes_hitting_one_key_at_once_share_one_exact_count(tmp_path: Path) -> None:
    path = str(tmp_path / "counters.db")
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Manager().Event()
    with spawn.Pool(2) as pool:
        runs = [pool.apply_async(hit_many, (path, start, "address:192.0.2.1")) for _ in range(2)]
        start.set()
        counts = [count for run in runs for count in run.get(timeout=120)]
    # every hit got its own number: none lost, none counted twice
    assert sorted(counts) == list(range(1, 2 * HITS + 1))
    here = RateCounters(path)
    assert here.hit("address:192.0.2.1", window=1000) == 2 * HITS + 1
    assert here.hit("user:7", window=1000) == 1


def test_a_new_window_starts_at_one_and_drops_the_old_ones(tmp_path: Path) -> None:
    counters = RateCounters(tmp_path / "counters.db")
    assert [counters.hit("user:7", window=5) for _ in range(3)] == [1, 2, 3]
    assert counters.hit("user:7", window=6) == 1
    assert counters.hit("user:7", window=5) == 1  # dropped when window 6 began
    memory = RateCounters(MEMORY)
    assert [memory.hit("user:7", window=5) for _ in range(2)] == [1, 2]
