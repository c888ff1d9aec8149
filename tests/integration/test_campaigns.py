"""Campaigns on SQLite and PostgreSQL: the report against a hand-computed campaign (alone and
rolled up, and as a rep who may read only some of its records), the parent tree without cycles,
first- and last-touch attribution, a lead's source campaign on capture, filter and conversion."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leadline.analytics.campaigns import report_campaign
from leadline.domain.errors import PermissionDeniedError, ValidationError
from leadline.services import records
from leadline.services.campaigns import members
from leadline.services.campaigns import records as campaigns
from leadline.services.campaigns.attribution import attribute_opportunity
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.leads import records as leads
from leadline.services.opportunities.lifecycle import close_opportunity
from leadline.services.security import users
from leadline.services.security.sharing import set_sharing
from tests.conftest import FakeClock
from tests.integration.conversion_support import new_lead
from tests.unit.builders import raises_error


def _campaign(ctx: ServiceContext, actor: int, name: str, **values: object) -> int:
    return campaigns.create_campaign(ctx, actor, {"name": name, "type": "webinar", **values}).id


def test_the_report_matches_a_hand_computed_campaign_alone_rolled_up_and_as_a_rep(
        ctx: ServiceContext, admin_id: int) -> None:
    for kind in ("lead", "contact", "opportunity"):
        set_sharing(ctx, admin_id, kind, "private")
    rep = users.add_user(ctx, admin_id, name="Rita Rep", email="rita@example.com").id
    spring = _campaign(ctx, admin_id, "Spring", budget_amount="10000", actual_cost_amount="1500")
    europe = _campaign(ctx, admin_id, "Spring EU", parent=spring, budget_amount="2000", actual_cost_amount="1000")
    won_lead = new_lead(ctx, admin_id, email="a@navy.example", campaign_id=str(spring))  # widget 3 x 1000
    new_lead(ctx, admin_id, email="b@navy.example", campaign_id=str(spring), owner=str(rep))
    new_lead(ctx, admin_id, email="c@navy.example", campaign_id=str(spring))
    europe_lead = new_lead(ctx, admin_id, email="d@navy.example", campaign_id=str(europe))
    new_lead(ctx, admin_id, email="e@navy.example")  # no campaign: never counted
    deal = conversion.convert_lead(ctx, admin_id, won_lead).opportunity_id
    conversion.convert_lead(ctx, admin_id, europe_lead)
    close_opportunity(ctx, admin_id, deal, "won")
    account = records.create_account(ctx, admin_id, {"name": "Visitors Ltd"}).id
    visitor = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Visitor"}).id
    members.add_member(ctx, admin_id, spring, contact_id=visitor, status="attended")

    alone = report_campaign(ctx, admin_id, spring, roll_up=False)
    # members: 3 leads, the converted lead's contact, the visitor; one won deal of 3000 for 1500 spent
    assert (alone.figures.members, alone.figures.leads, alone.figures.converted_leads, alone.figures.opportunities,
            alone.figures.won_opportunities, alone.figures.won_revenue) == (5, 3, 1, 1, 1, Decimal("3000"))
    assert (alone.cost_per_lead, alone.cost_per_won_deal, alone.return_on_spend) == (
        Decimal("500.00"), Decimal("1500.00"), Decimal("1.0000"))

    rolled = report_campaign(ctx, admin_id, spring)
    assert set(rolled.campaign_ids) == {spring, europe}
    assert (rolled.figures.members, rolled.figures.leads, rolled.figures.converted_leads,
            rolled.figures.opportunities, rolled.figures.won_opportunities) == (7, 4, 2, 2, 1)
    assert (rolled.figures.budget, rolled.figures.actual_cost) == (Decimal("12000"), Decimal("2500"))
    assert (rolled.cost_per_lead, rolled.cost_per_won_deal, rolled.return_on_spend) == (
        Decimal("625.00"), Decimal("2500.00"), Decimal("0.2000"))

    as_rep = report_campaign(ctx, rep, spring, roll_up=False)  # only the lead Rita owns
    assert (as_rep.figures.members, as_rep.figures.leads, as_rep.figures.opportunities,
            as_rep.figures.won_revenue) == (1, 1, 0, Decimal(0))


def test_a_parent_that_makes_a_cycle_is_refused(ctx: ServiceContext, admin_id: int) -> None:
    top = _campaign(ctx, admin_id, "Top")
    middle = _campaign(ctx, admin_id, "Middle", parent=top)
    bottom = _campaign(ctx, admin_id, "Bottom", parent=middle)
    for parent in (bottom, middle, top):
        with raises_error(ValidationError, code="VALIDATION_FAILED", field="parent"):
            campaigns.update_campaign(ctx, admin_id, top, {"parent": parent})
    assert campaigns.get_campaign(ctx, admin_id, top).parent_id is None
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="parent"):
        _campaign(ctx, admin_id, "Euro child", parent=top, currency="EUR")


def test_campaign_fields_are_checked_and_only_managers_change_campaigns(ctx: ServiceContext, admin_id: int) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="end_date"):
        _campaign(ctx, admin_id, "Backwards", start_date="2026-05-01", end_date="2026-04-01")
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="type"):
        campaigns.create_campaign(ctx, admin_id, {"name": "Odd", "type": "carrier pigeon"})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="actual_cost_amount"):
        _campaign(ctx, admin_id, "Negative", actual_cost_amount="-5")
    rep = users.add_user(ctx, admin_id, name="Rita Rep", email="rita@example.com").id
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="campaign"):
        _campaign(ctx, rep, "Mine")
    spring = _campaign(ctx, admin_id, "Spring")
    assert [c.id for c in campaigns.list_campaigns(ctx, rep)] == [spring]  # every user reads campaigns


def test_a_lead_keeps_its_source_campaign_is_a_member_and_is_found_by_it(
        ctx: ServiceContext, admin_id: int) -> None:
    spring = _campaign(ctx, admin_id, "Spring")
    lead = leads.create_lead(ctx, admin_id, {"last_name": "Lamarr", "company": "MGM", "campaign_id": str(spring)})
    other = leads.create_lead(ctx, admin_id, {"last_name": "Noether", "company": "Erlangen"}).lead.id
    assert lead.lead.campaign_id == spring
    leads.update_lead(ctx, admin_id, other, {"campaign_id": str(spring)})
    query = leads.resolve_lead_query(ctx, campaigns=[str(spring)])
    from leadline.domain.queries import Page
    assert {d.lead.id for d in leads.list_leads(ctx, admin_id, query, Page())} == {lead.lead.id, other}
    assert {m.lead_id for m in members.list_members(ctx, admin_id, spring)} == {lead.lead.id, other}
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="campaign_id"):
        leads.create_lead(ctx, admin_id, {"last_name": "X", "company": "Y", "campaign_id": "123456"})


def test_conversion_makes_the_contact_a_member_and_gives_the_opportunity_the_campaign(
        ctx: ServiceContext, admin_id: int) -> None:
    spring = _campaign(ctx, admin_id, "Spring")
    result = conversion.convert_lead(ctx, admin_id, new_lead(ctx, admin_id, campaign_id=str(spring)))
    opportunity = records.get_record(ctx, admin_id, "opportunity", result.opportunity_id)
    assert opportunity.campaign_id == spring
    contact_members = [m for m in members.list_members(ctx, admin_id, spring) if m.contact_id]
    assert [(m.contact_id, m.status.value) for m in contact_members] == [(result.contact_id, "responded")]


def test_first_and_last_touch_come_from_the_responses_before_the_opportunity(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    ad, webinar, late = (_campaign(ctx, admin_id, name, type="ad") for name in ("Ad", "Webinar", "Late"))
    account = records.create_account(ctx, admin_id, {"name": "Navy Computing"}).id
    grace = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Hopper",
                                                   "email": "grace@navy.example"}).id
    members.add_member(ctx, admin_id, ad, contact_id=grace, status="clicked")
    clock.advance(days=2)
    lead = new_lead(ctx, admin_id, campaign_id=str(webinar))
    clock.advance(days=2)
    result = conversion.convert_lead(ctx, admin_id, lead, account_id=account)
    assert result.contact_id == grace
    clock.advance(days=5)
    members.add_member(ctx, admin_id, late, contact_id=grace, status="responded")
    found = attribute_opportunity(ctx, admin_id, result.opportunity_id)
    assert (found.first_touch_campaign_id, found.last_touch_campaign_id) == (ad, webinar)


@pytest.mark.parametrize("status", ["registered", "nonsense"])
def test_a_member_status_must_be_one_the_campaign_type_uses(ctx: ServiceContext, admin_id: int, status: str) -> None:
    email = _campaign(ctx, admin_id, "Newsletter", type="email")
    lead = leads.create_lead(ctx, admin_id, {"last_name": "Lovelace", "company": "Engines"}).lead.id
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="status"):
        members.add_member(ctx, admin_id, email, lead_id=lead, status=status)


def test_undoing_a_conversion_removes_the_new_contacts_membership(ctx: ServiceContext, admin_id: int) -> None:
    from leadline.services.conversion.undo import undo_conversion

    spring = _campaign(ctx, admin_id, "Spring")
    lead = new_lead(ctx, admin_id, campaign_id=str(spring))
    conversion.convert_lead(ctx, admin_id, lead)
    undo_conversion(ctx, admin_id, lead)
    assert [(m.lead_id, m.contact_id) for m in members.list_members(ctx, admin_id, spring)] == [(lead, None)]
    assert report_campaign(ctx, admin_id, spring).figures.opportunities == 0
