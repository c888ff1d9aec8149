"""How the field history writes each kind of value, as the record pages write it elsewhere
(web/values.py, one formatter per kind): a percentage "40 %", a choice without underscores, a
moment to the minute in UTC, a named value (an owner, a record) by its name, an amount as money."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.history import FieldChange
from leadline.web.values import history_values, moment_text, percent_text


def change(field: str, old: str | None, new: str | None, day: int = 2) -> FieldChange:
    return FieldChange(RecordType.OPPORTUNITY, 1, field, old, new, None, datetime(2026, 3, day, tzinfo=UTC))


def test_a_percentage_is_written_with_a_spaced_percent_sign_and_no_trailing_zeros() -> None:
    assert percent_text(40) == "40 %"
    assert percent_text(Decimal("12.50")) == "12.5 %"
    assert percent_text("100") == "100 %"
    assert percent_text(None) == "" and percent_text("") == ""
    assert percent_text("high") == "high"  # not a number: left as it is


def test_the_history_writes_each_value_as_the_record_page_does() -> None:
    history = [change("probability", "10", "40"), change("forecast_category", "pipeline", "best_case"),
               change("closed_at", None, "2026-03-02T09:30:00+00:00"),
               change("owner_id", "ada@x.example", "sam@x.example"), change("campaign_id", None, "77"),
               change("amount", "1000", "12500"), change("next_step", "call", "T-shirt")]
    names = {("owner_id", "sam@x.example"): "Sam Rivers", ("campaign_id", "77"): "Spring webinar"}
    shown = history_values(history, names, frozenset(), "USD")

    assert [(shown(c, c.old_value, False), shown(c, c.new_value, True)) for c in history] == [
        ("10 %", "40 %"), ("pipeline", "best case"), (None, "2026-03-02 09:30 UTC"),
        ("ada@x.example", "Sam Rivers"),  # a user no longer listed keeps what the history wrote
        (None, "Spring webinar"), ("1,000.00 USD", "12,500.00 USD"), ("call", "T-shirt")]


def test_a_moment_in_another_zone_is_written_in_utc() -> None:
    moment = change("converted_at", None, "2026-03-02T10:30:00+01:00")
    assert history_values([moment], {}, frozenset(), None)(moment, moment.new_value, True) == "2026-03-02 09:30 UTC"



def test_a_moment_without_a_time_zone_is_read_as_utc_whatever_the_servers_zone(monkeypatch: pytest.MonkeyPatch,
                                                                               ) -> None:
    monkeypatch.setenv("TZ", "Europe/Paris")
    time.tzset()
    try:
        assert moment_text(datetime(2026, 3, 2, 9, 30)) == "2026-03-02 09:30 UTC"
        assert moment_text(datetime(2026, 3, 2, 9, 30, tzinfo=UTC)) == "2026-03-02 09:30 UTC"
    finally:
        monkeypatch.undo()
        time.tzset()
