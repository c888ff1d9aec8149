"""Duplicates hidden by sharing, on SQLite and PostgreSQL: under private sharing a rep's preview
tells of the matching account and contact of another team without any of their fields, and a
conversion that would duplicate them is refused unless the rep confirms a separate record, alone
and in bulk (with the same rows either way)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.rules import ConversionOptions
from leadline.domain.errors import DuplicateHiddenError
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.conversion.bulk import BulkRun, convert_leads, preview_conversion
from leadline.services.conversion.undo import undo_conversion
from leadline.services.security import users
from leadline.services.security.sharing import set_sharing
from tests.integration.conversion_support import counts, masked, new_lead, recorded_runs, written_for

GLOBEX = {"company": "Globex", "website": "https://globex.example", "email": "hank@globex.example"}


@dataclass
class Teams:
    rep: int  # converts the leads
    other: int  # another team's rep, owner of the existing Globex account and contact
    account: int
    contact: int


@pytest.fixture
def teams(ctx: ServiceContext, admin_id: int) -> Teams:
    for kind in ("account", "contact"):
        set_sharing(ctx, admin_id, kind, "private")
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    other = users.add_user(ctx, admin_id, name="Other", email="other@example.com").id
    account = records.create_account(ctx, other, {"name": "Globex Corporation", "website": "www.globex.example"}).id
    contact = records.create_contact(ctx, other, {"account_id": account, "last_name": "Scorpio",
                                                  "email": "Hank@Globex.example"}).id
    return Teams(rep, other, account, contact)


def test_the_preview_tells_of_hidden_matches_without_their_fields(ctx: ServiceContext, teams: Teams) -> None:
    preview = preview_conversion(ctx, teams.rep, new_lead(ctx, teams.rep, **GLOBEX))

    assert preview.accounts == [] and preview.contacts == [] and preview.open_opportunities == {}
    assert [(h.record_type, h.reasons) for h in preview.hidden] == [
        (RecordType.ACCOUNT, ("website domain globex.example", "company name Globex")),
        (RecordType.CONTACT, ("e-mail hank@globex.example",))]
    told = repr(preview.hidden) + " ".join(h.message for h in preview.hidden)
    for secret in (str(teams.account), str(teams.contact), str(teams.other), "Corporation", "Scorpio", "Hank@",
                   "other@example.com"):
        assert secret not in told


def test_the_owner_sees_the_records_themselves_and_nothing_hidden(ctx: ServiceContext, teams: Teams) -> None:
    preview = preview_conversion(ctx, teams.other, new_lead(ctx, teams.other, **GLOBEX))

    assert [c.record_id for c in preview.accounts] == [teams.account] and preview.hidden == []


def test_converting_beside_a_hidden_match_is_refused_unless_confirmed(ctx: ServiceContext, teams: Teams) -> None:
    lead_id = new_lead(ctx, teams.rep, **GLOBEX)
    before = counts(ctx)

    with pytest.raises(DuplicateHiddenError) as refused:
        conversion.convert_lead(ctx, teams.rep, lead_id)
    assert refused.value.code == "DUPLICATE_HIDDEN" and [f for f, _ in refused.value.details] == ["account", "contact"]
    assert str(teams.account) not in str(refused.value) + repr(refused.value.details)
    assert counts(ctx) == before

    result = conversion.convert_lead(ctx, teams.rep, lead_id, confirm_separate=True)
    assert result.created == ["account", "contact", "opportunity"] and result.account_id != teams.account


def test_a_new_contact_at_the_reps_own_account_beside_a_hidden_contact_needs_confirming(
        ctx: ServiceContext, teams: Teams) -> None:
    own = records.create_account(ctx, teams.rep, {"name": "Globex EMEA"}).id
    lead_id = new_lead(ctx, teams.rep, **GLOBEX)

    with pytest.raises(DuplicateHiddenError) as refused:
        conversion.convert_lead(ctx, teams.rep, lead_id, account_id=own)
    assert [f for f, _ in refused.value.details] == ["contact"]
    result = conversion.convert_lead(ctx, teams.rep, lead_id, account_id=own, confirm_separate=True)
    assert result.account_id == own and result.created == ["contact", "opportunity"]


def test_an_admin_sees_every_record_and_is_not_refused(ctx: ServiceContext, admin_id: int, teams: Teams) -> None:
    assert conversion.convert_lead(ctx, admin_id, new_lead(ctx, admin_id, **GLOBEX)).created


@pytest.mark.parametrize("all_or_nothing", [False, True])
def test_a_bulk_conversion_refuses_each_lead_with_a_hidden_match_unless_confirmed(
        ctx: ServiceContext, teams: Teams, all_or_nothing: bool) -> None:
    hidden = new_lead(ctx, teams.rep, **GLOBEX)
    clear = new_lead(ctx, teams.rep, company="Initech", website="initech.example", email="bill@initech.example")

    outcome = convert_leads(ctx, teams.rep, [clear, hidden], ConversionOptions(), all_or_nothing=all_or_nothing)
    assert [(i.lead_id, i.code) for i in outcome.items] == [
        (clear, "ROLLED_BACK" if all_or_nothing else None), (hidden, "DUPLICATE_HIDDEN")]
    assert outcome.converted == 0 if all_or_nothing else 1

    outcome = convert_leads(ctx, teams.rep, [hidden], ConversionOptions(confirm_separate=True))
    assert outcome.committed and outcome.converted == 1


#: Globex (hidden from the rep), then twice a company new to everyone, then one alike in name only
KINDS = [GLOBEX, {"company": "Initech", "website": "initech.example", "email": "bill@initech.example"},
         {"company": "Initech", "website": "initech.example", "email": "peter@initech.example"},
         {"company": "Globex Labs", "website": "labs.example", "email": "lab@labs.example"}]


@pytest.mark.parametrize("confirm_separate", [False, True])
@pytest.mark.parametrize("owner", [None, "other@example.com"])  # other: what the rep creates is hidden from them
def test_a_reps_bulk_conversion_writes_what_converting_each_lead_alone_writes(
        ctx: ServiceContext, admin_id: int, teams: Teams, confirm_separate: bool, owner: str | None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    runs, written_before = recorded_runs(monkeypatch), []
    needs_written = BulkRun._needs_written

    def recorded(run: BulkRun, lead: Any, *, has_activities: bool) -> bool:
        needed = needs_written(run, lead, has_activities=has_activities)
        if needed:
            written_before.append(lead.id)
        return needed

    monkeypatch.setattr(BulkRun, "_needs_written", recorded)
    given = [[new_lead(ctx, teams.rep, **values) for values in KINDS] for _ in range(2)]
    options = ConversionOptions(confirm_separate=confirm_separate, owner=owner)

    outcome = convert_leads(ctx, teams.rep, given[0], options)
    assert runs == [{"batched": True}]
    # the look-ups are batched too: only the second Initech lead, which may match the account the
    # first one made in the batch, has the plans before it written first (none is looked up for when confirmed)
    assert written_before == ([] if confirm_separate else [given[0][2]])
    batched = [written_for(ctx, lead_id) for lead_id in given[0]]
    for item in reversed(outcome.items):  # the second round starts from the same records
        if item.ok:
            undo_conversion(ctx, admin_id, item.lead_id)
    alone: list[object] = []
    for lead_id in given[1]:
        try:
            alone.append(masked(conversion.convert_lead(ctx, teams.rep, lead_id, options)))
        except DuplicateHiddenError as error:
            alone.append(error.code)
    assert [masked(i.result) if i.ok else i.code for i in outcome.items] == alone
    refused = [i for i, result in enumerate(alone) if result == "DUPLICATE_HIDDEN"]
    assert refused == ([] if confirm_separate else [0, 2] if owner else [0])
    assert batched == [written_for(ctx, lead_id) for lead_id in given[1]]
