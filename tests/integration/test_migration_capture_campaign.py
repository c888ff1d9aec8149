"""Migration 0020 (capture): a form's campaign becomes a foreign key, on SQLite (batch mode: the
table is rebuilt) and PostgreSQL. The rows that point at the forms survive the rebuild, and a
form naming a campaign that does not exist (what the lead rules would refuse) loses it."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from leadline.domain.errors import ValidationError
from leadline.persistence.schema import alembic_config, upgrade_to_head
from leadline.services.campaigns.records import create_campaign
from leadline.services.capture import forms
from leadline.services.capture.submissions import Outcome
from leadline.services.context import ServiceContext
from tests.conftest import FakeClock
from tests.integration.test_capture import _form, _post


def _column(engine: Engine, sql: str) -> list[object]:
    with engine.connect() as connection:
        return list(connection.execute(text(sql)).scalars())


def test_the_forms_campaign_becomes_a_foreign_key_and_nothing_pointing_at_forms_is_lost(
        engine: Engine, ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    campaign = create_campaign(ctx, admin_id, {"name": "Spring", "type": "webinar"})
    form = _form(ctx, admin_id, campaign_id=str(campaign.id))
    created = _post(ctx, clock, form)
    held = _post(ctx, clock, form, website_url="bot", last_name="Bot")
    assert created.outcome is Outcome.CREATED and held.outcome is Outcome.QUARANTINED
    orphan = _form(ctx, admin_id, name="Orphan")

    command.downgrade(alembic_config(engine), "0019")
    with engine.begin() as connection:
        connection.execute(text("UPDATE capture_forms SET campaign_id = 999 WHERE id = :id"), {"id": orphan.id})
    upgrade_to_head(engine)

    assert dict(zip(_column(engine, "SELECT id FROM capture_forms ORDER BY id"),
                    _column(engine, "SELECT campaign_id FROM capture_forms ORDER BY id"), strict=True)) == {
        form.id: campaign.id, orphan.id: None}
    assert _column(engine, "SELECT form_id FROM lead_captures") == [form.id]
    assert _column(engine, "SELECT id FROM capture_quarantine") == [held.quarantine_id]
    keys = inspect(engine).get_foreign_keys("capture_forms")
    assert {"campaigns"} <= {k["referred_table"] for k in keys}
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("UPDATE capture_forms SET campaign_id = 999 WHERE id = :id"), {"id": form.id})
    command.downgrade(alembic_config(engine), "0019")  # and back: still nothing lost
    assert _column(engine, "SELECT form_id FROM lead_captures") == [form.id]
    assert _column(engine, "SELECT id FROM capture_quarantine") == [held.quarantine_id]
    upgrade_to_head(engine)


def test_a_form_naming_an_unknown_campaign_is_refused(ctx: ServiceContext, admin_id: int) -> None:
    with pytest.raises(ValidationError) as refused:
        forms.add_form(ctx, admin_id, {"name": "Contact", "campaign_id": "999"})
    assert refused.value.field == "campaign_id"
