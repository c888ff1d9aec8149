"""``plan_conversion``: what a conversion creates, fills, links and records, decided without storage;
and its undo record stored in the form conversions have had since revision 0003."""

from __future__ import annotations

import copy
import itertools
from decimal import Decimal
from typing import Any

import pytest

from leadline.domain.accounts import Account
from leadline.domain.activities import Activity, ActivityKind, RecordRef
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.conversion.plan import (
    ActivityLink,
    Catalogue,
    ConversionInputs,
    ConversionSettings,
    CreatedRecord,
    FilledFields,
    Matched,
    TaskOwner,
    UndoRecord,
)
from leadline.domain.conversion.planner import plan_conversion
from leadline.domain.conversion.rules import ConversionOptions, OpportunityChoice
from leadline.domain.errors import ValidationError
from leadline.domain.leads.lead import ProductInterest
from leadline.domain.opportunities.opportunity import ContactRoleKind, SalesProcess
from leadline.domain.opportunities.products import Product
from leadline.persistence.conversion.stored import undo_from_json, undo_to_json
from tests.unit.builders import NOW, make_default_stages, make_lead, make_statuses, raises_error, status_of_kind

STATUSES = make_statuses()
SETTINGS = ConversionSettings(processes=(SalesProcess(1, "New business", is_default=True),),
                              stages=tuple(make_default_stages()), field_mappings=(), definitions={},
                              status_labels={s.id: s.label for s in STATUSES}, reason_labels={})
WIDGET = Product(70, "Widget")
CATALOGUE = Catalogue({"widget": WIDGET}, {70: WIDGET}, {70: Decimal("250")})


def inputs(lead: Any = None, options: ConversionOptions | None = None, matched: Matched | None = None,
           owner_id: int = 9) -> ConversionInputs:
    """Converting Ada's lead (qualified, two product lines) as the admin (id 1), ids from 1."""
    ids = itertools.count(1)
    lead = lead or make_lead(status_id=status_of_kind(STATUSES, StatusKind.QUALIFIED).id, email="ada@engines.example",
                             website="https://engines.example", city="London", budget_amount=Decimal("900"),
                             products=[ProductInterest("Widget", Decimal("2")),
                                       ProductInterest("Difference engine", Decimal("1"))])
    return ConversionInputs(lead, options or ConversionOptions(), status_of_kind(STATUSES, StatusKind.CONVERTED),
                            None, owner_id, 1, NOW, None, None, matched or Matched(), SETTINGS, CATALOGUE,
                            lambda: next(ids))


def test_a_lead_on_its_own_becomes_a_new_account_contact_and_opportunity() -> None:
    given = inputs()
    before = copy.deepcopy(given.lead)

    plan = plan_conversion(given)

    assert given.lead == before  # the lead given is not changed: the plan holds the converted copy
    [account], [contact], [deal] = plan.accounts, plan.contacts, plan.opportunities
    assert (account.name, account.domain, account.billing_city, account.owner_id) == (
        "Analytical Engines", "engines.example", "London", 9)
    assert (contact.account_id, contact.email) == (account.id, "ada@engines.example")
    assert (deal.account_id, deal.stage_id, deal.originating_lead_id) == (account.id, 1, given.lead.id)
    [item] = plan.line_items  # the line without a price is skipped, and said so
    assert (item.product_id, item.unit_price, deal.amount) == (70, Decimal("250"), Decimal("500"))
    assert plan.result.skipped == ["product line 'Difference engine': not in the product catalogue and no "
                                   "estimated price"]
    [role] = plan.contact_roles
    assert (role.contact_id, role.role, role.is_primary) == (contact.id, ContactRoleKind.OTHER, True)
    assert [(e.record_type, e.record_id) for e in plan.audit] == [
        ("account", account.id), ("contact", contact.id), ("opportunity", deal.id), ("lead", given.lead.id)]
    assert plan.lead is not None and plan.lead.converted.is_converted() and plan.lead.converted.version == 2
    assert plan.record is not None and plan.record.undo == UndoRecord(
        previous_status_id=given.lead.status_id, previous_reason_id=None,
        created=(CreatedRecord(RecordType.ACCOUNT, account.id), CreatedRecord(RecordType.CONTACT, contact.id),
                 CreatedRecord(RecordType.OPPORTUNITY, deal.id)),
        roles=(role.id,), line_items=(item.id,), versions={account.id: 1, contact.id: 1, deal.id: 1},
        lead_version=2)


def test_a_joined_account_gets_only_its_empty_fields_filled() -> None:
    account = Account(500, "Analytical Engines Ltd", NOW, NOW, billing_city="Paris")
    given = inputs(options=ConversionOptions(account_id=500, opportunity=OpportunityChoice.NONE),
                   matched=Matched(account=account))

    plan = plan_conversion(given)

    [fill] = plan.fills
    assert fill.record.id == 500 and dict(fill.values) == {"website": "https://engines.example",
                                                           "domain": "engines.example"}
    assert (fill.record.billing_city, account.website) == ("Paris", None)  # kept; the record read is not changed
    assert plan.accounts == () and plan.opportunities == ()
    assert plan.result.attached == ["account"] and plan.result.created == ["contact"]
    assert plan.record is not None and plan.record.undo.filled == (
        FilledFields(RecordType.ACCOUNT, 500, {"website": "https://engines.example", "domain": "engines.example"}),)


def test_activities_join_the_new_records_and_open_tasks_move_to_the_new_owner() -> None:
    task = Activity(61, ActivityKind.TASK, "Call back", NOW, owner_id=1, links=[RecordRef(RecordType.LEAD, 1001)])
    given = inputs(options=ConversionOptions(opportunity=OpportunityChoice.NONE), matched=Matched(activities=(task,)))

    plan = plan_conversion(given)

    [contact] = plan.contacts
    assert plan.activity_links == (ActivityLink(61, RecordType.CONTACT, contact.id),)
    [moved] = plan.moved_tasks
    assert (moved.owner_id, task.owner_id) == (9, 1)
    assert plan.record is not None and plan.record.undo.tasks == (TaskOwner(61, 1),)
    assert plan.result.attached == ["1 activity"]


def test_one_opportunity_per_product_needs_product_lines() -> None:
    given = inputs(lead=make_lead(status_id=3), options=ConversionOptions(one_per_product=True))
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="one_per_product"):
        plan_conversion(given)


def test_the_undo_record_is_stored_as_conversions_always_stored_it() -> None:
    undo = UndoRecord(
        previous_status_id=3, previous_reason_id=None,
        created=(CreatedRecord(RecordType.CONTACT, 11),),
        filled=(FilledFields(RecordType.ACCOUNT, 10, {"industry": "Defence", "custom.po": "PO-1"}),),
        links=(ActivityLink(61, RecordType.CONTACT, 11),), roles=(12,), line_items=(), tasks=(TaskOwner(61, 1),),
        versions={11: 1}, lead_version=2)

    stored = undo_to_json(undo)

    assert stored == {"created": [["contact", 11]], "filled": [["account", 10, {"industry": "Defence",
                                                                                 "custom.po": "PO-1"}]],
                      "links": [[61, "contact", 11]], "roles": [12], "line_items": [], "tasks": [[61, 1]],
                      "versions": {"11": 1}, "previous_status_id": 3, "previous_reason_id": None, "lead_version": 2}
    assert list(stored) == ["created", "filled", "links", "roles", "line_items", "tasks", "versions",
                            "previous_status_id", "previous_reason_id", "lead_version"]
    assert undo_from_json(stored) == undo


@pytest.mark.parametrize("missing", ["lead_version", "previous_reason_id"])
def test_an_undo_record_stored_before_a_key_existed_still_reads(missing: str) -> None:
    stored = undo_to_json(UndoRecord(previous_status_id=3, previous_reason_id=None, lead_version=4))
    del stored[missing]
    assert undo_from_json(stored) == UndoRecord(previous_status_id=3, previous_reason_id=None,
                                                lead_version=None if missing == "lead_version" else 4)
