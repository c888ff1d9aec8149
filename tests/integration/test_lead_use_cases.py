"""Lead use cases on a real database: history, status rules, all-or-nothing writes."""

from __future__ import annotations

import pytest

from leadline.domain.errors import InvalidStatusError, LeadReadOnlyError, NotFoundError, ValidationError
from leadline.services.configuration import statuses as configuration
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.leads import records as leads


def test_a_new_lead_gets_the_default_status_and_its_first_status_is_recorded(
    ctx: ServiceContext, admin_id: int
) -> None:
    details = leads.create_lead(ctx, admin_id, {"last_name": "Turing", "company": "Bletchley"})
    assert details.status.label == "Open"
    assert details.owner is not None and details.owner.id == admin_id
    with ctx.uow_factory() as uow:
        history = uow.leads.status_history(details.lead.id)
    assert [(h[0], h[1]) for h in history] == [(None, details.status.id)]


def test_an_update_records_who_changed_which_field_from_what_to_what_and_when(
    ctx: ServiceContext, admin_id: int, clock
) -> None:
    lead_id = leads.create_lead(ctx, admin_id, {"last_name": "Hamilton", "company": "MIT", "title": "Engineer"}).lead.id
    when = clock.advance(hours=5)
    leads.update_lead(ctx, admin_id, lead_id, {"title": "Director", "status": "Contacted", "company": "MIT"})
    history = leads.lead_history(ctx, admin_id, lead_id)
    created = [c for c in history if c.changed_at < when]
    changes = [c for c in history if c.changed_at == when]
    assert ("last_name", None, "Hamilton") in {(c.field, c.old_value, c.new_value) for c in created}
    assert {(c.field, c.old_value, c.new_value) for c in changes} == {
        ("title", "Engineer", "Director"), ("status", "Open", "Contacted")}
    assert all(c.actor_id == admin_id for c in history)
    with ctx.uow_factory() as uow:
        assert len(uow.leads.status_history(lead_id)) == 2


def test_an_update_that_changes_nothing_writes_no_history_and_keeps_the_version(
    ctx: ServiceContext, admin_id: int
) -> None:
    lead_id = leads.create_lead(ctx, admin_id, {"last_name": "Backus", "company": "IBM"}).lead.id
    before = leads.lead_history(ctx, admin_id, lead_id)
    details = leads.update_lead(ctx, admin_id, lead_id, {"company": "IBM"})
    assert details.lead.version == 1
    assert leads.lead_history(ctx, admin_id, lead_id) == before


def test_the_converted_status_cannot_be_set_by_hand(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = leads.create_lead(ctx, admin_id, {"last_name": "Kay", "company": "PARC"}).lead.id
    with pytest.raises(InvalidStatusError) as error:
        leads.update_lead(ctx, admin_id, lead_id, {"status": "Converted"})
    assert (error.value.code, error.value.field) == ("INVALID_STATUS", "status")
    with pytest.raises(InvalidStatusError):
        leads.create_lead(ctx, admin_id, {"last_name": "Kay", "company": "PARC", "status": "Converted"})


def test_a_deactivated_source_stays_on_old_leads_but_is_refused_for_new_ones(
    ctx: ServiceContext, admin_id: int
) -> None:
    old = leads.create_lead(ctx, admin_id, {"last_name": "Old", "company": "Co", "source": "Online quiz"})
    configuration.set_source_active(ctx, admin_id, "Online quiz", False)
    assert leads.get_lead(ctx, admin_id, old.lead.id).source.label == "Online quiz"
    with pytest.raises(ValidationError) as error:
        leads.create_lead(ctx, admin_id, {"last_name": "New", "company": "Co", "source": "online quiz"})
    assert error.value.field == "source"


def test_a_lead_with_one_bad_custom_value_is_not_written_at_all(ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "seats", "Seats", "number")
    with pytest.raises(ValidationError) as error:
        leads.create_lead(ctx, admin_id, {"last_name": "Bad", "company": "Co"}, custom={"seats": "many"})
    assert error.value.field == "custom.seats"
    with ctx.uow_factory() as uow:
        assert uow.leads.count() == 0


def test_an_update_failing_half_way_leaves_the_lead_as_it_was(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = leads.create_lead(ctx, admin_id, {"last_name": "Same", "company": "Co"}).lead.id
    with pytest.raises(NotFoundError):
        leads.update_lead(ctx, admin_id, lead_id, {"title": "Changed", "owner": "nobody@example.com"})
    stored = leads.get_lead(ctx, admin_id, lead_id).lead
    assert (stored.title, stored.version) == (None, 1)
    assert {c.field for c in leads.lead_history(ctx, admin_id, lead_id)} >= {"last_name"}
    assert "title" not in {c.field for c in leads.lead_history(ctx, admin_id, lead_id)}


def test_a_converted_lead_is_read_only_and_keeps_its_lineage(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = leads.create_lead(ctx, admin_id, {
        "last_name": "Ritchie", "company": "Bell Labs", "website": "https://www.bell-labs.example/unix",
        "budget_amount": "5000", "purchase_timeframe": "2026-09-01"}, products=[{"product": "C compiler"}]).lead.id
    result = conversion.convert_lead(ctx, admin_id, lead_id, qualification_override_reason="met at a fair")
    assert result.created == ["account", "contact", "opportunity"]
    details = leads.get_lead(ctx, admin_id, lead_id)
    assert details.status.label == "Converted"
    assert (details.lead.converted_account_id, details.lead.converted_contact_id,
            details.lead.converted_opportunity_id) == (result.account_id, result.contact_id, result.opportunity_id)
    with pytest.raises(LeadReadOnlyError) as error:
        leads.update_lead(ctx, admin_id, lead_id, {"title": "CTO"})
    assert error.value.code == "LEAD_READ_ONLY"
    with ctx.uow_factory() as uow:
        account = uow.accounts.get(result.account_id)
        opportunity = uow.opportunities.get(result.opportunity_id)
    assert (account.name, account.domain) == ("Bell Labs", "bell-labs.example")
    assert (opportunity.amount, str(opportunity.close_date), opportunity.originating_lead_id) == (
        5000, "2026-09-01", lead_id)


def test_converting_a_converted_lead_is_refused_and_creates_nothing(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = leads.create_lead(ctx, admin_id, {"last_name": "Once", "company": "Only"}).lead.id
    conversion.convert_lead(ctx, admin_id, lead_id, opportunity="none", qualification_override_reason="a partner")
    with pytest.raises(Exception) as error:
        conversion.convert_lead(ctx, admin_id, lead_id)
    assert getattr(error.value, "code", None) == "LEAD_ALREADY_CONVERTED"
    with ctx.uow_factory() as uow:
        assert (uow.accounts.count(), uow.contacts.count(), uow.opportunities.count()) == (1, 1, 0)


def test_converting_onto_an_existing_account_fills_only_its_empty_fields(ctx: ServiceContext, admin_id: int) -> None:
    from leadline.services.records import create_account

    account = create_account(ctx, admin_id, {"name": "Existing Name", "industry": "Retail"})
    lead_id = leads.create_lead(ctx, admin_id, {
        "last_name": "Filler", "company": "Lead Company", "industry": "Banking", "city": "Lyon"}).lead.id
    result = conversion.convert_lead(ctx, admin_id, lead_id, account_id=account.id, opportunity="none",
                                     qualification_override_reason="a partner")
    assert result.attached == ["account"] and "account.billing_city" in result.filled
    with ctx.uow_factory() as uow:
        stored = uow.accounts.get(account.id)
    assert (stored.name, stored.industry, stored.billing_city) == ("Existing Name", "Retail", "Lyon")


@pytest.mark.parametrize("where", ["owner", "search"])
def test_control_characters_in_a_reference_or_search_are_refused_before_the_database(
        ctx: ServiceContext, admin_id: int, where: str) -> None:
    from leadline.domain.errors import ValidationError
    from leadline.domain.queries import LeadQuery

    with pytest.raises(ValidationError):
        if where == "owner":
            leads.create_lead(ctx, admin_id, {"last_name": "N", "company": "C", "owner": "a\x00b@example.com"})
        else:
            LeadQuery(search="a\x00b")


@pytest.mark.parametrize("with_field", [False, True], ids=["custom value alone", "with a standard field"])
def test_changing_a_custom_value_of_a_lead_stores_what_the_audit_records(
        ctx: ServiceContext, admin_id: int, with_field: bool) -> None:
    # given a lead with custom values
    add_custom_field(ctx, admin_id, "lead", "po_number", "PO", "text")
    add_custom_field(ctx, admin_id, "lead", "seats", "Seats", "number")
    lead_id = leads.create_lead(ctx, admin_id, {"last_name": "M", "company": "Co"},
                                custom={"po_number": "PO-1", "seats": "5"}).lead.id
    # when one is changed, one removed (and perhaps a standard field changed in the same update)
    changed = leads.update_lead(ctx, admin_id, lead_id, {"title": "CTO"} if with_field else {},
                                custom={"po_number": "PO-2", "seats": None})
    # then the lead holds the new values, as returned and as audited
    stored = leads.get_lead(ctx, admin_id, lead_id)
    assert stored.custom == changed.custom == {"po_number": "PO-2"}
    audited = {(c.field, c.old_value, c.new_value) for c in leads.lead_history(ctx, admin_id, lead_id)}
    assert {("custom.po_number", "PO-1", "PO-2"), ("custom.seats", "5", None)} <= audited
