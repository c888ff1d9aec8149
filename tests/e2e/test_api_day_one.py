"""Day-one API behaviour (issue 13): an admin's forecast is the organisation's; a past purchase
timeframe is accepted with a warning."""

from __future__ import annotations

from tests.e2e.api_support import Caller
from tests.e2e.test_api_forecast import Team, book, by_hand, totals  # noqa: F401 - the book fixture


def test_an_admins_forecast_is_the_organisations_by_the_top_of_the_hierarchy(book: Team) -> None:  # noqa: F811
    whole = book.admin("GET", "/forecast", params={"period": "2026-Q1"}).json()
    # ann: won 1000, commit 2000, best case 4000; bob: best case 600, 100 GBP unconverted; oz: won 3000
    assert (whole["scope"], whole["forecast"]["user_id"]) == ("organisation", None)
    assert totals(whole["forecast"]) == by_hand(4000, 6000, 10600, 10600)
    assert whole["unconverted"] == [{"currency": "GBP", "count": 1}]
    assert [(r["user_id"], totals(r)) for r in whole["reports"]] == sorted([
        (book.ids["mia"], by_hand(1000, 3000, 7600, 7600)), (book.ids["oz"], by_hand(3000, 3000, 3000, 3000))],
        key=lambda line: int(line[0]))
    assert sorted(o["user_id"] for o in whole["owners"]) == sorted(book.ids[n] for n in ("ann", "bob", "oz"))
    mine = book.admin("GET", "/forecast", params={"period": "2026-Q1", "user": book.ids["admin"]}).json()
    assert (mine["scope"], totals(mine["forecast"])) == ("user", by_hand(0, 0, 0, 0))
    assert book.mia("GET", "/forecast", params={"period": "2026-Q1"}).json()["scope"] == "user"


def test_a_lead_captured_with_a_past_timeframe_answers_201_with_a_warning(admin: Caller) -> None:
    created = admin("POST", "/leads", json={"last_name": "Late", "company": "Past", "purchase_timeframe": "2026-03-01"})
    assert created.status_code == 201, created.text
    assert (created.json()["purchase_timeframe"], created.json()["warnings"]) == ("2026-03-01", [
        {"field": "purchase_timeframe", "code": "TIMEFRAME_IN_PAST",
         "message": "2026-03-01 is in the past: check the date the buyer plans to buy"}])  # the clock: 2026-03-02
    changed = admin("PATCH", f"/leads/{created.json()['id']}", json={"purchase_timeframe": "2026-09-30"})
    assert changed.status_code == 200 and changed.json()["warnings"] == []
    assert admin("POST", "/leads", json={"last_name": "Soon", "company": "Future",
                                         "purchase_timeframe": "2026-03-02"}).json()["warnings"] == []
