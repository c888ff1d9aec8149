"""The configuration cache: values live for ``ttl`` seconds and writes clear them."""

from __future__ import annotations

from leadline.services.cache import ConfigCache


class Ticker:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_loaded_once_within_its_time_to_live_and_again_after() -> None:
    ticker, loads = Ticker(), []
    cache = ConfigCache(ttl=10.0, clock=ticker)

    def load() -> int:
        loads.append(ticker.now)
        return len(loads)

    assert cache.get("k", load) == 1
    ticker.now += 9
    assert cache.get("k", load) == 1
    ticker.now += 2
    assert cache.get("k", load) == 2
    assert loads == [100.0, 111.0]


def test_invalidating_forgets_every_key_at_once() -> None:
    cache, counter = ConfigCache(ttl=60), iter(range(100))
    first = (cache.get("a", lambda: next(counter)), cache.get("b", lambda: next(counter)))
    cache.invalidate()
    second = (cache.get("a", lambda: next(counter)), cache.get("b", lambda: next(counter)))
    assert first == (0, 1) and second == (2, 3)
