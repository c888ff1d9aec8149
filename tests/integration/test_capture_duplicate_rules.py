"""The duplicate rules on the capture paths (SQLite and PostgreSQL), as on every create path: a
form submission a ``block`` rule refuses is held in quarantine (its submitter can give no
reason), released by a person; a call capture is refused unless an override reason is given,
and kept in the lead's history; ``warn`` matches come back with the captured lead."""

from __future__ import annotations

import pytest

from leadline.domain.capture.spam import Reason
from leadline.domain.errors import DuplicateBlockedError
from leadline.services.capture import channels, quarantine
from leadline.services.capture.submissions import Outcome
from leadline.services.context import ServiceContext
from leadline.services.duplicates.rules import set_duplicate_rule
from leadline.services.leads import records as leads
from tests.conftest import FakeClock
from tests.integration.test_capture import NO_LIMITS, _form, _leads, _post


def test_a_submission_a_blocking_rule_refuses_is_held_until_a_person_releases_it(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    form = _form(ctx, admin_id, spam=NO_LIMITS)
    first = leads.create_lead(ctx, admin_id, {"last_name": "Lee", "company": "Acme", "email": "ANN@acme.example"})
    assert _post(ctx, clock, form).outcome is Outcome.CREATED  # warn, the default: made, the match reported
    set_duplicate_rule(ctx, admin_id, "lead", "email", action="block")

    held = _post(ctx, clock, form, first_name="Annie")
    assert (held.outcome, held.reasons, held.lead_id) == (Outcome.QUARANTINED, (Reason.DUPLICATE_BLOCKED.value,), None)
    assert len(_leads(ctx, admin_id)) == 2
    other = _post(ctx, clock, form, email="bo@globex.example", last_name="Bo", company="Globex")
    assert other.outcome is Outcome.CREATED  # only the matching submission is held

    released = quarantine.release_submission(ctx, admin_id, held.quarantine_id)
    made = leads.get_lead(ctx, admin_id, released.lead_id)
    assert (made.lead.first_name, made.lead.email, made.lead.id != first.lead.id) == ("Annie", "ann@acme.example", True)


def test_a_call_capture_follows_the_rules_and_keeps_the_override_reason(
        ctx: ServiceContext, admin_id: int) -> None:
    first = leads.create_lead(ctx, admin_id, {"last_name": "Ames", "company": "Bolt", "phone": "+1 415 555 0100"})
    warned = channels.capture_call(ctx, admin_id, {"company": "Bolt", "phone": "(415) 555-0100"})
    assert warned.lead.duplicates is not None
    assert [m.record_id for m in warned.lead.duplicates.matches] == [first.lead.id]

    set_duplicate_rule(ctx, admin_id, "lead", "phone", action="block")
    with pytest.raises(DuplicateBlockedError) as refused:
        channels.capture_call(ctx, admin_id, {"company": "Bolt", "phone": "+14155550100"}, notes="called again")
    assert refused.value.field == "duplicate_override_reason"
    assert len(_leads(ctx, admin_id)) == 2  # and no call logged: one transaction

    kept = channels.capture_call(ctx, admin_id, {"company": "Bolt", "phone": "+14155550100",
                                                 "duplicate_override_reason": "the switchboard, not Ames"})
    history = {c.field: c.new_value for c in leads.lead_history(ctx, admin_id, kept.lead.lead.id)}
    assert history["duplicate_override"] == "the switchboard, not Ames"


def test_a_call_lead_s_not_provided_placeholders_match_nothing(ctx: ServiceContext, admin_id: int) -> None:
    # review 2, finding 2: a caller who gave no company (or no name) is not at the same company
    # "[not provided]" as every other such caller
    set_duplicate_rule(ctx, admin_id, "lead", "person_at_company", action="block")
    smith = channels.capture_call(ctx, admin_id, {"last_name": "Smith", "phone": "+1 415 555 0101"})
    other_smith = channels.capture_call(ctx, admin_id, {"last_name": "Smith", "phone": "+1 415 555 0102"})
    assert other_smith.lead.duplicates is None or not other_smith.lead.duplicates.matches
    acme = channels.capture_call(ctx, admin_id, {"company": "Acme", "phone": "+1 415 555 0103"})
    other_acme = channels.capture_call(ctx, admin_id, {"company": "Acme", "phone": "+1 415 555 0104"})
    assert other_acme.lead.duplicates is None or not other_acme.lead.duplicates.matches
    assert len({c.lead.lead.id for c in (smith, other_smith, acme, other_acme)}) == 4

    # a stored placeholder matches no typed lead either, while a real name at a real company still does
    typed = leads.create_lead(ctx, admin_id, {"last_name": "[not provided]", "company": "Acme",
                                              "phone": "+1 415 555 0105", "duplicate_override_reason": "x"})
    assert typed.duplicates is None or not typed.duplicates.matches
    leads.create_lead(ctx, admin_id, {"first_name": "Jo", "last_name": "Smith", "company": "Bolt"})
    with pytest.raises(DuplicateBlockedError):
        channels.capture_call(ctx, admin_id, {"first_name": "Jo", "last_name": "Smith", "company": "Bolt",
                                              "phone": "+1 415 555 0106"})


def test_releasing_a_submission_held_for_a_blocking_duplicate_keeps_the_override_in_the_lead_s_history(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    # review 2, finding 3: the release is the override of the block rule; the lead's history says so
    form = _form(ctx, admin_id, spam=NO_LIMITS)
    leads.create_lead(ctx, admin_id, {"last_name": "Lee", "company": "Acme", "email": "ann@acme.example"})
    set_duplicate_rule(ctx, admin_id, "lead", "email", action="block")
    held = _post(ctx, clock, form, first_name="Annie")
    assert held.outcome is Outcome.QUARANTINED

    released = quarantine.release_submission(ctx, admin_id, held.quarantine_id)

    history = {c.field: c.new_value for c in leads.lead_history(ctx, admin_id, released.lead_id)}
    assert history["duplicate_override"] == f"released from quarantine (submission {held.quarantine_id}) by Ada Admin"
