"""List queries: a page holds from 1 to 500 records."""

from datetime import date
from decimal import Decimal

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.queries import MAX_PAGE_SIZE, Page, RecordQuery
from tests.unit.builders import raises_error


def test_a_page_holds_fifty_newest_first_by_default():
    page = Page()

    assert (page.limit, page.after, page.descending, page.sort) == (50, None, True, "id")


@pytest.mark.parametrize("limit", [1, MAX_PAGE_SIZE])
def test_a_page_limit_from_one_to_five_hundred_is_accepted(limit):
    assert Page(limit=limit).limit == limit


@pytest.mark.parametrize("limit", [0, -5, MAX_PAGE_SIZE + 1])
def test_a_page_limit_outside_one_to_five_hundred_is_refused(limit):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="limit") as caught:
        Page(limit=limit)

    assert "between 1 and 500" in caught.value.message


def test_a_cursor_round_trips_its_sort_value_and_id() -> None:
    from datetime import UTC, datetime
    from types import SimpleNamespace

    page = Page.parse(limit=10, sort="-created_at")
    record = SimpleNamespace(id=42, created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    following = Page.parse(limit=10, sort="-created_at", cursor=page.cursor_after(record))
    assert following.after == (record.created_at, 42)
    assert following.descending and following.sort == "created_at"


def test_a_cursor_of_another_order_or_garbage_is_refused_naming_the_cursor() -> None:
    from types import SimpleNamespace

    cursor = Page.parse(sort="last_name").cursor_after(SimpleNamespace(id=1, last_name="A"))
    for bad in (cursor, "not-a-cursor", ""):
        if not bad:
            continue
        with pytest.raises(ValidationError) as error:
            Page.parse(sort="-last_name", cursor=bad)
        assert error.value.field == "cursor"


def test_an_unknown_sort_field_is_refused() -> None:
    with pytest.raises(ValidationError) as error:
        Page.parse(sort="password")
    assert error.value.field == "sort"


@pytest.mark.parametrize(("values", "field"), [
    ({"outcomes": ("open", "maybe")}, "outcome"),
    ({"close_from": date(2026, 7, 1), "close_to": date(2026, 6, 30)}, "close_from"),
    ({"amount_from": Decimal("10"), "amount_to": Decimal("9.99")}, "amount_from"),
])
def test_an_opportunity_filter_that_cannot_match_is_refused_naming_it(values, field):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
        RecordQuery(**values)


def test_a_range_may_be_a_single_day_or_amount():
    query = RecordQuery(outcomes=("won",), close_from=date(2026, 6, 30), close_to=date(2026, 6, 30),
                        amount_from=Decimal(5), amount_to=Decimal(5))

    assert query.close_from == query.close_to and query.amount_from == query.amount_to


def _forged(*payload: object) -> str:
    import base64
    import json

    return base64.urlsafe_b64encode(json.dumps(list(payload)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(("sort", "payload"), [
    ("-id", ("id", True, float("inf"), 1)), ("-id", ("id", True, float("nan"), 1)),
    ("-id", ("id", True, 2**70, 1)), ("-id", ("id", True, 1, 2**70)), ("-id", ("id", True, 1, True)),
    ("-id", ("id", True, 1, 0)), ("-amount", ("amount", True, "NaN", 1)), ("-amount", ("amount", True, "1E+99", 1)),
    ("-close_date", ("close_date", True, "9999-12-31", 1)),
    ("-created_at", ("created_at", True, "0001-01-01T00:00:00+14:00", 1)),
    ("-created_at", ("created_at", True, "2026-01-01T00:00:00", 1)), ("-name", ("name", True, "a\x00", 1)),
])
def test_a_forged_cursor_is_refused_before_it_reaches_the_database(sort: str, payload: tuple[object, ...]) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="cursor"):
        Page.parse(sort=sort, cursor=_forged(*payload))


def test_a_time_filter_without_a_zone_or_outside_the_business_years_is_refused_naming_it() -> None:
    from datetime import UTC, datetime

    with raises_error(ValidationError, code="VALIDATION_FAILED", field="created_from"):
        RecordQuery(created_from=datetime(2026, 1, 1))
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="updated_to"):
        RecordQuery(updated_to=datetime(1, 1, 1, tzinfo=UTC))
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="close_to"):
        RecordQuery(close_to=date(9999, 12, 31))
