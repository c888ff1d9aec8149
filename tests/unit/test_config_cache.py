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


def test_a_private_copy_equals_the_cached_object_and_changing_it_leaves_the_cached_one_alone() -> None:
    from dataclasses import dataclass

    from leadline.domain.statuses import LeadStatus, StatusKind
    from leadline.domain.users import Role, User
    from leadline.services.cache import private_copy

    status = LeadStatus(id=7, label="Working", order=2, kind=StatusKind.OPEN, is_default=False, is_active=True)
    user = User(id=3, name="Rae Rep", email="rae@example.com", role=Role.REP, manager_id=1, active=True)
    for cached in (status, user):
        made = private_copy(cached)
        assert made == cached and made is not cached and type(made) is type(cached)
    made_status = private_copy(status)
    made_status.label = "Changed"
    assert status.label == "Working"

    @dataclass
    class Plain:  # instances with a __dict__: copied as copy.copy does
        value: list[int]

    plain = Plain([1])
    other = private_copy(plain)
    assert other == plain and other is not plain and other.value is plain.value


def test_a_private_copy_of_unusual_slotted_classes_is_what_copy_copy_makes() -> None:
    import copy

    from leadline.services.cache import private_copy

    class Base:
        __slots__ = ("a",)

    class Derived(Base):
        __slots__ = ("b",)

    class OneString:
        __slots__ = "value"

    class WithDict:
        __slots__ = ("a", "__dict__")

    derived = Derived()
    derived.a, derived.b = 1, [2]
    made = private_copy(derived)
    assert (made.a, made.b) == (1, [2]) and made is not derived and made.b is derived.b
    one = OneString()
    one.value = "x"
    assert private_copy(one).value == "x"
    with_dict = WithDict()
    with_dict.a, with_dict.extra = 1, 2  # type: ignore[attr-defined]
    copied = private_copy(with_dict)
    copied.extra = 3  # type: ignore[attr-defined]
    assert with_dict.extra == 2 and copy.copy(with_dict).extra == 2  # type: ignore[attr-defined]
    unset = Derived()
    unset.a = 5
    partial = private_copy(unset)
    assert partial.a == 5 and not hasattr(partial, "b")
