"""A second sales process, on SQLite and PostgreSQL: stages keep a clean sequence of positions,
and an opportunity follows the process it names (or its type's, or the default) with any stage of
that process, when created, moved and closed."""

from __future__ import annotations

import pytest

from leadline.domain.errors import ConflictError, ValidationError
from leadline.services import records
from leadline.services.configuration.sales import add_process, add_stage, list_processes, list_stages
from leadline.services.context import ServiceContext
from leadline.services.opportunities import lifecycle as opportunities


def renewals(ctx: ServiceContext, admin_id: int, **options: object) -> None:
    add_process(ctx, admin_id, "Renewals", **options)  # type: ignore[arg-type]
    add_stage(ctx, admin_id, "Renewal Review", probability=20, forecast_category="pipeline", process="Renewals",
              position=0)


def new_deal(ctx: ServiceContext, actor: int, **values: object) -> object:
    account = records.create_account(ctx, actor, {"name": "Acme"}).id
    return records.create_opportunity(ctx, actor, {"account_id": account, "name": "Deal", **values})


def test_a_stage_added_at_a_position_moves_the_others_down_one(ctx: ServiceContext, admin_id: int) -> None:
    renewals(ctx, admin_id)
    stages = list_stages(ctx, "Renewals")
    assert [s.order for s in stages] == list(range(len(stages)))
    assert [s.label for s in stages][:3] == ["Renewal Review", "Prospecting", "Qualification"]
    add_stage(ctx, admin_id, "Legal Review", probability=80, forecast_category="commit", process="Renewals",
              position=6)
    stages = list_stages(ctx, "Renewals")
    assert [s.order for s in stages] == list(range(10))
    assert [s.label for s in stages][5:8] == ["Negotiation", "Legal Review", "Order"]
    assert [s.order for s in list_stages(ctx, "New Business")] == list(range(8))  # the default one is untouched
    with pytest.raises(ValidationError) as error:
        add_stage(ctx, admin_id, "Late", probability=10, forecast_category="pipeline", process="Renewals",
                  position=11)
    assert error.value.field == "position"


def test_an_opportunity_in_the_second_process_takes_its_stage_by_label_or_id(
        ctx: ServiceContext, admin_id: int) -> None:
    renewals(ctx, admin_id)
    review = next(s for s in list_stages(ctx, "Renewals") if s.label == "Renewal Review")
    by_label = new_deal(ctx, admin_id, process="Renewals", stage="Renewal Review")
    by_id = new_deal(ctx, admin_id, stage=str(review.id))
    assert by_label.stage_id == by_id.stage_id == review.id and by_label.probability == 20
    moved = opportunities.move_stage(ctx, admin_id, by_label.id, "Negotiation")  # Renewals' Negotiation
    assert moved.stage_id in {s.id for s in list_stages(ctx, "Renewals")}
    won = opportunities.close_opportunity(ctx, admin_id, by_label.id, "won", amount="5000")
    assert won.stage_id in {s.id for s in list_stages(ctx, "Renewals")}
    with pytest.raises(ValidationError) as error:
        new_deal(ctx, admin_id, stage="Renewal Review")  # the default process has no such stage
    assert error.value.field == "stage" and "'New Business'" in str(error.value)
    with pytest.raises(ValidationError) as error:
        new_deal(ctx, admin_id, process="Partners")
    assert error.value.field == "process"


def test_an_opportunity_of_a_type_follows_its_process_unless_it_names_another(
        ctx: ServiceContext, admin_id: int) -> None:
    renewals(ctx, admin_id, opportunity_type="renewal")
    assert [p.opportunity_type for p in list_processes(ctx) if p.name == "Renewals"] == ["renewal"]
    renewal_ids = {s.id for s in list_stages(ctx, "Renewals")}
    assert new_deal(ctx, admin_id, type="renewal", stage="Renewal Review").stage_id in renewal_ids
    assert new_deal(ctx, admin_id, type="renewal").stage_id in renewal_ids  # its first open stage
    assert new_deal(ctx, admin_id, type="renewal", process="New Business").stage_id not in renewal_ids
    assert new_deal(ctx, admin_id, type="upsell").stage_id not in renewal_ids
    with pytest.raises(ConflictError):
        add_process(ctx, admin_id, "More Renewals", opportunity_type="renewal")


def test_an_update_moves_an_open_opportunity_into_another_process(ctx: ServiceContext, admin_id: int) -> None:
    renewals(ctx, admin_id)
    deal = new_deal(ctx, admin_id)
    moved = records.update_record(ctx, admin_id, "opportunity", deal.id,
                                  {"process": "Renewals", "stage": "Renewal Review"})
    assert moved.stage_id == next(s.id for s in list_stages(ctx, "Renewals") if s.label == "Renewal Review")
