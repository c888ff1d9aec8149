"""Bulk conversion on SQLite and PostgreSQL: a result per lead, all or nothing, written in
batches with what converting each lead alone writes, and leads of one company attaching to the
same existing account, contact and opportunity as they would one after another."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine

from leadline.domain.conversion.rules import ConversionOptions, OpportunityChoice
from leadline.services import records
from leadline.services.configuration.lead_workflow import add_field_mapping
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.conversion.bulk import convert_leads
from leadline.services.leads import records as leads
from leadline.services.opportunities.parts import list_contact_roles
from leadline.services.security import users
from tests.integration.conversion_support import (
    GADGET,
    WIDGET,
    counts,
    masked,
    new_lead,
    recorded_runs,
    written_for,
)
from tests.query_counts import shown, statements_of


def test_bulk_conversion_reports_each_lead_and_skips_an_invalid_one(ctx: ServiceContext, admin_id: int) -> None:
    good = [new_lead(ctx, admin_id, email=f"p{n}@navy.example") for n in range(3)]
    bad = new_lead(ctx, admin_id, products=[])  # misses the opportunity criteria
    ids = [good[0], bad, good[1], 424242, good[2]]
    outcome = convert_leads(ctx, admin_id, ids, ConversionOptions())
    assert outcome.committed and outcome.converted == 3
    assert [(i.lead_id, i.ok, i.code) for i in outcome.items] == [
        (good[0], True, None), (bad, False, "CRITERIA_NOT_MET"), (good[1], True, None), (424242, False, "NOT_FOUND"),
        (good[2], True, None)]
    assert counts(ctx) == (3, 3, 3)
    assert not leads.get_lead(ctx, admin_id, bad).lead.is_converted()


def test_an_all_or_nothing_bulk_conversion_with_an_invalid_lead_converts_none(
        ctx: ServiceContext, admin_id: int) -> None:
    good = [new_lead(ctx, admin_id, email=f"p{n}@navy.example") for n in range(2)]
    bad = new_lead(ctx, admin_id, products=[])
    outcome = convert_leads(ctx, admin_id, [good[0], bad, good[1]], ConversionOptions(), all_or_nothing=True)
    assert not outcome.committed and outcome.converted == 0
    assert [(i.lead_id, i.code) for i in outcome.items] == [(good[0], "ROLLED_BACK"), (bad, "CRITERIA_NOT_MET")]
    assert counts(ctx) == (0, 0, 0)
    assert not any(leads.get_lead(ctx, admin_id, i).lead.is_converted() for i in good)


def test_a_bulk_conversion_writes_what_converting_each_lead_alone_writes(
        ctx: ServiceContext, admin_id: int, catalogue: None, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = recorded_runs(monkeypatch)
    users.add_user(ctx, admin_id, name="Rep", email="rep@example.com", role="rep")
    kinds = [{"products": [WIDGET, GADGET]}, {"products": [WIDGET, {"product": "Unobtainium"}]},
             {"owner": "rep@example.com", "company": "Ünïcode \"Quoted\" Ltd", "website": None},
             {"products": [{"product": "Gadget", "quantity": "1"}], "rating": "hot"}]
    given = [[new_lead(ctx, admin_id, email=f"p{n}@navy.example", **values) for n, values in enumerate(kinds)]
             for _ in range(2)]
    outcome = convert_leads(ctx, admin_id, given[0], ConversionOptions(), all_or_nothing=True)
    alone = [conversion.convert_lead(ctx, admin_id, lead_id) for lead_id in given[1]]
    assert runs == [{"batched": True}]  # written in a batch, not started again lead by lead
    assert outcome.committed and [masked(i.result) for i in outcome.items] == [masked(r) for r in alone]
    for batched, single in zip(*given, strict=True):
        assert written_for(ctx, batched) == written_for(ctx, single)


@pytest.mark.parametrize("all_or_nothing", [False, True])
def test_a_bulk_conversion_whose_batch_cannot_be_written_converts_each_lead_alone(
        ctx: ServiceContext, admin_id: int, monkeypatch: pytest.MonkeyPatch, all_or_nothing: bool) -> None:
    from sqlalchemy.exc import IntegrityError

    from leadline.persistence.conversion import writer as conversion_writer

    good = [new_lead(ctx, admin_id, email=f"p{n}@navy.example") for n in range(3)]
    bad = [] if all_or_nothing else [new_lead(ctx, admin_id, products=[])]  # misses the opportunity criteria
    write, failures = conversion_writer._write, []

    def written_then_broken(session: Any, plans: Any) -> None:  # the rows reach the database, then a rule breaks
        write(session, plans)
        if not failures and len(plans) > 1:
            failures.append(1)
            raise IntegrityError("INSERT ...", {}, Exception("a rule broke"))

    monkeypatch.setattr(conversion_writer, "_write", written_then_broken)
    outcome = convert_leads(ctx, admin_id, [good[0], good[1], *bad, good[2]], ConversionOptions(),
                            all_or_nothing=all_or_nothing)
    assert failures and outcome.committed
    assert [i.code for i in outcome.items] == [None, None, *(["CRITERIA_NOT_MET"] if bad else []), None]
    assert counts(ctx) == (3, 3, 3)
    assert all(leads.get_lead(ctx, admin_id, i).lead.is_converted() for i in good)


def test_new_records_are_audited_alike_one_at_a_time_and_rendered_together() -> None:
    from datetime import UTC, date, datetime, timedelta, timezone
    from decimal import Decimal

    from leadline.domain.accounts import Account
    from leadline.domain.conversion.audit import CreatedChanges
    from leadline.domain.conversion.plan import AuditEntry, ConversionPlan
    from leadline.domain.conversion.rules import ConversionResult
    from leadline.domain.opportunities.opportunity import ForecastCategory, Opportunity, Outcome
    from leadline.persistence.conversion.writer import _audit_rows
    from leadline.services.security.access import audit_created, fields_of

    moment = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    records: list[Any] = [
        Account(1, "Ünïcode \"Quoted\" \\ Ltd\n", moment, moment, number_of_employees=0),
        Account(2, "Plain", moment.astimezone(timezone(timedelta(hours=2))), moment, website="x.example"),
        Opportunity(3, 1, "Deal", 7, 10, ForecastCategory.PIPELINE, moment, moment, amount=Decimal("-0.00"),
                    close_date=date(2026, 6, 30), outcome=Outcome.OPEN, probability_overridden=True),
        Opportunity(4, 2, "Deal \u2028 two", 7, 0, ForecastCategory.PIPELINE, moment, moment, amount=Decimal("12.50")),
    ]

    class Audit:
        def __init__(self) -> None:
            self.recorded: list[Any] = []

        def record(self, *event: Any) -> None:
            self.recorded.append(event[-1])

    class Uow:
        audit = Audit()

    for record in records:
        audit_created(Uow, "record", record.id, None, moment, fields_of(record))
    for record, recorded in zip(records, Uow.audit.recorded, strict=True):
        assert dict(CreatedChanges(record)) == recorded
    plans = [ConversionPlan(actor_id=1, at=moment, result=ConversionResult(record.id),
                            audit=(AuditEntry("convert", "record", record.id, CreatedChanges(record)),))
             for record in records]
    assert [row[-1] for row in _audit_rows(plans)] == [json.dumps(changes) for changes in Uow.audit.recorded]


def test_created_json_is_json_dumps_of_the_texts_each_row_has() -> None:
    from leadline.persistence.conversion.writer import _created_json

    columns: list[tuple[str, list[str | None]]] = [
        ("name", ["Acme", None, "Ünï \"q\" \\ \n", None]),
        ("website", [None, None, None, None]),
        ("count", ["1", "2", "3", None]),
    ]
    expected = [json.dumps({name: (None, texts[row]) for name, texts in columns if texts[row] is not None})
                for row in range(4)]
    assert _created_json(columns) == expected
    assert expected[3] == "{}"


# Leads of one company converted in one call into the same existing records: each lead must see
# what the leads before it filled and made, exactly as converting them one after another.


@dataclass
class Company:
    """An existing account with a contact and an open opportunity, and three leads of it."""

    account: int
    contact: int
    deal: int
    leads: list[int]


#: how the leads of a bulk call join the company's records
SHAPES = {
    "account": lambda c: ConversionOptions(account_id=c.account, opportunity=OpportunityChoice.NONE),
    "contact": lambda c: ConversionOptions(contact_id=c.contact, opportunity=OpportunityChoice.NONE),
    "opportunity": lambda c: ConversionOptions(account_id=c.account, contact_id=c.contact,
                                               opportunity=OpportunityChoice.ATTACH, opportunity_id=c.deal),
    "opportunity, contact by e-mail": lambda c: ConversionOptions(account_id=c.account, opportunity_id=c.deal,
                                                                  opportunity=OpportunityChoice.ATTACH),
}


def mapped_custom_fields(ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "po_number", "PO", "text")
    add_custom_field(ctx, admin_id, "account", "po_note", "PO", "text")
    add_custom_field(ctx, admin_id, "lead", "seats", "Seats", "number")
    add_custom_field(ctx, admin_id, "contact", "seats_note", "Seats", "text")
    add_field_mapping(ctx, admin_id, "lead.po_number", "account.po_note")
    add_field_mapping(ctx, admin_id, "lead.seats", "contact.seats_note")


def company(ctx: ServiceContext, admin_id: int, *, same_email: bool = False) -> Company:
    """The records start with empty fields: the first lead fills some, the second others (and a
    custom value on the account), the third finds everything already filled."""
    account = records.create_account(ctx, admin_id, {"name": "Navy Computing Inc."}).id
    contact = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Hopper"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Open deal"}).id
    given = [({}, {"seats": "10"}),
             ({"title": "Rear Admiral", "industry": "Defence", "phone": "+1 202 555 0100"},
              {"po_number": "PO-1", "seats": "20"}),
             ({"title": "Captain", "industry": "Shipping", "phone": "+1 202 555 0199"}, {"po_number": "PO-2"})]
    ids = [new_lead(ctx, admin_id, email="grace@navy.example" if same_email else f"p{n}@navy.example",
                    custom=custom, **values) for n, (values, custom) in enumerate(given)]
    return Company(account, contact, deal, ids)


@pytest.mark.parametrize("all_or_nothing", [False, True], ids=["partial", "all or nothing"])
@pytest.mark.parametrize("shape", SHAPES)
def test_leads_of_one_company_join_the_same_records_in_one_call_as_one_after_another(
        ctx: ServiceContext, admin_id: int, shape: str, all_or_nothing: bool) -> None:
    # given the same company twice, and custom lead fields mapped to the account and the contact
    mapped_custom_fields(ctx, admin_id)
    in_bulk, one_by_one = (company(ctx, admin_id, same_email="e-mail" in shape) for _ in range(2))

    # when one converts its leads in one bulk call and the other one lead after another
    outcome = convert_leads(ctx, admin_id, in_bulk.leads, SHAPES[shape](in_bulk), all_or_nothing=all_or_nothing)
    alone = [conversion.convert_lead(ctx, admin_id, i, SHAPES[shape](one_by_one)) for i in one_by_one.leads]

    # then the call succeeds with the same results, and wrote the same rows byte for byte
    assert outcome.committed and [(i.ok, i.code) for i in outcome.items] == [(True, None)] * 3
    assert [masked(i.result) for i in outcome.items] == [masked(r) for r in alone]
    assert [written_for(ctx, i) for i in in_bulk.leads] == [written_for(ctx, i) for i in one_by_one.leads]
    # (and one after another means: fill only what is still empty, the second seeing the first's)
    filled = [[f for f in r.filled if f.startswith("account.")] for r in alone]
    assert "account.industry" in filled[1] and "account.custom.po_note" in filled[1] and filled[2] == []
    account = records.get_record(ctx, admin_id, "account", in_bulk.account)
    assert (account.industry, account.version) == ("Defence", 3)  # filled by the first two leads
    if shape.startswith("opportunity"):
        roles = list_contact_roles(ctx, admin_id, in_bulk.deal)
        assert [r["contact_id"] for r in roles] == [outcome.items[0].result.contact_id]  # type: ignore[union-attr]


def test_an_all_or_nothing_call_failing_on_its_last_lead_leaves_the_shared_records_as_they_were(
        ctx: ServiceContext, admin_id: int) -> None:
    mapped_custom_fields(ctx, admin_id)
    given = company(ctx, admin_id)
    conversion.convert_lead(ctx, admin_id, given.leads[2], opportunity="none")  # converted before the call
    before = _company_records(ctx, admin_id, given)

    outcome = convert_leads(ctx, admin_id, given.leads, SHAPES["opportunity"](given), all_or_nothing=True)

    assert not outcome.committed
    assert [(i.lead_id, i.code) for i in outcome.items] == [
        (given.leads[0], "ROLLED_BACK"), (given.leads[1], "ROLLED_BACK"), (given.leads[2], "LEAD_ALREADY_CONVERTED")]
    assert outcome.items[2].message == f"lead: lead {given.leads[2]} was already converted"
    assert _company_records(ctx, admin_id, given) == before
    assert not any(leads.get_lead(ctx, admin_id, i).lead.is_converted() for i in given.leads[:2])


@pytest.mark.parametrize("all_or_nothing", [False, True], ids=["partial", "all or nothing"])
def test_a_lead_whose_rows_break_a_stored_rule_gets_the_conflict_not_the_commit_of_the_call(
        ctx: ServiceContext, admin_id: int, monkeypatch: pytest.MonkeyPatch, all_or_nothing: bool) -> None:
    from leadline.persistence.opportunities.repositories import ProductRepository

    mapped_custom_fields(ctx, admin_id)
    given = company(ctx, admin_id)
    before = _company_records(ctx, admin_id, given)
    # a conversion blind to the contact roles stored: each lead adds the role the first one added
    monkeypatch.setattr(ProductRepository, "contact_roles", lambda self, opportunity_id: [])

    outcome = convert_leads(ctx, admin_id, given.leads, SHAPES["opportunity"](given), all_or_nothing=all_or_nothing)
    monkeypatch.undo()

    codes = [i.code for i in outcome.items]
    assert codes == ([None, "CONFLICT", "CONFLICT"] if not all_or_nothing else ["ROLLED_BACK", "CONFLICT"])
    assert all("conflicts with stored data" in (i.message or "") for i in outcome.items[1:])
    assert outcome.committed is not all_or_nothing
    converted = [leads.get_lead(ctx, admin_id, i).lead.is_converted() for i in given.leads]
    assert converted == [not all_or_nothing, False, False]
    if all_or_nothing:
        assert _company_records(ctx, admin_id, given) == before
    else:
        assert len(list_contact_roles(ctx, admin_id, given.deal)) == 1


def _company_records(ctx: ServiceContext, admin_id: int, given: Company) -> list[Any]:
    return [json.dumps(masked(repr(records.get_record(ctx, admin_id, kind, record_id))))
            for kind, record_id in (("account", given.account), ("contact", given.contact),
                                    ("opportunity", given.deal))] + [list_contact_roles(ctx, admin_id, given.deal)]


def test_a_bulk_conversion_runs_with_the_collector_paused_and_restores_it(ctx: ServiceContext,
                                                                           admin_id: int) -> None:
    import gc

    ids = [new_lead(ctx, admin_id, email=f"gc{n}@navy.example") for n in range(2)]
    seen, clock = [], ctx.clock

    def watching() -> Any:
        seen.append(gc.isenabled())
        return clock()

    was = gc.isenabled()
    gc.enable()
    try:
        ctx.clock = watching
        outcome = convert_leads(ctx, admin_id, ids, ConversionOptions())
        assert outcome.converted == 2
        assert seen and not any(seen)  # the clock is read during each conversion
        assert gc.isenabled()
    finally:
        ctx.clock = clock
        if not was:
            gc.disable()


@pytest.mark.parametrize("all_or_nothing", [False, True])
def test_a_call_of_several_chunks_gives_what_one_chunk_gives(ctx: ServiceContext, admin_id: int,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            all_or_nothing: bool) -> None:
    from leadline.services.conversion import bulk as conversion_bulk

    good = [new_lead(ctx, admin_id, email=f"chunk{n}@navy.example") for n in range(4)]
    bad = new_lead(ctx, admin_id, products=[])  # misses the opportunity criteria
    monkeypatch.setattr(conversion_bulk, "CHUNK", 2)
    outcome = convert_leads(ctx, admin_id, [good[0], good[1], good[2], bad, good[3]], ConversionOptions(),
                            all_or_nothing=all_or_nothing)
    codes = [(item.lead_id, item.code) for item in outcome.items]
    if all_or_nothing:
        assert not outcome.committed and counts(ctx) == (0, 0, 0)
        assert codes == [(good[0], "ROLLED_BACK"), (good[1], "ROLLED_BACK"), (good[2], "ROLLED_BACK"),
                         (bad, "CRITERIA_NOT_MET")]
    else:
        assert outcome.committed and outcome.converted == 4 and counts(ctx) == (4, 4, 4)
        assert codes == [(good[0], None), (good[1], None), (good[2], None), (bad, "CRITERIA_NOT_MET"),
                         (good[3], None)]


@pytest.mark.parametrize("all_or_nothing", [False, True], ids=["partial", "all or nothing"])
def test_a_bulk_conversion_writes_its_leads_together_not_one_by_one(
        ctx: ServiceContext, admin_id: int, catalogue: None, engine: Engine, all_or_nothing: bool) -> None:
    # given leads with product lines, owned by a rep, and one bulk call already made (caches warm,
    # and kept until a write clears them: a slow machine must not count a reload by age)
    ctx.cache.ttl = 3600.0
    users.add_user(ctx, admin_id, name="Rep", email="rep@example.com", role="rep")
    given = [new_lead(ctx, admin_id, email=f"s{n}@navy.example", products=[WIDGET, GADGET], owner="rep@example.com")
             for n in range(52)]
    convert_leads(ctx, admin_id, given[:1], ConversionOptions())

    # when one bulk call converts one lead and another fifty
    one = statements_of(engine, lambda: convert_leads(ctx, admin_id, given[1:2], ConversionOptions(),
                                                      all_or_nothing=all_or_nothing))
    fifty = statements_of(engine, lambda: convert_leads(ctx, admin_id, given[2:], ConversionOptions(),
                                                        all_or_nothing=all_or_nothing))

    # then the fifty take the statements of one: nothing falls back to a write per lead
    assert len(fifty) == len(one), shown(fifty)
    assert counts(ctx) == (52, 52, 52)
