"""A write that breaks a database rule inside a single-record use case is a named ``CONFLICT``,
on SQLite and PostgreSQL, whichever way it reached the database (a Core insert on the session's
connection, an update), and the use case leaves nothing behind.

The rule is broken the way it happens in production: another worker deletes a status while this
worker's configuration cache (up to a second old) still offers it."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sqlalchemy import text

from leadline.domain.errors import ConflictError
from leadline.services.cache import ConfigCache
from leadline.services.configuration.statuses import add_status, delete_status
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.leads import records as leads
from leadline.services.leads import workflow as lead_workflow
from tests.integration.conversion_support import counts, new_lead


@pytest.fixture
def stale(ctx: ServiceContext) -> ServiceContext:
    """This worker, whose configuration cache never expires in the test (as within its second)."""
    return dataclasses.replace(ctx, cache=ConfigCache(clock=lambda: 0.0))


@pytest.fixture
def other_worker(ctx: ServiceContext) -> ServiceContext:
    """Another worker on the same database, with a cache of its own."""
    return dataclasses.replace(ctx, cache=ConfigCache())


def stored_rows(ctx: ServiceContext, lead_id: int) -> tuple[object, ...]:
    """The lead's row, status history and audit events as stored."""
    with ctx.uow_factory(read_only=True) as uow:
        run = uow.session.execute
        lead = run(text("SELECT status_id, unqualified_reason_id, version, converted_at FROM leads WHERE id = :id"),
                   {"id": lead_id}).one()
        history = run(text("SELECT from_status_id, to_status_id FROM lead_status_changes WHERE lead_id = :id "
                           "ORDER BY changed_at, id"), {"id": lead_id}).all()
        audit = run(text("SELECT action, changes FROM audit_events WHERE record_type = 'lead' AND record_id = :id "
                         "ORDER BY at, id"), {"id": lead_id}).all()
        return tuple(lead), [tuple(h) for h in history], [(a, json.loads(c)) for a, c in audit]


def test_a_move_to_a_status_just_deleted_elsewhere_is_a_conflict_and_changes_nothing(
        stale: ServiceContext, other_worker: ServiceContext, admin_id: int) -> None:
    add_status(stale, admin_id, "Parked", "unqualified")  # moves like Unqualified: Contacted -> Parked
    lead_id = new_lead(stale, admin_id)
    lead_workflow.change_lead_status(stale, admin_id, lead_id, "Contacted")  # the cache now offers Parked
    before = stored_rows(stale, lead_id)
    delete_status(other_worker, admin_id, "Parked")

    # the status change row, a Core insert on the session's connection, is the first write refused
    with pytest.raises(ConflictError) as error:
        lead_workflow.change_lead_status(stale, admin_id, lead_id, "Parked", reason="No budget")
    assert "conflicts with stored data" in str(error.value)
    assert stored_rows(stale, lead_id) == before
    assert lead_workflow.change_lead_status(stale, admin_id, lead_id, "Unqualified", reason="No budget") \
        .status.label == "Unqualified"  # the worker goes on working


def test_a_conversion_into_a_status_just_deleted_elsewhere_is_a_conflict_and_creates_nothing(
        stale: ServiceContext, other_worker: ServiceContext, admin_id: int) -> None:
    add_status(stale, admin_id, "Signed", "converted")
    lead_id = new_lead(stale, admin_id, products=[])
    before, records_before = stored_rows(stale, lead_id), counts(stale)
    delete_status(other_worker, admin_id, "Signed")

    # account, contact and opportunity are written before the lead takes the deleted status
    with pytest.raises(ConflictError):
        conversion.convert_lead(stale, admin_id, lead_id, status="Signed", override_reason="verbal yes")
    assert stored_rows(stale, lead_id) == before and counts(stale) == records_before
    with stale.uow_factory(read_only=True) as uow:
        assert uow.conversions.latest(lead_id) is None
    assert not leads.get_lead(stale, admin_id, lead_id).lead.is_converted()
