"""The security matrix: role x object x action x sharing setting, enforced in the use cases.

Every record below is owned by rep A. Rep A's manager, rep A and admins may do everything; a
peer rep (outside A's line) gets what the object's sharing default gives: nothing (and may not
learn the record exists), read, or read and write.
"""

from __future__ import annotations

from typing import Any

import pytest

from leadline.domain.errors import NotFoundError, PermissionDeniedError
from leadline.domain.queries import LeadQuery, Page, RecordQuery
from leadline.domain.security.access import Access, SharingDefault
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.leads import records as leads
from leadline.services.security import users
from leadline.services.security.sharing import set_sharing

ROLES = ["admin", "manager", "owner", "peer"]
OBJECTS = ["lead", "account", "contact", "opportunity"]


@pytest.fixture
def team(ctx: ServiceContext, admin_id: int) -> dict[str, int]:
    manager = users.add_user(ctx, admin_id, name="Maria", email="maria@example.com", role="manager")
    owner = users.add_user(ctx, admin_id, name="Rep A", email="a@example.com", manager=manager.id)
    peer_boss = users.add_user(ctx, admin_id, name="Other Boss", email="boss@example.com", role="manager")
    peer = users.add_user(ctx, admin_id, name="Rep B", email="b@example.com", manager=peer_boss.id)
    return {"admin": admin_id, "manager": manager.id, "owner": owner.id, "peer": peer.id}


def make_record(ctx: ServiceContext, owner: int, kind: str) -> int:
    if kind == "lead":
        return leads.create_lead(ctx, owner, {"last_name": "Secret", "company": "Hidden Co"}).lead.id
    account = records.create_account(ctx, owner, {"name": "Hidden Co"}).id
    if kind == "account":
        return account
    if kind == "contact":
        return records.create_contact(ctx, owner, {"account_id": account, "last_name": "Secret"}).id
    return records.create_opportunity(ctx, owner, {"account_id": account, "name": "Hidden deal", "amount": "10"}).id


def read(ctx: ServiceContext, actor: int, kind: str, record_id: int) -> Any:
    if kind == "lead":
        return leads.get_lead(ctx, actor, record_id)
    return records.get_record(ctx, actor, kind, record_id)


def listed(ctx: ServiceContext, actor: int, kind: str) -> list[int]:
    if kind == "lead":
        return [d.lead.id for d in leads.list_leads(ctx, actor, LeadQuery(), Page())]
    return [r.id for r in records.list_records(ctx, actor, kind, RecordQuery(), Page())]


def update(ctx: ServiceContext, actor: int, kind: str, record_id: int) -> None:
    if kind == "lead":
        leads.update_lead(ctx, actor, record_id, {"title": "Changed"})
    else:
        records.update_record(ctx, actor, kind, record_id, {"name" if kind != "contact" else "title": "Changed"})


def delete(ctx: ServiceContext, actor: int, kind: str, record_id: int) -> None:
    if kind == "lead":
        leads.delete_lead(ctx, actor, record_id)
    else:
        records.delete_record(ctx, actor, kind, record_id)


def history(ctx: ServiceContext, actor: int, kind: str, record_id: int) -> None:
    if kind == "lead":
        leads.lead_history(ctx, actor, record_id)
    else:
        records.record_history(ctx, actor, kind, record_id)


def expect(access: Access, needed: Access, action, *args, **kwargs) -> None:
    if access >= needed:
        action(*args, **kwargs)
    elif access == Access.NONE:
        with pytest.raises(NotFoundError):
            action(*args, **kwargs)
    else:
        with pytest.raises(PermissionDeniedError):
            action(*args, **kwargs)


@pytest.mark.parametrize("sharing", list(SharingDefault))
@pytest.mark.parametrize("kind", OBJECTS)
def test_each_role_gets_exactly_the_access_the_model_gives(
    ctx: ServiceContext, team: dict[str, int], sharing: SharingDefault, kind: str
) -> None:
    set_sharing(ctx, team["admin"], kind, sharing.value)
    for role in ROLES:
        actor = team[role]
        access = sharing.access if role == "peer" else Access.EDIT
        record_id = make_record(ctx, team["owner"], kind)
        assert (record_id in listed(ctx, actor, kind)) == (access >= Access.READ), (role, "list")
        expect(access, Access.READ, read, ctx, actor, kind, record_id)
        expect(access, Access.READ, history, ctx, actor, kind, record_id)
        expect(access, Access.EDIT, update, ctx, actor, kind, record_id)
        if kind == "lead":
            # the earlier roles' conversions made a "Hidden Co" account the peer may not see: confirmed apart
            expect(access, Access.EDIT, conversion.convert_lead, ctx, actor, record_id, opportunity="none",
                   qualification_override_reason="a partner's referral", confirm_separate=True)
        else:
            expect(access, Access.EDIT, delete, ctx, actor, kind, record_id)


def test_a_refused_write_changes_nothing(ctx: ServiceContext, team: dict[str, int]) -> None:
    set_sharing(ctx, team["admin"], "lead", "public_read_only")
    lead_id = make_record(ctx, team["owner"], "lead")
    with pytest.raises(PermissionDeniedError):
        leads.update_lead(ctx, team["peer"], lead_id, {"title": "Hacked"})
    assert leads.get_lead(ctx, team["owner"], lead_id).lead.title is None


def test_a_manager_sees_the_records_of_their_reports_reports(ctx: ServiceContext, team: dict[str, int]) -> None:
    lead_rep = users.add_user(ctx, team["admin"], name="Junior", email="junior@example.com", manager=team["owner"])
    lead_id = make_record(ctx, lead_rep.id, "lead")
    assert lead_id in listed(ctx, team["manager"], "lead")
    assert lead_id not in listed(ctx, team["peer"], "lead")


def test_giving_a_record_away_needs_edit_access_and_an_active_owner(ctx: ServiceContext, team: dict[str, int]) -> None:
    lead_id = make_record(ctx, team["owner"], "lead")
    with pytest.raises(NotFoundError):
        leads.update_lead(ctx, team["peer"], lead_id, {"owner": "b@example.com"})
    moved = leads.update_lead(ctx, team["owner"], lead_id, {"owner": "b@example.com"})
    assert moved.owner.id == team["peer"]
    with pytest.raises(NotFoundError):  # the former owner no longer sees it
        leads.get_lead(ctx, team["owner"], lead_id)


def test_the_pipeline_summary_counts_only_what_the_user_may_see(ctx: ServiceContext, team: dict[str, int]) -> None:
    from leadline.analytics.pipeline import pipeline_summary

    make_record(ctx, team["owner"], "opportunity")
    make_record(ctx, team["owner"], "lead")
    assert pipeline_summary(ctx, team["peer"]).lead_total == 0
    assert pipeline_summary(ctx, team["peer"]).open_totals() == {}
    assert pipeline_summary(ctx, team["manager"]).lead_total == 1
    assert "USD" in pipeline_summary(ctx, team["manager"]).open_totals()
