"""Listing opportunities by stage, process, outcome, close date, amount and owner, their stage and
process by name, and field history by name, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.queries import Page
from leadline.services import records
from leadline.services.configuration.sales import add_process, add_stage, list_processes, list_stages
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.opportunities import lifecycle as opportunities
from leadline.services.opportunities.queries import opportunity_query, stage_names
from leadline.services.security import users


@dataclass
class Pipeline:
    small: int  # Prospecting, 1,000, closing 2026-04-30, the admin's
    large: int  # Negotiation, 50,000, closing 2026-06-30, Sam's
    lost: int  # lost (Closed Lost), 8,000
    renewal: int  # Negotiation of the Renewals process, 20,000
    sam: int


@pytest.fixture
def pipeline(ctx: ServiceContext, admin_id: int) -> Pipeline:
    sam = users.add_user(ctx, admin_id, name="Sam", email="sam@example.com").id
    add_process(ctx, admin_id, "Renewals")
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id

    def deal(name: str, amount: str, close: str, **more: str) -> int:
        return records.create_opportunity(ctx, admin_id, {"account_id": account, "name": name, "amount": amount,
                                                          "close_date": close, **more}).id

    small = deal("Small", "1000", "2026-04-30")
    large = deal("Large", "50000", "2026-06-30", stage="Negotiation", owner="sam@example.com")
    lost = deal("Lost", "8000", "2026-05-15")
    opportunities.close_opportunity(ctx, admin_id, lost, "lost", reason="Price")
    renewal = deal("Renewal", "20000", "2026-05-31", stage="Negotiation")
    negotiation = next(s.id for s in list_stages(ctx, "Renewals") if s.label == "Negotiation")
    with ctx.uow_factory() as uow:  # stands for an opportunity opened in the Renewals process
        moved = uow.opportunities.get_for_update(renewal)
        moved.stage_id = negotiation
        uow.opportunities.save(moved)
        uow.commit()
    return Pipeline(small, large, lost, renewal, sam)


def listed(ctx: ServiceContext, actor: int, **filters: object) -> list[int]:
    query = opportunity_query(ctx, **filters)  # type: ignore[arg-type]
    return sorted(o.id for o in records.list_records(ctx, actor, "opportunity", query, Page(limit=500)))


def test_opportunities_are_filtered_by_each_criterion(ctx: ServiceContext, admin_id: int, pipeline: Pipeline) -> None:
    p = pipeline
    negotiation = next(s for s in list_stages(ctx) if s.label == "Negotiation")
    default = next(x for x in list_processes(ctx) if x.is_default)
    assert listed(ctx, admin_id, stages=["negotiation"]) == sorted([p.large, p.renewal])  # a label: every process
    assert listed(ctx, admin_id, stages=[str(negotiation.id)]) == [p.large]
    assert listed(ctx, admin_id, processes=["Renewals"]) == [p.renewal]
    assert listed(ctx, admin_id, processes=[str(default.id)]) == sorted([p.small, p.large, p.lost])
    assert listed(ctx, admin_id, stages=["Negotiation"], processes=[default.name]) == [p.large]
    assert listed(ctx, admin_id, outcomes=["lost"]) == [p.lost]
    assert listed(ctx, admin_id, outcomes=["open", "won"]) == sorted([p.small, p.large, p.renewal])
    # the lost one closed today (2026-03-02, the tests' clock): its close date is that day now
    assert listed(ctx, admin_id, close_from=date(2026, 5, 1), close_to=date(2026, 5, 31)) == [p.renewal]
    assert listed(ctx, admin_id, close_from=date(2026, 6, 30)) == [p.large]  # both ends included
    assert listed(ctx, admin_id, close_to=date(2026, 4, 30), outcomes=["open"]) == [p.small]
    assert listed(ctx, admin_id, amount_from="8000", amount_to="20000") == sorted([p.lost, p.renewal])
    assert listed(ctx, admin_id, amount_from="20,000.00") == sorted([p.large, p.renewal])
    assert listed(ctx, admin_id, owners=["sam@example.com"], stages=["Negotiation"]) == [p.large]


@pytest.mark.parametrize(("filters", "field"), [
    ({"stages": ["Haggling"]}, "stage"), ({"processes": ["Upsell"]}, "process"), ({"outcomes": ["maybe"]}, "outcome"),
    ({"close_from": date(2026, 7, 1), "close_to": date(2026, 6, 1)}, "close_from"),
    ({"amount_from": "10", "amount_to": "5"}, "amount_from"), ({"amount_to": "lots"}, "amount_to"),
    ({"stages": ["Closed Won"], "processes": ["Nothing"]}, "process"),
])
def test_a_bad_filter_is_refused_naming_it(ctx: ServiceContext, admin_id: int, filters: dict[str, object],
                                           field: str) -> None:
    with pytest.raises(ValidationError) as refused:
        opportunity_query(ctx, **filters)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_a_stage_outside_the_processes_asked_for_is_refused(ctx: ServiceContext, admin_id: int) -> None:
    add_process(ctx, admin_id, "Renewals")
    add_stage(ctx, admin_id, "Renewal Review", process="Renewals", probability=20, forecast_category="pipeline")
    with pytest.raises(ValidationError) as refused:
        opportunity_query(ctx, stages=["Renewal Review"], processes=[next(
            p.name for p in list_processes(ctx) if p.is_default)])
    assert refused.value.field == "stage"


def test_an_opportunitys_stage_and_process_are_named(ctx: ServiceContext, pipeline: Pipeline) -> None:
    names = stage_names(ctx)
    with ctx.reader() as uow:
        renewal = uow.opportunities.get(pipeline.renewal)
    assert (names[renewal.stage_id].stage, names[renewal.stage_id].process) == ("Negotiation", "Renewals")


def test_history_shows_sources_statuses_owners_stages_and_reasons_by_name(
        ctx: ServiceContext, admin_id: int, pipeline: Pipeline) -> None:
    lead = leads.create_lead(ctx, admin_id, {"last_name": "X", "company": "C", "source": "Customer referral"}).lead
    leads.update_lead(ctx, admin_id, lead.id, {"source": "Trade show", "owner": "sam@example.com"})
    admin = next(u.email for u in users.list_users(ctx, admin_id) if u.id == admin_id)
    changes = {(c.field, c.old_value, c.new_value) for c in leads.lead_history(ctx, admin_id, lead.id)}
    assert {("source_id", None, "Customer referral"), ("source_id", "Customer referral", "Trade show"),
            ("status_id", None, "Open"), ("owner_id", None, admin), ("owner_id", admin, "sam@example.com")} <= changes

    opportunities.move_stage(ctx, admin_id, pipeline.small, "Negotiation")
    opportunities.close_opportunity(ctx, admin_id, pipeline.small, "lost", reason="Timing")
    history = [(c.field, c.old_value, c.new_value) for c in records.record_history(ctx, admin_id, "opportunity",
                                                                                   pipeline.small)]
    assert ("stage_id", None, "Prospecting") in history and ("stage_id", "Prospecting", "Negotiation") in history
    assert ("loss_reason_id", None, "Timing") in history
    named = [value for field, old, new in history for value in (old, new)
             if field in ("stage_id", "owner_id", "loss_reason_id") and value is not None]
    assert named and not any(value.isdigit() for value in named)
