"""Custom fields of accounts, contacts and opportunities, through their use cases: set on create
and update, read back, validated with the lead's rules, kept in history, and filtered in lists."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine, event

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ValidationError
from leadline.domain.queries import LeadQuery, Page, RecordQuery
from leadline.services import records
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.custom_values import resolve_custom_filters
from leadline.services.leads import records as leads
from tests.unit.builders import raises_error


@pytest.fixture
def account_fields(ctx: ServiceContext, admin_id: int) -> None:
    """Accounts carry a tier (pick-list), a renewal date, a seat count and a flag."""
    add_custom_field(ctx, admin_id, "account", "tier", "Tier", "picklist", options=["Gold", "Silver"])
    add_custom_field(ctx, admin_id, "account", "renewal", "Renewal", "date")
    add_custom_field(ctx, admin_id, "account", "seats", "Seats", "number")
    add_custom_field(ctx, admin_id, "account", "strategic", "Strategic", "boolean")


def test_an_account_is_created_with_custom_values_read_back_typed(
    ctx: ServiceContext, admin_id: int, account_fields: None,
) -> None:
    made = records.create_account(ctx, admin_id, {"name": "Globex", "custom": {
        "tier": "gold", "renewal": "2027-01-31", "seats": "40", "strategic": "yes"}})

    read = records.get_record(ctx, admin_id, "account", made.id)

    assert made.custom == read.custom == {"tier": "Gold", "renewal": date(2027, 1, 31), "seats": Decimal("40"),
                                          "strategic": True}


def test_an_account_update_changes_only_the_custom_values_sent_and_keeps_them_in_history(
    ctx: ServiceContext, admin_id: int, account_fields: None,
) -> None:
    made = records.create_account(ctx, admin_id, {"name": "Globex", "custom": {"tier": "Silver", "seats": "10"}})

    updated = records.update_record(ctx, admin_id, "account", made.id, {"custom": {"tier": "Gold", "seats": ""}},
                                    expected_version=made.version)

    assert updated.custom == {"tier": "Gold"} and updated.version == made.version + 1
    assert records.get_record(ctx, admin_id, "account", made.id).custom == {"tier": "Gold"}
    history = {(c.field, c.old_value, c.new_value) for c in records.record_history(ctx, admin_id, "account", made.id)}
    assert {("custom.tier", None, "Silver"), ("custom.tier", "Silver", "Gold"), ("custom.seats", "10", None)} <= history


def test_an_update_with_unchanged_custom_values_changes_nothing(
    ctx: ServiceContext, admin_id: int, account_fields: None,
) -> None:
    made = records.create_account(ctx, admin_id, {"name": "Globex", "custom": {"tier": "Silver"}})

    same = records.update_record(ctx, admin_id, "account", made.id, {"custom": {"tier": "silver"}})

    assert same.version == made.version and same.custom == {"tier": "Silver"}


@pytest.mark.parametrize(
    ("custom", "field"),
    [({"tier": "Platinum"}, "custom.tier"), ({"renewal": "soon"}, "custom.renewal"),
     ({"seats": "many"}, "custom.seats"), ({"strategic": "perhaps"}, "custom.strategic"),
     ({"nope": "1"}, "custom.nope")],
)
def test_a_bad_custom_value_is_refused_naming_the_field_and_nothing_is_written(
    ctx: ServiceContext, admin_id: int, account_fields: None, custom: dict[str, str], field: str,
) -> None:
    made = records.create_account(ctx, admin_id, {"name": "Globex"})

    with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
        records.create_account(ctx, admin_id, {"name": "Initech", "custom": custom})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
        records.update_record(ctx, admin_id, "account", made.id, {"name": "Globex 2", "custom": custom})

    assert [a.name for a in records.list_records(ctx, admin_id, "account", RecordQuery(), Page())] == ["Globex"]
    assert records.get_record(ctx, admin_id, "account", made.id).custom == {}


def test_a_required_custom_field_is_needed_at_creation_and_cannot_be_cleared(
    ctx: ServiceContext, admin_id: int,
) -> None:
    add_custom_field(ctx, admin_id, "contact", "language", "Language", "text", required=True)
    account = records.create_account(ctx, admin_id, {"name": "Globex"})

    with raises_error(ValidationError, code="VALIDATION_FAILED", field="custom.language"):
        records.create_contact(ctx, admin_id, {"account_id": account.id, "last_name": "Simpson"})
    contact = records.create_contact(ctx, admin_id, {"account_id": account.id, "last_name": "Simpson",
                                                     "custom": {"language": "English"}})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="custom.language"):
        records.update_record(ctx, admin_id, "contact", contact.id, {"custom": {"language": ""}})

    assert records.get_record(ctx, admin_id, "contact", contact.id).custom == {"language": "English"}


def test_custom_fields_of_another_record_type_are_not_accepted(ctx: ServiceContext, admin_id: int,
                                                               account_fields: None) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Globex"})

    with raises_error(ValidationError, code="VALIDATION_FAILED", field="custom.tier"):
        records.create_opportunity(ctx, admin_id, {"account_id": account.id, "name": "Deal",
                                                   "custom": {"tier": "Gold"}})


def test_an_opportunity_keeps_its_custom_values_through_a_stage_move(ctx: ServiceContext, admin_id: int) -> None:
    from leadline.services.opportunities import lifecycle as opportunities

    add_custom_field(ctx, admin_id, "opportunity", "competitor", "Competitor", "text")
    account = records.create_account(ctx, admin_id, {"name": "Globex"})
    made = records.create_opportunity(ctx, admin_id, {"account_id": account.id, "name": "Deal",
                                                      "custom": {"competitor": "Initech"}})

    moved = opportunities.move_stage(ctx, admin_id, made.id, "Qualification")

    assert made.custom == moved.custom == {"competitor": "Initech"}


def test_lists_filter_on_custom_values_of_every_record_type(
    ctx: ServiceContext, admin_id: int, account_fields: None,
) -> None:
    gold = records.create_account(ctx, admin_id, {"name": "Globex", "custom": {"tier": "Gold", "seats": "40",
                                                                               "strategic": "true"}})
    records.create_account(ctx, admin_id, {"name": "Initech", "custom": {"tier": "Silver", "seats": "40"}})
    records.create_account(ctx, admin_id, {"name": "Hooli"})
    add_custom_field(ctx, admin_id, "lead", "segment", "Segment", "text")
    lead = leads.create_lead(ctx, admin_id, {"last_name": "Lovelace", "company": "Engines"},
                             custom={"segment": "Mid Market"}).lead
    leads.create_lead(ctx, admin_id, {"last_name": "Babbage", "company": "Engines"})

    def accounts(*pairs: str) -> list[str]:
        query = RecordQuery(custom=resolve_custom_filters(ctx, RecordType.ACCOUNT, pairs))
        return sorted(a.name for a in records.list_records(ctx, admin_id, "account", query, Page()))

    assert accounts("tier=gold") == ["Globex"]
    assert accounts("seats=40.0") == ["Globex", "Initech"]
    assert accounts("seats=40", "strategic=yes") == ["Globex"]
    assert accounts("custom.tier=Silver") == ["Initech"]
    assert [a.custom for a in records.list_records(ctx, admin_id, "account", RecordQuery(), Page())
            if a.id == gold.id] == [{"tier": "Gold", "seats": Decimal("40"), "strategic": True}]
    lead_query = leads.resolve_lead_query(ctx, custom=["segment=mid market"])
    assert [d.lead.id for d in leads.list_leads(ctx, admin_id, lead_query, Page())] == [lead.id]
    assert isinstance(lead_query, LeadQuery)


@pytest.mark.parametrize(
    ("pairs", "field"),
    [(["tier=Platinum"], "custom.tier"), (["seats=many"], "custom.seats"), (["nope=1"], "custom.nope"),
     (["tier="], "custom.tier"), (["tier"], "custom"), (["tier=Gold", "tier=Silver"], "custom.tier")],
)
def test_a_bad_custom_filter_is_refused_naming_the_field(
    ctx: ServiceContext, account_fields: None, pairs: list[str], field: str,
) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
        resolve_custom_filters(ctx, RecordType.ACCOUNT, pairs)


def test_a_list_reads_the_custom_values_of_its_whole_page_in_one_statement(
    ctx: ServiceContext, admin_id: int, account_fields: None, engine: Engine,
) -> None:
    def statements_of_listing() -> int:
        seen: list[str] = []

        def listener(connection: Any, cursor: Any, statement: str, *rest: Any) -> None:
            seen.append(statement)

        event.listen(engine, "before_cursor_execute", listener)
        try:
            records.list_records(ctx, admin_id, "account", RecordQuery(), Page(limit=100))
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return sum("custom_field_values" in statement for statement in seen)

    records.create_account(ctx, admin_id, {"name": "First", "custom": {"tier": "Gold"}})
    few = statements_of_listing()
    for number in range(20):
        records.create_account(ctx, admin_id, {"name": f"Account {number}", "custom": {"seats": str(number)}})

    assert few == statements_of_listing() == 1
