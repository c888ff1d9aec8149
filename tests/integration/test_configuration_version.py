"""The stored configuration version: counted by each commit that writes configuration, on both
databases, so that another worker's cache reloads only when it moved (ADR 0045)."""

from __future__ import annotations

import dataclasses
from functools import partial

import pytest
from sqlalchemy import Engine

from leadline.persistence.configuration.writes import configuration_version
from leadline.services.cache import ConfigCache
from leadline.services.configuration import statuses as configuration
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads


class Ticker:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_configuration_commit_counts_once_and_a_record_write_or_a_refused_change_not_at_all(
        ctx: ServiceContext, engine: Engine, admin_id: int) -> None:
    start = configuration_version(engine)
    assert start is not None
    configuration.add_source(ctx, admin_id, "Webinar")
    assert configuration_version(engine) == start + 1
    leads.create_lead(ctx, admin_id, {"last_name": "Plain", "company": "C", "source": "Webinar"})
    assert configuration_version(engine) == start + 1
    with pytest.raises(Exception, match="Webinar"):  # a second source of that name is refused: rolled back
        configuration.add_source(ctx, admin_id, "Webinar")
    assert configuration_version(engine) == start + 1


def test_another_worker_keeps_its_configuration_until_the_version_moves_then_sees_the_change(
        ctx: ServiceContext, engine: Engine, admin_id: int) -> None:
    ticker = Ticker()
    cache = ConfigCache(ttl=1.0, clock=ticker, version=partial(configuration_version, engine))
    other = dataclasses.replace(ctx, cache=cache)
    with other.reader() as uow:
        first = other.config(uow)
    lead = leads.create_lead(ctx, admin_id, {"last_name": "Plain", "company": "C"})  # no configuration written
    ticker.now += 5
    with other.reader() as uow:
        assert other.config(uow) is first  # the same snapshot: nothing reloaded
    configuration.add_source(ctx, admin_id, "Webinar")  # this worker's write
    with other.reader() as uow:
        assert other.config(uow) is first  # within the other's second it may still be stale
    ticker.now += 1
    with other.reader() as uow:
        fresh = other.config(uow)
    assert fresh is not first and "Webinar" in {source.label for source in fresh.sources}
    assert leads.update_lead(other, admin_id, lead.lead.id, {"source": "Webinar"}).source
