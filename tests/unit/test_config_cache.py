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


def test_mutating_any_cached_configuration_object_raises() -> None:
    import dataclasses
    from datetime import UTC, datetime

    import pytest

    from leadline.services.configuration import lead_workflow as workflow_configuration
    from leadline.services.configuration import sales as sales_configuration
    from leadline.services.configuration.setup import initialise_organisation
    from tests.fakes.context import fake_context

    ctx = fake_context(lambda: datetime(2026, 3, 2, tzinfo=UTC))
    admin = initialise_organisation(ctx, admin_name="Ada Admin", admin_email="ada@example.com").admin
    assert admin is not None
    sales_configuration.add_custom_field(ctx, admin.id, "lead", "tier", "Tier", "picklist", options=["A", "B"])
    sales_configuration.add_custom_field(ctx, admin.id, "account", "tier_note", "Tier", "text")
    workflow_configuration.add_field_mapping(ctx, admin.id, "lead.tier", "account.tier_note")
    with ctx.reader() as uow:
        config = ctx.config(uow)
    records = [*config.statuses, *config.sources, *config.processes, *config.stages, *config.custom_fields,
               *config.users.values(), *config.reasons, *config.criteria, *config.field_mappings]
    assert {type(r).__name__ for r in records} >= {"LeadStatus", "LeadSource", "SalesProcess", "OpportunityStage",
                                                    "CustomFieldDefinition", "User", "Reason", "Criterion",
                                                    "FieldMapping"}
    for record in records:
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.id = 1
    with pytest.raises(AttributeError):
        config.custom_fields[0].options.append("C")  # a tuple
    for listed in (config.statuses, config.sources, config.processes, config.stages, config.custom_fields,
                   config.reasons, config.criteria, config.field_mappings):
        with pytest.raises(TypeError):
            listed[0] = None  # type: ignore[index]
    for mapping in (config.users, config.hierarchy, config.sharing, config.settings, config.status_by_id,
                    config.source_by_id):
        with pytest.raises(TypeError):
            mapping[0] = None  # type: ignore[index]
    with pytest.raises(AttributeError):
        config.transitions.add((1, 2))  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.statuses = ()  # type: ignore[misc]


class StoredVersion:
    """Stands for the database's configuration version row, counting how often it is read."""

    def __init__(self) -> None:
        self.number: int | None = 7
        self.reads = 0

    def __call__(self) -> int | None:
        self.reads += 1
        return self.number


def test_past_its_second_the_cache_keeps_its_values_while_the_stored_version_has_not_moved() -> None:
    ticker, stored, loads = Ticker(), StoredVersion(), []
    cache = ConfigCache(ttl=1.0, clock=ticker, version=stored)

    def load() -> int:
        loads.append(ticker.now)
        return len(loads)

    assert cache.get("k", load) == 1
    for _ in range(5):  # five seconds, one look at the version each, no reload
        ticker.now += 1.5
        assert cache.get("k", load) == 1
    assert (loads, stored.reads) == ([100.0], 6)
    ticker.now += 0.5  # within the second of the last look: not even the version is read
    assert cache.get("k", load) == 1 and stored.reads == 6
    stored.number = 8  # another worker committed a configuration change
    ticker.now += 1.0
    assert cache.get("k", load) == 2
    assert loads == [100.0, ticker.now]


def test_an_unknown_stored_version_reloads_every_second_as_without_one() -> None:
    ticker, stored, loads = Ticker(), StoredVersion(), []
    stored.number = None
    cache = ConfigCache(ttl=1.0, clock=ticker, version=stored)
    assert cache.get("k", lambda: loads.append(1) or len(loads)) == 1
    ticker.now += 1.0
    assert cache.get("k", lambda: loads.append(1) or len(loads)) == 2


def test_invalidating_reads_the_version_again_before_the_next_load() -> None:
    ticker, stored = Ticker(), StoredVersion()
    cache, counter = ConfigCache(ttl=60, clock=ticker, version=stored), iter(range(100))
    assert cache.get("a", lambda: next(counter)) == 0
    stored.number = 9  # this worker's own commit moved it, then cleared the cache
    cache.invalidate()
    assert cache.get("a", lambda: next(counter)) == 1
    ticker.now += 61  # the new number was seen at the reload: nothing is loaded twice
    assert cache.get("a", lambda: next(counter)) == 1
    assert stored.reads == 3


def test_a_reader_given_with_the_load_is_asked_instead_of_the_caches_own() -> None:
    ticker, own, theirs = Ticker(), StoredVersion(), StoredVersion()
    cache = ConfigCache(ttl=1.0, clock=ticker, version=own)
    assert cache.get("k", lambda: 1, theirs) == 1
    ticker.now += 2
    theirs.number = 8  # the loading transaction sees a newer number than a connection of its own would
    assert cache.get("k", lambda: 2, theirs) == 2
    assert (own.reads, theirs.reads) == (0, 2)
    plain = ConfigCache(ttl=1.0, clock=ticker)  # without a stored version the cache stays time-bound
    assert plain.get("k", lambda: 1, theirs) == 1 and theirs.reads == 2
