"""The API's ``filter`` and the CLI's ``--where-*`` options convert the same leads: both call
``convert_leads_where``, which hands the bulk conversion the unconverted leads the filter selects
(on SQLite and PostgreSQL). The CLI runs in-process on the test's database here."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from leadline.cli import conversion as lead_conversion
from leadline.cli.main import app
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.conversion import selection as lead_selection
from leadline.services.conversion.bulk import BulkConversion
from tests.e2e.api_support import Caller
from tests.integration.conversion_support import WHY, new_lead


@pytest.fixture
def handed(monkeypatch: pytest.MonkeyPatch, ctx: ServiceContext, admin_id: int) -> list[list[int]]:
    """The lead ids each call hands the bulk conversion (which converts nothing here, so both
    transports meet the same leads); the CLI acting as the admin on the test's context."""
    calls: list[list[int]] = []

    def record(context: Any, actor: int, ids: list[int], options: Any, **rest: Any) -> BulkConversion:
        calls.append(list(ids))
        return BulkConversion(committed=True, items=[])

    monkeypatch.setattr(lead_selection, "convert_leads", record)
    monkeypatch.setattr(lead_conversion, "ready_application", lambda: type("App", (), {"context": ctx}))
    monkeypatch.setattr(lead_conversion, "actor_id", lambda acting_as: admin_id)
    return calls


def test_the_api_filter_and_the_cli_where_options_convert_the_same_unconverted_leads(
        ctx: ServiceContext, admin_id: int, admin: Caller, handed: list[list[int]]) -> None:
    fair = [new_lead(ctx, admin_id, products=[], email=f"{n}@navy.example", source="Trade show") for n in "abc"]
    new_lead(ctx, admin_id, products=[], email="d@navy.example", source="Other")
    conversion.convert_lead(ctx, admin_id, fair[1], opportunity="none", qualification_override_reason=WHY)

    response = admin("POST", "/leads/convert", json={"filter": {"source": ["Trade show"]}, "opportunity": "none"})
    assert response.status_code == 200, response.text
    result = CliRunner().invoke(app, ["lead", "convert", "--where-source", "Trade show", "--opportunity", "none"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output

    assert handed == [[fair[0], fair[2]], [fair[0], fair[2]]]
