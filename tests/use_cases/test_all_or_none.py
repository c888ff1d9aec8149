"""Several use cases in ONE unit of work (``run_all_or_none``), on the in-memory fakes: the
real SQL unit of work is driven by tests/e2e/test_salesforce_all_or_none.py on both databases."""

from __future__ import annotations

from typing import Any

from leadline.domain.errors import ValidationError
from leadline.domain.queries import Page, RecordQuery
from leadline.services import records
from leadline.services.all_or_none import run_all_or_none
from leadline.services.context import ServiceContext
from tests.unit.builders import raises_error


def _accounts(ctx: ServiceContext, admin_id: int) -> list[str]:
    return [a.name for a in records.list_records(ctx, admin_id, "account", RecordQuery(), Page(limit=50))]


def test_every_step_is_kept_and_a_later_step_sees_an_earlier_ones_writes(ctx: ServiceContext,
                                                                         admin_id: int) -> None:
    made: dict[str, Any] = {}

    def acme(c: ServiceContext) -> Any:
        made["acme"] = records.create_account(c, admin_id, {"name": "Acme"})
        return made["acme"]

    results = run_all_or_none(ctx, [
        acme,
        lambda c: records.create_account(c, admin_id, {"name": "Globex"}),
        lambda c: records.create_contact(c, admin_id, {"last_name": "Lee", "account_id": str(made["acme"].id)}),
    ])
    assert sorted(_accounts(ctx, admin_id)) == ["Acme", "Globex"] and results[2].account_id == made["acme"].id


def test_a_failing_step_rolls_back_the_steps_before_it(ctx: ServiceContext, admin_id: int) -> None:
    given_one_account = records.create_account(ctx, admin_id, {"name": "Before"})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="name"):
        run_all_or_none(ctx, [
            lambda c: records.create_account(c, admin_id, {"name": "Rolled back"}),
            lambda c: records.update_record(c, admin_id, "account", given_one_account.id, {"name": "Changed"}),
            lambda c: records.create_account(c, admin_id, {"name": ""}),
        ])
    assert _accounts(ctx, admin_id) == ["Before"]
