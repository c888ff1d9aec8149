"""Duplicate rules on the create paths of leads, contacts and accounts, on SQLite and PostgreSQL:
each action (allow, warn, block with an override reason kept in history), matches among records
the actor may not read told without their fields, and the duplicate-group job."""

from __future__ import annotations

from typing import Any

import pytest

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.rules import DuplicateAction
from leadline.domain.errors import DuplicateBlockedError, PermissionDeniedError
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import DuplicateReport, find_duplicates
from leadline.services.duplicates.groups import find_duplicate_groups, list_duplicate_groups
from leadline.services.duplicates.rules import list_duplicate_rules, set_duplicate_rule
from leadline.services.leads import records as leads
from leadline.services.security import users
from leadline.services.security.sharing import set_sharing

ANN = {"first_name": "Ann", "last_name": "Smith", "company": "Acme Corp", "email": "ann@acme.example",
       "phone": "+1 415 555 0123", "website": "https://www.acme.example"}


def lead(ctx: ServiceContext, actor: int, **values: Any) -> leads.LeadDetails:
    return leads.create_lead(ctx, actor, {**ANN, **values})


def test_a_lead_with_the_same_email_is_let_through_with_the_match_reported_by_default(
        ctx: ServiceContext, admin_id: int) -> None:
    first = lead(ctx, admin_id).lead.id

    second = lead(ctx, admin_id, phone=None, first_name="Bob", last_name="Jones", company="Other Inc")

    assert second.duplicates is not None
    assert [(m.record_id, m.score, m.reasons, m.action) for m in second.duplicates.matches] == [
        (first, 100, ("e-mail ann@acme.example",), DuplicateAction.WARN)]


def test_each_default_rule_scores_with_its_reason(ctx: ServiceContext, admin_id: int) -> None:
    first = lead(ctx, admin_id).lead.id

    found = find_duplicates(ctx, admin_id, "lead", {"first_name": "Anne", "last_name": "Smith",
                                                    "company": "ACME Corporation", "website": "acme.example",
                                                    "phone": "(415) 555-0123;ext=7", "email": "anne@acme.example"})

    (match,) = found.matches
    assert match.record_id == first and match.score == 90
    assert match.reasons == ("phone +14155550123", "name Anne Smith at ACME Corporation")
    assert set(match.rules) == {"lead:phone", "lead:person_at_company"}


def test_a_block_rule_refuses_without_an_override_and_keeps_the_reason_given(
        ctx: ServiceContext, admin_id: int) -> None:
    first = lead(ctx, admin_id).lead.id
    set_duplicate_rule(ctx, admin_id, "lead", "email", action="block")

    with pytest.raises(DuplicateBlockedError) as refused:
        lead(ctx, admin_id, first_name="Other")
    assert refused.value.field == "duplicate_override_reason"
    assert refused.value.details[0][0] == "duplicates" and str(first) in refused.value.details[0][1]

    second = lead(ctx, admin_id, duplicate_override_reason="a second office, same person").lead.id
    history = {c.field: c.new_value for c in leads.lead_history(ctx, admin_id, second)}
    assert history["duplicate_override"] == "a second office, same person"


def test_an_allow_rule_says_nothing_on_creation_but_still_finds_the_match(ctx: ServiceContext, admin_id: int) -> None:
    for match in ("email", "phone", "person_at_company"):
        set_duplicate_rule(ctx, admin_id, "lead", match, action="allow")
    first = lead(ctx, admin_id).lead.id

    second = lead(ctx, admin_id)

    assert second.duplicates is not None and second.duplicates.matches == []
    assert {m.record_id for m in find_duplicates(ctx, admin_id, "lead", ANN).matches} == {first, second.lead.id}


def test_rules_are_admins_to_change_and_listed_with_the_defaults(ctx: ServiceContext, admin_id: int) -> None:
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    with pytest.raises(PermissionDeniedError):
        set_duplicate_rule(ctx, rep, "lead", "email", action="block")
    set_duplicate_rule(ctx, admin_id, "account", "domain_company", threshold=95)

    rules = {r.name: r for r in list_duplicate_rules(ctx, rep)}
    assert rules["account:domain_company"].threshold == 95 and rules["lead:email"].action is DuplicateAction.WARN
    assert len(rules) == 7


def test_accounts_and_contacts_are_checked_on_creation_too(ctx: ServiceContext, admin_id: int) -> None:
    acme = records.create_account(ctx, admin_id, {"name": "Acme, Inc.", "website": "acme.example"}).id
    report = DuplicateReport()
    records.create_account(ctx, admin_id, {"name": "ACME Inc", "website": "http://acme.example/about"},
                           duplicates=report)
    assert report.check is not None and [m.record_id for m in report.check.matches] == [acme]

    set_duplicate_rule(ctx, admin_id, "contact", "email", action="block")
    ann = records.create_contact(ctx, admin_id, {"account_id": acme, "last_name": "Smith", "email": "ann@acme.example"})
    with pytest.raises(DuplicateBlockedError):
        records.create_contact(ctx, admin_id, {"account_id": acme, "last_name": "Smyth", "email": "Ann@Acme.example"})
    kept = records.create_contact(ctx, admin_id, {"account_id": acme, "last_name": "Smyth", "email": "ann@acme.example",
                                                  "duplicate_override_reason": "shared inbox"}, duplicates=report)
    assert [m.record_id for m in report.check.matches] == [ann.id]
    history = {c.field: c.new_value for c in records.record_history(ctx, admin_id, "contact", kept.id)}
    assert history["duplicate_override"] == "shared inbox"


def test_a_match_the_actor_may_not_read_is_told_without_its_fields(ctx: ServiceContext, admin_id: int) -> None:
    set_sharing(ctx, admin_id, "lead", "private")
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    other = users.add_user(ctx, admin_id, name="Other", email="other@example.com").id
    hidden = lead(ctx, other, first_name="Hank", last_name="Scorpio", phone=None).lead.id
    set_duplicate_rule(ctx, admin_id, "lead", "email", action="block")

    with pytest.raises(DuplicateBlockedError) as refused:
        lead(ctx, rep, first_name="Ann", last_name="Smith", company="Globex")
    told = repr(refused.value.details) + refused.value.message
    assert "e-mail ann@acme.example" in told and "a lead with this" in told
    for secret in (str(hidden), "Hank", "Scorpio", "Acme Corp", "other@example.com", str(other)):
        assert secret not in told

    found = find_duplicates(ctx, rep, "lead", {"email": "ann@acme.example"})
    assert found.matches == [] and [(h.record_kind, h.reasons) for h in found.hidden] == [
        (RecordType.LEAD, ("e-mail ann@acme.example",))]


def test_the_group_job_finds_groups_with_their_reasons(ctx: ServiceContext, admin_id: int) -> None:
    a = lead(ctx, admin_id).lead.id
    b = lead(ctx, admin_id, email="a.smith@acme.example", phone="415-555-0123").lead.id
    c = lead(ctx, admin_id, email="x@y.example", phone=None, first_name="Zed", last_name="Zulu",
             company="Unrelated", website=None).lead.id
    d = lead(ctx, admin_id, first_name="Zed", last_name="Zulu", phone=None, email="other@acme.example",
             company="Unrelated Ltd", website=None).lead.id

    assert find_duplicate_groups(ctx, admin_id, ["leads"]) == {RecordType.LEAD: 2}

    groups = [g for _, g in list_duplicate_groups(ctx, admin_id, "lead")]
    assert [g.record_ids for g in groups] == [(a, b), (c, d)]
    assert "phone +14155550123" in groups[0].reasons and groups[1].reasons == ("name Zed Zulu at Unrelated",)
