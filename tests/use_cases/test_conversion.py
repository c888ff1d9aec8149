"""Lead conversion on the in-memory fake: the matrix of choices, filling only empty fields,
custom field mappings, activities, idempotent retries, undo, further opportunities and
nurturing. On SQLite and PostgreSQL: two conversions at once (test_conversion_concurrency.py)
and bulk conversion (test_conversion_bulk.py), in tests/integration."""

from __future__ import annotations

import pytest

from leadline.domain.conversion.rules import ConversionOptions
from leadline.domain.errors import (
    ConflictError,
    CriteriaNotMetError,
    LeadAlreadyConvertedError,
    LeadReadOnlyError,
    NotFoundError,
    UndoRefusedError,
    ValidationError,
)
from leadline.services import activities, records
from leadline.services.configuration.lead_workflow import add_field_mapping
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.conversion.bulk import convert_leads, preview_conversion
from leadline.services.conversion.undo import add_lead_opportunity, undo_conversion
from leadline.services.leads import records as leads
from leadline.services.leads import workflow as lead_workflow
from leadline.services.opportunities.parts import list_contact_roles, list_line_items
from leadline.services.security import users
from tests.integration.conversion_support import GADGET, SALE, WIDGET, counts, new_lead


@pytest.mark.parametrize("account", ["new", "existing"])
@pytest.mark.parametrize("contact", ["new", "existing"])
@pytest.mark.parametrize("opportunity", ["create", "attach", "none"])
def test_the_conversion_matrix(ctx: ServiceContext, admin_id: int, catalogue: None, account: str, contact: str,
                               opportunity: str) -> None:
    existing_account = existing_contact = existing_deal = None
    if account == "existing" or contact == "existing" or opportunity == "attach":
        existing_account = records.create_account(ctx, admin_id, {"name": "Navy Computing Inc."}).id
    if contact == "existing":
        existing_contact = records.create_contact(ctx, admin_id, {
            "account_id": existing_account, "last_name": "Hopper", "email": "GRACE@navy.example"}).id
    if opportunity == "attach":
        existing_deal = records.create_opportunity(ctx, admin_id, {"account_id": existing_account,
                                                                   "name": "Open deal"}).id
    before = counts(ctx)
    lead_id = new_lead(ctx, admin_id, products=[WIDGET, GADGET])
    result = conversion.convert_lead(ctx, admin_id, lead_id, account_id=existing_account, opportunity=opportunity,
                                     opportunity_id=existing_deal)

    made_account = existing_account is None
    made_contact = existing_contact is None
    made_deal = opportunity == "create"
    assert counts(ctx) == (before[0] + made_account, before[1] + made_contact, before[2] + made_deal)
    assert ("account" in result.created) is made_account and ("account" in result.attached) is not made_account
    assert ("contact" in result.created) is made_contact and ("contact" in result.attached) is not made_contact
    assert result.account_id == (existing_account or result.account_id)
    assert result.contact_id == (existing_contact or result.contact_id)
    lead = leads.get_lead(ctx, admin_id, lead_id).lead
    assert (lead.converted_account_id, lead.converted_contact_id, lead.converted_opportunity_id) == (
        result.account_id, result.contact_id, result.opportunity_id)
    if opportunity == "none":
        assert result.opportunity_id is None
    else:
        deal = result.opportunity_id if made_deal else existing_deal
        assert result.opportunity_id == deal
        roles = list_contact_roles(ctx, admin_id, deal)
        assert result.contact_id in [r["contact_id"] for r in roles]
    if made_deal:
        items = list_line_items(ctx, admin_id, result.opportunity_id)
        assert sorted(str(i.total) for i in items) == ["1000.0000", "3000.0000"]
        stored = records.get_record(ctx, admin_id, "opportunity", result.opportunity_id)
        # the sum of its lines, not the lead's budget of 12000
        assert (stored.amount, str(stored.close_date), stored.originating_lead_id) == (4000, "2026-06-30", lead_id)


def test_one_opportunity_per_product_line(ctx: ServiceContext, admin_id: int, catalogue: None) -> None:
    lead_id = new_lead(ctx, admin_id, products=[WIDGET, GADGET])
    result = conversion.convert_lead(ctx, admin_id, lead_id, one_per_product=True)
    assert len(result.opportunity_ids) == 2 and result.opportunity_id == result.opportunity_ids[0]
    deals = [records.get_record(ctx, admin_id, "opportunity", i) for i in result.opportunity_ids]
    assert [(d.name, d.amount) for d in deals] == [("Navy Computing - Widget", 3000), ("Navy Computing - Gadget", 1000)]
    assert conversion.lead_lineage(ctx, admin_id, lead_id)["opportunity_ids"] == result.opportunity_ids


def test_a_product_line_outside_the_catalogue_is_reported_not_invented(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = new_lead(ctx, admin_id, products=[{"product": "Unobtainium"}])
    result = conversion.convert_lead(ctx, admin_id, lead_id)
    assert result.skipped == ["product line 'Unobtainium': not in the product catalogue and no estimated price"]
    assert list_line_items(ctx, admin_id, result.opportunity_id) == []


def test_attaching_fills_only_empty_fields_of_the_account_and_contact(ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Kept Name", "billing_city": "Kept City"}).id
    contact = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Kept",
                                                     "email": "grace@navy.example"}).id
    lead_id = new_lead(ctx, admin_id, title="Rear Admiral", industry="Defence")
    result = conversion.convert_lead(ctx, admin_id, lead_id, account_id=account, opportunity="none")
    assert result.contact_id == contact
    assert set(result.filled) == {"account.website", "account.domain", "account.industry", "contact.first_name",
                                  "contact.title"}
    stored_account = records.get_record(ctx, admin_id, "account", account)
    stored_contact = records.get_record(ctx, admin_id, "contact", contact)
    assert (stored_account.name, stored_account.billing_city, stored_account.industry) == (
        "Kept Name", "Kept City", "Defence")
    assert (stored_contact.last_name, stored_contact.first_name, stored_contact.title) == (
        "Kept", "Grace", "Rear Admiral")


def test_a_contact_of_another_account_is_refused(ctx: ServiceContext, admin_id: int) -> None:
    one = records.create_account(ctx, admin_id, {"name": "One"}).id
    other = records.create_account(ctx, admin_id, {"name": "Other"}).id
    contact = records.create_contact(ctx, admin_id, {"account_id": other, "last_name": "X"}).id
    lead_id = new_lead(ctx, admin_id)
    before = counts(ctx)
    with pytest.raises(ValidationError) as error:
        conversion.convert_lead(ctx, admin_id, lead_id, account_id=one, contact_id=contact)
    assert error.value.field == "contact_id" and counts(ctx) == before


def test_a_closed_opportunity_cannot_be_attached(ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Navy"}).id
    won = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Won", "stage": "Closed Won",
                                                     "amount": "10"}).id
    with pytest.raises(ConflictError):
        conversion.convert_lead(ctx, admin_id, new_lead(ctx, admin_id), account_id=account, opportunity="attach",
                                opportunity_id=won)


def test_an_opportunity_without_its_criteria_needs_an_override(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = new_lead(ctx, admin_id, products=[], budget_amount=None)
    before = counts(ctx)
    with pytest.raises(CriteriaNotMetError) as error:
        conversion.convert_lead(ctx, admin_id, lead_id)
    assert [f for f, _ in error.value.details] == ["criteria.product_interest", "criteria.budget"]
    assert counts(ctx) == before and not leads.get_lead(ctx, admin_id, lead_id).lead.is_converted()
    with pytest.raises(CriteriaNotMetError) as error:  # and, not being qualified, its qualification criteria
        conversion.convert_lead(ctx, admin_id, lead_id, override_reason="budget agreed verbally")
    assert (error.value.field, [f for f, _ in error.value.details]) == (
        "qualification_override_reason", ["criteria.budget", "criteria.need"])
    result = conversion.convert_lead(ctx, admin_id, lead_id, override_reason="budget agreed verbally",
                                     qualification_override_reason="budget agreed verbally")
    assert result.override_reason == "budget agreed verbally" and result.opportunity_id is not None


def convert_events(ctx: ServiceContext, lead_id: int) -> list[dict[str, object]]:
    """The changes of the lead's conversion audit events, oldest first."""
    with ctx.uow_factory(read_only=True) as uow:
        return [e["changes"] for e in reversed(uow.audit.events("lead", limit=1000))
                if e["action"] == "convert" and e["record_id"] == lead_id]


@pytest.mark.parametrize("bulk", [False, True])
def test_an_opportunity_override_is_kept_in_the_conversion_its_audit_and_the_lineage(
        ctx: ServiceContext, admin_id: int, bulk: bool) -> None:
    overridden = new_lead(ctx, admin_id, products=[], budget_amount=None)
    met = new_lead(ctx, admin_id, email="met@navy.example")
    why = "budget agreed verbally"
    if bulk:  # written by the batch, not by the single-lead path
        outcome = convert_leads(ctx, admin_id, [overridden, met],
                                ConversionOptions(override_reason=why, qualification_override_reason=why))
        results = [i.result for i in outcome.items]
    else:
        results = [conversion.convert_lead(ctx, admin_id, overridden, override_reason=why, idempotency_key="k1",
                                           qualification_override_reason=why),
                   conversion.convert_lead(ctx, admin_id, met, override_reason=why, qualification_override_reason=why)]
    assert [(r.override_reason, r.opportunity_id is not None) for r in results] == [(why, True), (None, True)]

    with ctx.uow_factory(read_only=True) as uow:  # the conversion record, as stored
        assert [uow.conversions.latest(i).result.override_reason for i in (overridden, met)] == [why, None]  # type: ignore[union-attr]
    assert convert_events(ctx, overridden)[-1]["opportunity_override"] == [None, why]
    assert "opportunity_override" not in convert_events(ctx, met)[-1]  # criteria met: nothing overridden
    assert [conversion.lead_lineage(ctx, admin_id, i)["override_reason"] for i in (overridden, met)] == [why, None]
    assert lead_workflow.status_history(ctx, admin_id, overridden)[-1]["override_reason"] == why
    if not bulk:
        replayed = conversion.convert_lead(ctx, admin_id, overridden, idempotency_key="k1")
        assert (replayed.replayed, replayed.override_reason) == (True, why)


def test_custom_lead_fields_map_to_the_converted_records(ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "po_number", "PO", "text")
    add_custom_field(ctx, admin_id, "opportunity", "po_number", "PO", "text")
    add_custom_field(ctx, admin_id, "lead", "seats", "Seats", "number")
    add_custom_field(ctx, admin_id, "account", "seats_note", "Seats note", "text")
    add_field_mapping(ctx, admin_id, "lead.po_number", "opportunity.po_number")
    add_field_mapping(ctx, admin_id, "lead.seats", "account.seats_note")
    with pytest.raises(ValidationError):
        add_field_mapping(ctx, admin_id, "lead.seats", "opportunity.po_number")  # target already filled
    lead_id = leads.create_lead(ctx, admin_id, {"last_name": "M", "company": "Mapped", "title": "CEO", **SALE},
                                products=[WIDGET], custom={"po_number": "PO-7", "seats": "40"}).lead.id
    result = conversion.convert_lead(ctx, admin_id, lead_id)
    with ctx.uow_factory(read_only=True) as uow:
        definitions = uow.custom_fields.definitions()
        deal = uow.custom_fields.values_for([d for d in definitions if d.record_type.value == "opportunity"],
                                            [result.opportunity_id])[result.opportunity_id]
        account = uow.custom_fields.values_for([d for d in definitions if d.record_type.value == "account"],
                                               [result.account_id])[result.account_id]
    assert deal == {"po_number": "PO-7"} and account == {"seats_note": "40"}


def test_activities_follow_the_lead_and_open_tasks_go_to_the_new_owner(ctx: ServiceContext, admin_id: int) -> None:
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com", role="rep").id
    lead_id = new_lead(ctx, admin_id)
    call = activities.log_activity(ctx, admin_id, kind="call", subject="Intro call", links=[("lead", lead_id)])
    task = activities.log_activity(ctx, admin_id, kind="task", subject="Send quote", links=[("lead", lead_id)])
    result = conversion.convert_lead(ctx, admin_id, lead_id, owner="rep@example.com")
    for kind, record_id in (("contact", result.contact_id), ("opportunity", result.opportunity_id)):
        assert {a.id for a in activities.list_activities(ctx, admin_id, kind, record_id)} == {call.id, task.id}
    assert {a.id: a.owner_id for a in activities.list_activities(ctx, admin_id, "contact", result.contact_id)}[
        task.id] == rep
    assert records.get_record(ctx, admin_id, "opportunity", result.opportunity_id).owner_id == rep


def test_a_retry_with_the_same_key_returns_the_first_result_and_creates_nothing(
        ctx: ServiceContext, admin_id: int) -> None:
    lead_id = new_lead(ctx, admin_id)
    first = conversion.convert_lead(ctx, admin_id, lead_id, idempotency_key="k-1")
    after = counts(ctx)
    again = conversion.convert_lead(ctx, admin_id, lead_id, idempotency_key="k-1")
    assert again.replayed and not first.replayed
    assert (again.account_id, again.contact_id, again.opportunity_id, again.created) == (
        first.account_id, first.contact_id, first.opportunity_id, first.created)
    assert counts(ctx) == after
    for key in ("k-2", None):
        with pytest.raises(LeadAlreadyConvertedError):
            conversion.convert_lead(ctx, admin_id, lead_id, idempotency_key=key)


def test_undo_removes_what_the_conversion_made_and_restores_the_rest(ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Navy Computing"}).id
    existing_deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Existing"}).id
    lead_id = new_lead(ctx, admin_id)
    leads.update_lead(ctx, admin_id, lead_id, {"status": "Contacted"})
    call = activities.log_activity(ctx, admin_id, kind="call", subject="Intro", links=[("lead", lead_id)])
    result = conversion.convert_lead(ctx, admin_id, lead_id, account_id=account, opportunity="attach",
                                     opportunity_id=existing_deal)
    assert "account.billing_city" in result.filled

    undone = undo_conversion(ctx, admin_id, lead_id)

    assert undone.removed == [f"contact {result.contact_id}"] and undone.status == "Contacted"
    assert "account.billing_city" in undone.restored
    assert records.get_record(ctx, admin_id, "account", account).billing_city is None
    assert list_contact_roles(ctx, admin_id, existing_deal) == []
    assert [a.id for a in activities.list_activities(ctx, admin_id, "opportunity", existing_deal)] == []
    assert [a.id for a in activities.list_activities(ctx, admin_id, "lead", lead_id)] == [call.id]
    details = leads.update_lead(ctx, admin_id, lead_id, {"title": "editable again"})
    assert details.status.label == "Contacted" and not details.lead.is_converted()
    actions = {c.field for c in leads.lead_history(ctx, admin_id, lead_id)}
    assert {"converted_at", "converted"} <= actions
    again = conversion.convert_lead(ctx, admin_id, lead_id, opportunity="none")
    assert again.account_id != account


def test_undo_removes_a_new_account_contact_and_opportunity(ctx: ServiceContext, admin_id: int,
                                                            catalogue: None) -> None:
    lead_id = new_lead(ctx, admin_id)
    conversion.convert_lead(ctx, admin_id, lead_id)
    assert counts(ctx) == (1, 1, 1)
    undone = undo_conversion(ctx, admin_id, lead_id)
    assert counts(ctx) == (0, 0, 0) and len(undone.removed) == 3


@pytest.mark.parametrize("later", ["contact", "edit", "further"])
def test_undo_is_refused_once_something_was_attached_or_edited(ctx: ServiceContext, admin_id: int,
                                                                later: str) -> None:
    lead_id = new_lead(ctx, admin_id)
    result = conversion.convert_lead(ctx, admin_id, lead_id)
    if later == "contact":
        records.create_contact(ctx, admin_id, {"account_id": result.account_id, "last_name": "Colleague"})
    elif later == "edit":
        records.update_record(ctx, admin_id, "opportunity", result.opportunity_id, {"next_step": "Demo"})
    else:
        add_lead_opportunity(ctx, admin_id, lead_id)
    before = counts(ctx)
    with pytest.raises(UndoRefusedError) as error:
        undo_conversion(ctx, admin_id, lead_id)
    assert error.value.details
    assert counts(ctx) == before and leads.get_lead(ctx, admin_id, lead_id).lead.is_converted()


def test_undo_of_an_unconverted_lead_is_a_conflict(ctx: ServiceContext, admin_id: int) -> None:
    with pytest.raises(ConflictError):
        undo_conversion(ctx, admin_id, new_lead(ctx, admin_id))


def test_a_converted_lead_yields_a_further_opportunity_with_the_lines_kept(
        ctx: ServiceContext, admin_id: int, catalogue: None) -> None:
    lead_id = new_lead(ctx, admin_id, products=[WIDGET, GADGET])
    first = conversion.convert_lead(ctx, admin_id, lead_id)
    with pytest.raises(ValidationError):
        add_lead_opportunity(ctx, admin_id, lead_id, products=["Sprocket"])
    further = add_lead_opportunity(ctx, admin_id, lead_id, products=["gadget"], name="Gadget renewal")
    items = list_line_items(ctx, admin_id, further.opportunity_id)
    assert [str(i.total) for i in items] == ["1000.0000"]
    deal = records.get_record(ctx, admin_id, "opportunity", further.opportunity_id)
    assert (deal.name, deal.account_id, deal.originating_lead_id) == ("Gadget renewal", first.account_id, lead_id)
    assert conversion.lead_lineage(ctx, admin_id, lead_id)["opportunity_ids"] == [
        first.opportunity_id, further.opportunity_id]
    with pytest.raises(ConflictError):
        add_lead_opportunity(ctx, admin_id, new_lead(ctx, admin_id, email="x@navy.example"))


def test_a_disqualified_lead_can_be_kept_as_a_contact_for_nurturing(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = new_lead(ctx, admin_id)
    with pytest.raises(ValidationError):
        conversion.convert_lead(ctx, admin_id, lead_id, nurture_reason="Bad timing")  # would create an opportunity
    result = conversion.convert_lead(ctx, admin_id, lead_id, nurture_reason="Bad timing", opportunity="none")
    details = leads.get_lead(ctx, admin_id, lead_id)
    assert (result.opportunity_id, details.status.label) == (None, "Unqualified")
    assert details.lead.is_converted() and details.lead.unqualified_reason_id is not None
    with pytest.raises(LeadReadOnlyError):
        leads.update_lead(ctx, admin_id, lead_id, {"title": "x"})


def test_the_preview_lists_matching_accounts_and_contacts_the_actor_may_see(
        ctx: ServiceContext, admin_id: int) -> None:
    from leadline.services.security.sharing import set_sharing

    account = records.create_account(ctx, admin_id, {"name": "NAVY COMPUTING LLC", "website": "https://navy.example"})
    records.create_contact(ctx, admin_id, {"account_id": account.id, "last_name": "H", "email": "grace@navy.example"})
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account.id, "name": "Open"}).id
    records.create_account(ctx, admin_id, {"name": "Unrelated"})
    lead_id = new_lead(ctx, admin_id)
    preview = preview_conversion(ctx, admin_id, lead_id)
    assert [(c.record_id, c.reasons) for c in preview.accounts] == [
        (account.id, ("same website domain navy.example", "same company name 'navy computing'"))]
    assert [(c.reasons, a) for c, a in preview.contacts] == [(("same e-mail grace@navy.example",), account.id)]
    assert preview.open_opportunities == {account.id: [deal]} and preview.opportunity_criteria.met
    set_sharing(ctx, admin_id, "account", "private")
    set_sharing(ctx, admin_id, "contact", "private")
    set_sharing(ctx, admin_id, "lead", "public_read_write")
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com", role="rep").id
    hidden = preview_conversion(ctx, rep, lead_id)
    assert hidden.accounts == [] and hidden.contacts == []
    with pytest.raises(NotFoundError):
        conversion.convert_lead(ctx, rep, lead_id, account_id=account.id)


def test_attaching_an_opportunity_of_another_account_is_refused(ctx: ServiceContext, admin_id: int) -> None:
    one = records.create_account(ctx, admin_id, {"name": "One"}).id
    other = records.create_account(ctx, admin_id, {"name": "Other"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": other, "name": "Theirs"}).id
    with pytest.raises(ValidationError):
        conversion.convert_lead(ctx, admin_id, new_lead(ctx, admin_id), account_id=one, opportunity="attach",
                                opportunity_id=deal)
    with pytest.raises(ValidationError):
        conversion.convert_lead(ctx, admin_id, new_lead(ctx, admin_id), opportunity="sideways")


def test_a_split_opportunity_whose_line_was_skipped_does_not_take_the_whole_budget(
        ctx: ServiceContext, admin_id: int, catalogue: None) -> None:
    lead_id = new_lead(ctx, admin_id, products=[WIDGET, {"product": "Unobtainium"}])
    result = conversion.convert_lead(ctx, admin_id, lead_id, one_per_product=True)
    amounts = [records.get_record(ctx, admin_id, "opportunity", i).amount for i in result.opportunity_ids]
    assert amounts == [3000, None] and len(result.skipped) == 1


def test_a_peer_who_may_only_read_a_converted_lead_cannot_add_an_opportunity_to_it(
        ctx: ServiceContext, admin_id: int) -> None:
    from leadline.domain.errors import PermissionDeniedError
    from leadline.services.security.sharing import set_sharing

    set_sharing(ctx, admin_id, "lead", "public_read_only")
    set_sharing(ctx, admin_id, "account", "public_read_only")
    owner = users.add_user(ctx, admin_id, name="Owner", email="owner@example.com", role="rep").id
    peer = users.add_user(ctx, admin_id, name="Peer", email="peer@example.com", role="rep").id
    lead_id = new_lead(ctx, owner)
    conversion.convert_lead(ctx, owner, lead_id)
    before = counts(ctx)
    with pytest.raises(PermissionDeniedError):
        add_lead_opportunity(ctx, peer, lead_id)
    assert counts(ctx) == before
