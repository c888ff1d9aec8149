"""The leads list's filters as a user names them: each bad value refused naming its parameter,
the days created turned into moments, and the round trip through storage's plain form."""

from __future__ import annotations

from datetime import date

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.saved_views import LeadViewFilters, SavedView, ViewList, clean_view_name
from tests.unit.builders import NOW, raises_error


@pytest.mark.parametrize(("given", "field"), [
    ({"rating": ["scorching"]}, "rating"), ({"created_from": "2026-13-01"}, "created_from"),
    ({"created_to": "0001-01-01"}, "created_to"), ({"created_from": "2026-03-02", "created_to": "2026-03-01"},
                                                   "created_from"),
    ({"sort": "-email"}, "sort"), ({"q": "x" * 201}, "q"),
])
def test_bad_filters_are_refused_naming_the_parameter(given: dict[str, object], field: str) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
        LeadViewFilters.parse(**given)  # type: ignore[arg-type]


def test_the_created_days_include_both_ends() -> None:
    low, high = LeadViewFilters(created_from=date(2026, 3, 1), created_to=date(2026, 3, 1)).created_bounds()
    assert (low.isoformat() if low else None, high.isoformat() if high else None) == \
        ("2026-03-01T00:00:00+00:00", "2026-03-02T00:00:00+00:00")


def test_filters_survive_their_plain_form_for_storage() -> None:
    filters = LeadViewFilters.parse(status=["Open", " ", "Open"], owner=["ada@example.com"], rating=["warm"],
                                    created_to="2026-02-28", q=" o'brien ", sort="company")

    assert filters.statuses == ("Open",) and filters.search == "o'brien"
    assert LeadViewFilters.from_data(filters.as_data()) == filters


def test_a_views_name_is_stripped_and_compared_whatever_its_case() -> None:
    view = SavedView(1, 2, ViewList.LEADS, clean_view_name("  Hot leads "), LeadViewFilters(), NOW)

    assert view.name == "Hot leads" and view.is_named("HOT LEADS") and not view.is_named("Hot")
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="name"):
        clean_view_name("x" * 81)
