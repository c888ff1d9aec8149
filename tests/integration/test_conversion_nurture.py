"""A lead kept for nurturing (converted to account and contact, disqualified with a reason) and
the unqualified reason through conversion and undo, on SQLite and PostgreSQL: recorded in the
audit and the status history as a move to an unqualified status records it, the same in bulk."""

from __future__ import annotations

import json
from typing import Any

import pytest

from leadline.domain.conversion.rules import ConversionOptions, OpportunityChoice
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.conversion.bulk import convert_leads
from leadline.services.conversion.undo import undo_conversion
from leadline.services.leads import records as leads
from leadline.services.leads import workflow as lead_workflow
from tests.integration.conversion_support import audit_of, counts, masked, new_lead, recorded_runs, written_for

NURTURE = ConversionOptions(nurture_reason="Bad timing", opportunity=OpportunityChoice.NONE)


def contacted_lead(ctx: ServiceContext, admin_id: int, n: int, *, reason: str | None = None) -> int:
    """A lead moved to Contacted, then to Unqualified for ``reason`` if given."""
    lead_id = new_lead(ctx, admin_id, email=f"p{n}@navy.example")
    lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Contacted")
    if reason:
        lead_workflow.change_lead_status(ctx, admin_id, lead_id, "Unqualified", reason=reason)
    return lead_id


def last_change(ctx: ServiceContext, admin_id: int, lead_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The field changes of the lead's last audit event and its last status history entry (who
    and when left out)."""
    with ctx.uow_factory(read_only=True) as uow:
        changes = json.loads(audit_of(uow, "lead", lead_id)[-1][-1])
    history = lead_workflow.status_history(ctx, admin_id, lead_id)[-1]
    return ({name: tuple(values) for name, values in changes.items()},
            {k: history[k] for k in ("from", "to", "reason", "override_reason")})


def test_a_lead_kept_for_nurturing_records_its_reason_as_a_move_to_unqualified_does(
        ctx: ServiceContext, admin_id: int) -> None:
    # given two contacted leads: one is disqualified, the other kept for nurturing, for the same reason
    moved = contacted_lead(ctx, admin_id, 1, reason="Bad timing")
    nurtured = contacted_lead(ctx, admin_id, 2)
    conversion.convert_lead(ctx, admin_id, nurtured, NURTURE)

    # then both record the reason alike in the audit and the status history
    (moved_audit, moved_history), (nurtured_audit, nurtured_history) = (
        last_change(ctx, admin_id, lead_id) for lead_id in (moved, nurtured))
    assert moved_audit == {"status": ("Contacted", "Unqualified"), "unqualified_reason": (None, "Bad timing")}
    assert {k: nurtured_audit[k] for k in ("status", "unqualified_reason")} == moved_audit
    assert nurtured_history == moved_history == {"from": "Contacted", "to": "Unqualified", "reason": "Bad timing",
                                                 "override_reason": None}


def test_nurturing_a_disqualified_lead_for_another_reason_records_the_change_of_reason(
        ctx: ServiceContext, admin_id: int) -> None:
    lead_id = contacted_lead(ctx, admin_id, 1, reason="Bad timing")
    conversion.convert_lead(ctx, admin_id, lead_id, nurture_reason="No budget", opportunity="none")
    audit, history = last_change(ctx, admin_id, lead_id)
    assert audit["unqualified_reason"] == ("Bad timing", "No budget") and "status" not in audit
    assert history == {"from": "Unqualified", "to": "Unqualified", "reason": "No budget", "override_reason": None}


def test_a_disqualified_lead_converted_after_all_loses_its_reason_and_undo_gives_it_back(
        ctx: ServiceContext, admin_id: int) -> None:
    # given a disqualified lead, converted after all
    lead_id = contacted_lead(ctx, admin_id, 1, reason="Bad timing")
    conversion.convert_lead(ctx, admin_id, lead_id, opportunity="none")

    # then it is converted, no longer unqualified
    details = leads.get_lead(ctx, admin_id, lead_id)
    assert (details.status.label, details.lead.unqualified_reason_id) == ("Converted", None)
    audit, history = last_change(ctx, admin_id, lead_id)
    assert audit["status"] == ("Unqualified", "Converted") and audit["unqualified_reason"] == ("Bad timing", None)
    assert history == {"from": "Unqualified", "to": "Converted", "reason": None, "override_reason": None}

    # when the conversion is undone, it is disqualified for its reason again
    assert undo_conversion(ctx, admin_id, lead_id).status == "Unqualified"
    details = leads.get_lead(ctx, admin_id, lead_id)
    assert details.lead.unqualified_reason_id is not None and not details.lead.is_converted()
    audit, history = last_change(ctx, admin_id, lead_id)
    assert audit == {"status": ("Converted", "Unqualified"), "unqualified_reason": (None, "Bad timing"),
                     "converted": ("true", "false")}
    assert history == {"from": "Converted", "to": "Unqualified", "reason": "Bad timing",
                       "override_reason": "conversion undone"}


def test_undoing_a_nurture_conversion_returns_the_lead_to_its_status_without_the_reason(
        ctx: ServiceContext, admin_id: int) -> None:
    lead_id = contacted_lead(ctx, admin_id, 1)
    conversion.convert_lead(ctx, admin_id, lead_id, NURTURE)
    assert counts(ctx) == (1, 1, 0)

    undone = undo_conversion(ctx, admin_id, lead_id)

    assert undone.status == "Contacted" and len(undone.removed) == 2 and counts(ctx) == (0, 0, 0)
    details = leads.get_lead(ctx, admin_id, lead_id)
    assert (details.status.label, details.lead.unqualified_reason_id, details.lead.is_converted()) == (
        "Contacted", None, False)
    audit, history = last_change(ctx, admin_id, lead_id)
    assert audit == {"status": ("Unqualified", "Contacted"), "unqualified_reason": ("Bad timing", None),
                     "converted": ("true", "false")}
    assert history == {"from": "Unqualified", "to": "Contacted", "reason": None,
                       "override_reason": "conversion undone"}
    again = conversion.convert_lead(ctx, admin_id, lead_id, NURTURE)  # it can be kept for nurturing again
    assert again.opportunity_id is None and leads.get_lead(ctx, admin_id, lead_id).lead.is_converted()


@pytest.mark.parametrize("all_or_nothing", [False, True], ids=["partial", "all or nothing"])
def test_bulk_nurturing_and_its_undo_write_what_nurturing_one_lead_at_a_time_writes(
        ctx: ServiceContext, admin_id: int, monkeypatch: pytest.MonkeyPatch, all_or_nothing: bool) -> None:
    runs = recorded_runs(monkeypatch)
    given = [[contacted_lead(ctx, admin_id, n, reason="No budget" if n == 1 else None) for n in range(3)]
             for _ in range(2)]

    outcome = convert_leads(ctx, admin_id, given[0], NURTURE, all_or_nothing=all_or_nothing)
    alone = [conversion.convert_lead(ctx, admin_id, lead_id, NURTURE) for lead_id in given[1]]

    assert runs == [{"batched": True}] and outcome.committed  # written in a batch
    assert [written_for(ctx, i) for i in given[0]] == [written_for(ctx, i) for i in given[1]]
    assert [masked(i.result) for i in outcome.items] == [masked(r) for r in alone]
    for batched, single in zip(*given, strict=True):
        undo_conversion(ctx, admin_id, batched)
        undo_conversion(ctx, admin_id, single)
        assert written_for(ctx, batched) == written_for(ctx, single)
    assert counts(ctx) == (0, 0, 0)
