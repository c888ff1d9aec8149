"""Selling opportunities and the forecast through HTTP, on both databases, with figures worked out
by hand: stage moves and overrides, closing and reopening, the forecast rolled up through the role
hierarchy under record-level security, adjustments, snapshots and accuracy, quotas, exchange
rates, deals, hygiene and the fiscal year. The clock is pinned at 2026-03-02 (fiscal 2026-Q1)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance

from leadline.services.context import ServiceContext
from leadline.services.security import users
from tests.e2e.api_support import Caller, make_app, token_for
from tests.e2e.test_api import assert_problem

CATEGORIES = ("closed", "commit", "best_case", "pipeline")


def opportunity(caller: Caller, amount: str | None, close: str, stage: str = "Prospecting", **more: Any) -> Any:
    account = caller("POST", "/accounts", json={"name": f"Acct {amount}"}).json()
    created = caller("POST", "/opportunities", json={"account_id": account["id"], "name": f"Deal {amount}",
                                                     "amount": amount, "close_date": close, "stage": stage, **more})
    assert created.status_code == 201, created.text
    return created.json()


def closed(caller: Caller, outcome: str, amount: str, close: str, **more: Any) -> Any:
    """An opportunity closed today (2026-03-02), whatever close date it had."""
    found = opportunity(caller, amount, close, "Negotiation", **more)
    done = caller("POST", f"/opportunities/{found['id']}/close", json={"outcome": outcome, "reason": "Price"})
    assert done.status_code == 200, done.text
    return done.json()


def totals(forecast: dict[str, Any]) -> dict[str, Decimal]:
    return {c: Decimal(forecast["categories"][c]["total"]) for c in CATEGORIES}


def by_hand(closed_: int, commit: int, best_case: int, pipeline: int) -> dict[str, Decimal]:
    return dict(zip(CATEGORIES, map(Decimal, (closed_, commit, best_case, pipeline)), strict=True))


def test_a_stage_move_takes_the_stages_figures_unless_overridden_until_cleared(admin: Caller) -> None:
    deal = opportunity(admin, "1000", "2026-03-20")
    path = f"/opportunities/{deal['id']}"
    moved = admin("POST", f"{path}/stage", json={"stage": "Proposal/Quote"}, headers={"If-Match": '"v1"'})
    assert moved.status_code == 200, moved.text
    assert (moved.json()["probability"], moved.json()["forecast_category"], moved.headers["etag"]) == (
        50, "best_case", '"v2"')
    assert_problem(admin("POST", f"{path}/stage", json={"stage": "Order"}, headers={"If-Match": '"v1"'}),
                   412, "STALE_RECORD")
    overridden = admin("PUT", f"{path}/forecast-override", json={"probability": 65, "forecast_category": "commit"})
    assert (overridden.json()["probability"], overridden.json()["forecast_category"]) == (65, "commit")
    kept = admin("POST", f"{path}/stage", json={"stage": "Needs Analysis"}).json()
    assert (kept["probability"], kept["forecast_category"], kept["stage_id"]) == (65, "commit", stage_id(
        admin, "Needs Analysis"))
    cleared = admin("DELETE", f"{path}/forecast-override", headers={"If-Match": f'"v{kept["version"]}"'})
    assert cleared.status_code == 200, cleared.text
    assert (cleared.json()["probability"], cleared.json()["forecast_category"]) == (30, "pipeline")
    read = admin("GET", path).json()
    assert read.pop("score_note", None) is not None  # a single record's read says why it has no score
    assert read == cleared.json()
    override, stage = ("PUT", "forecast-override"), ("POST", "stage")
    for (method, action), body, field in [
        (override, {}, "probability"), (override, {"probability": 101}, "probability"),
        (override, {"forecast_category": "closed"}, "forecast_category"),
        (stage, {"stage": "Closed Won"}, "stage"), (stage, {"stage": "Nowhere"}, "stage")]:
        assert_problem(admin(method, f"{path}/{action}", json=body), 422, "VALIDATION_FAILED", field)


def stage_id(caller: Caller, label: str) -> str:
    return next(str(s["id"]) for s in caller("GET", "/config/stages").json() if s["label"] == label)


def reason_id(caller: Caller, label: str) -> str:
    reasons = caller("GET", "/config/reasons", params={"kind": "opportunity_lost"}).json()
    return next(r["id"] for r in reasons if r["label"] == label)


def test_a_patch_sets_the_reps_overrides_which_stage_moves_keep_and_a_closed_opportunity_refuses(
    admin: Caller,
) -> None:
    deal = opportunity(admin, "1000", "2026-03-20")
    path = f"/opportunities/{deal['id']}"
    flags = ("probability", "forecast_category", "probability_overridden", "forecast_category_overridden")
    assert [deal[k] for k in flags] == [10, "pipeline", False, False]
    patched = admin("PATCH", path, json={"probability": 40, "forecast_category": "Best Case"})
    assert patched.status_code == 200, patched.text
    assert [patched.json()[k] for k in flags] == [40, "best_case", True, True]
    kept = admin("POST", f"{path}/stage", json={"stage": "Negotiation"}).json()
    assert [kept[k] for k in flags] == [40, "best_case", True, True]
    assert admin("PATCH", path, json={"probability": 0}).json()["probability"] == 0
    for body, field in [({"probability": 101}, "probability"), ({"probability": None}, "probability"),
                        ({"forecast_category": "closed"}, "forecast_category"),
                        ({"forecast_category": "hopeful"}, "forecast_category")]:
        assert_problem(admin("PATCH", path, json=body), 422, "VALIDATION_FAILED", field)
    create = {"account_id": deal["account_id"], "name": "Set by the stage", "probability": 5}
    assert_problem(admin("POST", "/opportunities", json=create), 422, "VALIDATION_FAILED", "probability")
    lost = admin("POST", f"{path}/close", json={"outcome": "lost", "reason": "competitor"}).json()
    assert [lost[k] for k in flags] == [0, "omitted", False, False]  # closing takes the closed stage's figures
    assert_problem(admin("PATCH", path, json={"forecast_category": "commit"}), 409, "OPPORTUNITY_CLOSED")
    read = admin("GET", path).json()
    assert (read["loss_reason_id"], read["outcome"], read["closed_at"][:10]) == (
        reason_id(admin, "Competitor"), "lost", "2026-03-02")


def test_closing_needs_a_positive_amount_to_win_a_reason_to_lose_and_only_reopening_changes_it(admin: Caller) -> None:
    deal = opportunity(admin, None, "2026-03-20", "Negotiation")
    path = f"/opportunities/{deal['id']}"
    for body, code, field in [({"outcome": "won"}, "VALIDATION_FAILED", "amount"),
                              ({"outcome": "won", "amount": "0"}, "VALIDATION_FAILED", "amount"),
                              ({"outcome": "won", "amount": "lots"}, "VALIDATION_FAILED", "amount"),
                              ({"outcome": "lost", "reason": "Price", "amount": "10"}, "VALIDATION_FAILED", "amount"),
                              ({"outcome": "lost"}, "REASON_REQUIRED", "reason"),
                              ({"outcome": "lost", "reason": "Bored"}, "VALIDATION_FAILED", "reason"),
                              ({"outcome": "maybe"}, "VALIDATION_FAILED", "outcome")]:
        assert_problem(admin("POST", f"{path}/close", json=body), 422, code, field)
    lost = admin("POST", f"{path}/close", json={"outcome": "lost", "reason": "price", "comment": "Too dear"})
    assert lost.status_code == 200, lost.text
    assert {k: lost.json()[k] for k in ("outcome", "probability", "forecast_category", "close_date", "loss_reason",
                                         "loss_reason_id", "stage_id", "amount")} == {
        "outcome": "lost", "probability": 0, "forecast_category": "omitted", "close_date": "2026-03-02",
        "loss_reason": "Too dear", "loss_reason_id": reason_id(admin, "Price"), "stage_id": stage_id(
            admin, "Closed Lost"), "amount": None}
    for method, action, body in [("POST", "stage", {"stage": "Order"}), ("PUT", "forecast-override",
                                  {"probability": 5}), ("POST", "close", {"outcome": "lost", "reason": "Price"})]:
        assert_problem(admin(method, f"{path}/{action}", json=body), 409, "OPPORTUNITY_CLOSED")
    reopened = admin("POST", f"{path}/reopen", json={})
    assert {k: reopened.json()[k] for k in ("outcome", "probability", "forecast_category", "closed_at",
                                             "loss_reason_id")} == {
        "outcome": "open", "probability": 75, "forecast_category": "commit", "closed_at": None, "loss_reason_id": None}
    assert_problem(admin("POST", f"{path}/reopen", json={}), 422, "VALIDATION_FAILED", "stage")
    key = {"Idempotency-Key": "win-1"}
    won = admin("POST", f"{path}/close", json={"outcome": "won", "amount": "2500"}, headers=key)
    again = admin("POST", f"{path}/close", json={"outcome": "won", "amount": "2500"}, headers=key)
    assert won.status_code == again.status_code == 200, again.text
    assert (won.json()["outcome"], won.json()["forecast_category"], won.json()["probability"], won.json()["amount"]) \
        == ("won", "closed", 100, "2500.00")  # the final amount, set by the close itself
    assert again.json() == won.json() and again.headers["idempotent-replayed"] == "true"
    history = {(h["field"], h["new_value"]) for h in admin("GET", f"{path}/history").json()}
    assert {("amount", "2500"), ("outcome", "won")} <= history
    back = admin("POST", f"{path}/reopen", json={"stage": "Order"}).json()
    assert (back["outcome"], back["probability"]) == ("open", 90)


def test_an_opportunity_created_lost_needs_a_reason_from_the_list(admin: Caller) -> None:
    account = admin("POST", "/accounts", json={"name": "History Inc"}).json()["id"]
    body = {"account_id": account, "name": "Lost last year", "amount": "900", "close_date": "2025-06-30",
            "stage": "Closed Lost"}
    assert_problem(admin("POST", "/opportunities", json=body), 422, "REASON_REQUIRED", "loss_reason_id")
    assert_problem(admin("POST", "/opportunities", json={**body, "loss_reason_id": "Bored"}), 422,
                   "VALIDATION_FAILED", "loss_reason_id")
    created = admin("POST", "/opportunities", json={**body, "loss_reason_id": "timing"})
    assert created.status_code == 201, created.text
    assert (created.json()["outcome"], created.json()["loss_reason_id"]) == ("lost", reason_id(admin, "Timing"))
    assert_problem(admin("PATCH", f"/opportunities/{created.json()['id']}", json={"loss_reason_id": "Price"}), 422,
                   "VALIDATION_FAILED")  # changing the reason is reopening and closing again


def test_a_peer_cannot_see_a_private_opportunity_nor_change_one_shared_read_only(
    client: TestClient[Any], ctx: ServiceContext, admin_id: int, admin: Caller
) -> None:
    team = make_team(client, ctx, admin_id)
    deal = opportunity(team.ann, "1000", "2026-03-20")
    path = f"/opportunities/{deal['id']}"
    actions = [("POST", "stage", {"stage": "Order"}), ("PUT", "forecast-override", {"probability": 5}),
               ("DELETE", "forecast-override", None), ("POST", "close", {"outcome": "lost", "reason": "Price"}),
               ("POST", "reopen", {})]
    for method, action, body in actions:
        assert_problem(team.bob(method, f"{path}/{action}", json=body), 404, "NOT_FOUND")
    assert admin("PATCH", "/config/sharing/opportunity", json={"access": "public_read_only"}).status_code == 200
    for method, action, body in actions:
        assert_problem(team.bob(method, f"{path}/{action}", json=body), 403, "PERMISSION_DENIED")
    assert team.mia("POST", f"{path}/stage", json={"stage": "Order"}).json()["probability"] == 90


@dataclass
class Team:
    """mia manages ann and bob; oz reports to nobody; ``ids`` by name."""

    admin: Caller
    mia: Caller
    ann: Caller
    bob: Caller
    oz: Caller
    ids: dict[str, str]


def make_team(client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> Team:
    mia = users.add_user(ctx, admin_id, name="Mia", email="mia@example.com", role="manager").id
    ids = {"admin": admin_id, "mia": mia, **{name: users.add_user(
        ctx, admin_id, name=name.title(), email=f"{name}@example.com", manager=manager).id
        for name, manager in (("ann", mia), ("bob", mia), ("oz", None))}}
    callers = {name: Caller(client, token_for(ctx, admin_id, uid)) for name, uid in ids.items()}
    return Team(**callers, ids={name: str(uid) for name, uid in ids.items()})


@pytest.fixture
def book(client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> Team:
    """2026-Q1 by hand (fiscal year = calendar year):
    ann: won 1000; commit 2000 (Negotiation 75 %); 4000 in Prospecting overridden to best case at
         25 %; lost 8000; a Q2 commit 16000 (out of the period)
    bob: best case 500 EUR (Proposal 50 %) at 1.20 from 2026-01-01 = 600 USD; won 100 GBP, no rate
    oz:  won 3000. A lead of ann's with a budget never counts.
    """
    team = make_team(client, ctx, admin_id)
    for valid_from, rate in (("2025-01-01", "1.10"), ("2026-01-01", "1.20")):
        assert team.admin("PUT", f"/config/exchange-rates/EUR/{valid_from}", json={"rate": rate}).status_code == 200
    closed(team.ann, "won", "1000", "2026-03-20")
    opportunity(team.ann, "2000", "2026-03-25", "Negotiation")
    hopeful = opportunity(team.ann, "4000", "2026-03-31")
    team.ann("PUT", f"/opportunities/{hopeful['id']}/forecast-override",
             json={"probability": 25, "forecast_category": "best_case"})
    closed(team.ann, "lost", "8000", "2026-03-10")
    opportunity(team.ann, "16000", "2026-04-10", "Negotiation")
    opportunity(team.bob, "500", "2026-03-15", "Proposal/Quote", currency="EUR")
    closed(team.bob, "won", "100", "2026-03-05", currency="GBP")
    closed(team.oz, "won", "3000", "2026-03-30")
    team.ann("POST", "/leads", json={"last_name": "Never", "company": "Counted", "budget_amount": "99999"})
    return team


def test_a_reps_forecast_and_a_managers_team_roll_up_by_hand(book: Team) -> None:
    mine = book.ann("GET", "/forecast", params={"period": "2026-Q1"}).json()
    assert totals(mine["forecast"]) == by_hand(1000, 3000, 7000, 7000)
    assert mine["forecast"]["categories"]["closed"] == {"computed": "1000.00", "adjusted": None,
                                                        "total": "1000.00"}
    assert (Decimal(mine["forecast"]["weighted"]), mine["forecast"]["open_count"], mine["forecast"]["won_count"]) \
        == (Decimal(2500), 2, 1)  # 2000 x 75 % + 4000 x 25 %
    assert (mine["period"], mine["currency"], mine["unconverted"]) == (
        {"label": "2026-Q1", "kind": "quarter", "start": "2026-01-01", "end": "2026-04-01"}, "USD", [])
    team = book.mia("GET", "/forecast").json()  # this-quarter by default
    assert team["period"]["label"] == "2026-Q1"
    assert totals(team["forecast"]) == by_hand(1000, 3000, 7600, 7600)
    assert Decimal(team["forecast"]["weighted"]) == Decimal(2800)  # + 600 x 50 %
    assert team["unconverted"] == [{"currency": "GBP", "count": 1}]
    assert [(r["user_id"], totals(r)) for r in team["reports"]] == [
        (book.ids["ann"], by_hand(1000, 3000, 7000, 7000)), (book.ids["bob"], by_hand(0, 0, 600, 600))]
    assert sorted(o["user_id"] for o in team["owners"]) == sorted([book.ids["ann"], book.ids["bob"]])
    assert totals(book.admin("GET", "/forecast", params={"user": "oz@example.com"}).json()["forecast"]) == \
        by_hand(3000, 3000, 3000, 3000)
    assert totals(book.mia("GET", "/forecast", params={"user": book.ids["ann"]}).json()["forecast"]) == \
        by_hand(1000, 3000, 7000, 7000)  # a report's, as ann sees it
    for asking, whose in (("bob", "ann"), ("ann", "mia"), ("oz", "mia")):  # a peer, a manager, a stranger
        refused = getattr(book, asking)("GET", "/forecast", params={"user": book.ids[whose]})
        assert_problem(refused, 403, "PERMISSION_DENIED", "user")
    assert totals(book.ann("GET", "/forecast", params={"period": "2026-Q2"}).json()["forecast"]) == \
        by_hand(0, 16000, 16000, 16000)
    assert_problem(book.ann("GET", "/forecast", params={"period": "2026-13"}), 422, "VALIDATION_FAILED", "period")
    assert_problem(book.ann("GET", "/forecast", params={"user": "9" * 20}), 422, "VALIDATION_FAILED", "user")
    assert_problem(book.ann("GET", "/forecast", params={"user": "ghost@example.com"}), 404, "NOT_FOUND")


def test_a_quota_gives_attainment_and_is_set_by_a_manager(book: Team) -> None:
    quota = book.mia("PUT", "/forecast/quotas/ann@example.com/2026-Q1", json={"amount": "4000"})
    assert quota.status_code == 200, quota.text
    assert quota.json()["quotas"] == [{"user_id": book.ids["ann"], "amount": "4000.00"}]
    assert_problem(book.bob("PUT", "/forecast/quotas/ann@example.com/2026-Q1", json={"amount": "1"}), 403,
                   "PERMISSION_DENIED")
    assert_problem(book.mia("PUT", "/forecast/quotas/ann@example.com/2026-Q1", json={"amount": "-1"}), 422,
                   "VALIDATION_FAILED", "amount")
    forecast = book.ann("GET", "/forecast", params={"period": "this-quarter"}).json()["forecast"]
    assert (forecast["quota"], forecast["attainment"]) == ("4000.00", "25.0")  # 1000 won of 4000
    assert book.ann("GET", "/forecast/quotas").json()["quotas"] == quota.json()["quotas"]
    assert book.oz("GET", "/forecast/quotas", params={"period": "2026-Q1"}).json()["quotas"] == []


def test_an_adjustment_keeps_the_computed_figure_and_a_snapshot_is_compared_with_what_closed(book: Team) -> None:
    body = {"user": "ann@example.com", "period": "2026-Q1", "category": "commit", "amount": "2500", "note": "risky"}
    assert_problem(book.ann("POST", "/forecast/adjustments", json=body), 403, "PERMISSION_DENIED")
    assert_problem(book.mia("POST", "/forecast/adjustments", json={**body, "category": "closed"}), 422,
                   "VALIDATION_FAILED", "category")
    assert_problem(book.mia("POST", "/forecast/adjustments", json={**body, "amount": "lots"}), 422,
                   "VALIDATION_FAILED", "amount")
    adjusted = book.mia("POST", "/forecast/adjustments", json=body)
    assert adjusted.status_code == 201, adjusted.text
    assert {k: adjusted.json()[k] for k in ("user_id", "period", "category", "amount", "original", "adjusted_by")} \
        == {"user_id": book.ids["ann"], "period": "2026-Q1", "category": "commit", "amount": "2500.00",
            "original": "3000.00", "adjusted_by": book.ids["mia"]}
    commit = book.ann("GET", "/forecast", params={"period": "2026-Q1"}).json()["forecast"]["categories"]["commit"]
    assert commit == {"computed": "3000.00", "adjusted": "2500.00", "total": "2500.00"}

    snapshot = book.admin("POST", "/forecast/snapshots", json={"period": "2026-Q1"})
    assert snapshot.status_code == 201, snapshot.text
    assert (snapshot.json()["figures"], snapshot.json()["period"]["label"]) == (5 * 4, "2026-Q1")  # 5 users
    commit_deal = next(o for o in book.ann("GET", "/opportunities").json()["items"] if o["amount"] == "2000.00")
    book.ann("POST", f"/opportunities/{commit_deal['id']}/close", json={"outcome": "won"})
    listed = book.admin("GET", "/forecast/snapshots", params={"period": "2026-Q1"}).json()
    assert [(s["id"], s["figures"]) for s in listed] == [(snapshot.json()["id"], 20)]
    assert book.admin("GET", "/forecast/snapshots", params={"period": "2026-Q2"}).json() == []
    lines = book.mia("GET", f"/forecast/snapshots/{snapshot.json()['id']}/accuracy").json()["lines"]
    ann = {line["category"]: line for line in lines if line["user_id"] == book.ids["ann"]}
    assert {k: ann["commit"][k] for k in ("forecast", "actual", "accuracy")} == {
        "forecast": "2500.00", "actual": "3000.00", "accuracy": "83.3"}  # 100 - 500 / 3000
    assert (ann["closed"]["difference"], ann["closed"]["accuracy"]) == ("2000.00", "33.3")  # 1000 of 3000
    # the pipeline as expected, won 1000 + weighted 2500 = 3500 against 3000 won (its 7000 in all: 0 %)
    assert (ann["pipeline"]["basis"], Decimal(ann["pipeline"]["forecast"]), ann["pipeline"]["accuracy"]) == (
        "weighted", 3500, "83.3")
    assert {line["user_id"] for line in lines} == {book.ids[n] for n in ("mia", "ann", "bob")}
    assert_problem(book.mia("GET", "/forecast/snapshots/12345/accuracy"), 404, "NOT_FOUND")

    team = book.mia("POST", "/forecast/snapshots", json={"period": "2026-Q1"}).json()
    assert team["figures"] == 3 * 4  # mia, ann and bob
    assert [(s["id"], s["figures"]) for s in book.oz("GET", "/forecast/snapshots").json()] == [
        (snapshot.json()["id"], 4)]  # oz's own figures in the admin's; none in mia's
    assert [s["id"] for s in book.bob("GET", "/forecast/snapshots").json()] == [snapshot.json()["id"], team["id"]]
    assert_problem(book.oz("GET", f"/forecast/snapshots/{team['id']}/accuracy"), 404, "NOT_FOUND", "snapshot")
    assert {line["user_id"] for line in book.oz(
        "GET", f"/forecast/snapshots/{snapshot.json()['id']}/accuracy").json()["lines"]} == {book.ids["oz"]}


def test_deals_are_booked_revenue_and_hygiene_finds_overdue_pushed_and_stuck_deals(book: Team, clock: Any) -> None:
    deals = book.admin("GET", "/deals", params={"period": "2026-Q1", "by": "owner"}).json()
    assert [(d["key"], d["count"], d["amount"]) for d in deals["lines"]] == [
        ("Oz", 1, "3000.00"), ("Ann", 1, "1000.00"), ("Bob (GBP, no rate)", 1, "100.00")]
    assert [d["key"] for d in book.ann("GET", "/deals", params={"by": "account"}).json()["lines"]] == ["Acct 1000"]
    assert_problem(book.admin("GET", "/deals", params={"by": "colour"}), 422, "VALIDATION_FAILED", "by")
    late = opportunity(book.ann, "700", "2026-02-15")
    pushed = opportunity(book.ann, "800", "2026-03-20")
    book.ann("PATCH", f"/opportunities/{pushed['id']}", json={"close_date": "2026-04-15"})
    book.ann("PATCH", f"/opportunities/{pushed['id']}", json={"close_date": "2026-05-15"})
    found = book.ann("GET", "/pipeline/hygiene").json()
    assert [(o["id"], o["amount"], o["close_date"]) for o in found["overdue"]] == [
        (late["id"], "700.00", "2026-02-15")]
    assert found["pushed"] == [{"id": pushed["id"], "name": "Deal 800", "owner_id": book.ids["ann"], "pushes": 1}]
    assert [(p["id"], p["pushes"]) for p in book.ann("GET", "/pipeline/hygiene", params={"period_kind": "month"})
            .json()["pushed"]] == [(pushed["id"], 2)]
    assert found["stuck"] == []
    clock.advance(days=40)
    stuck = book.ann("GET", "/pipeline/hygiene", params={"stuck_days": 30}).json()["stuck"]
    assert {(s["name"], s["stage"], s["days"]) for s in stuck} >= {("Deal 800", "Prospecting", 40)}
    assert_problem(book.ann("GET", "/pipeline/hygiene", params={"period_kind": "week"}), 422, "VALIDATION_FAILED",
                   "period_kind")


def test_the_fiscal_year_and_exchange_rates_are_admin_configuration(
    client: TestClient[Any], ctx: ServiceContext, admin_id: int, admin: Caller
) -> None:
    team = make_team(client, ctx, admin_id)
    assert admin("GET", "/config/fiscal-year").json() == {"start_month": 1}
    assert_problem(team.ann("PUT", "/config/fiscal-year", json={"start_month": 11}), 403, "PERMISSION_DENIED")
    assert_problem(admin("PUT", "/config/fiscal-year", json={"start_month": 13}), 422, "VALIDATION_FAILED",
                   "start_month")
    assert admin("PUT", "/config/fiscal-year", json={"start_month": 11}).json() == {"start_month": 11}
    assert team.ann("GET", "/forecast").json()["period"] == {  # fiscal 2025 began 2025-11-01
        "label": "2025-Q2", "kind": "quarter", "start": "2026-02-01", "end": "2026-05-01"}
    rate = admin("PUT", "/config/exchange-rates/eur/2026-01-01", json={"rate": "1.2"}).json()
    assert (rate["currency"], rate["valid_from"], Decimal(rate["rate"])) == ("EUR", "2026-01-01", Decimal("1.2"))
    admin("PUT", "/config/exchange-rates/EUR/2026-01-01", json={"rate": "1.25"})
    assert [(r["currency"], r["valid_from"], Decimal(r["rate"])) for r in team.ann("GET", "/config/exchange-rates")
            .json()] == [("EUR", "2026-01-01", Decimal("1.25"))]
    for path, body, field in [("USD/2026-01-01", {"rate": "1"}, "currency"), ("EUR/2026-01-01", {"rate": "0"}, "rate"),
                              ("EUR/someday", {"rate": "1"}, "valid_from")]:
        assert_problem(admin("PUT", f"/config/exchange-rates/{path}", json=body), 422, "VALIDATION_FAILED", field)
    assert_problem(team.ann("PUT", "/config/exchange-rates/EUR/2026-02-01", json={"rate": "1"}), 403,
                   "PERMISSION_DENIED")
    assert admin("DELETE", "/config/exchange-rates/EUR/2026-01-01").status_code == 204
    assert_problem(admin("DELETE", "/config/exchange-rates/EUR/2026-01-01"), 404, "NOT_FOUND")
    assert admin("GET", "/config/exchange-rates").json() == []


OPPORTUNITY_ACTIONS = ("/stage", "/close", "/reopen", "/forecast-override")
NEW_PREFIXES = ("/api/v1/forecast", "/api/v1/deals", "/api/v1/pipeline", "/api/v1/config/fiscal-year",
                "/api/v1/config/exchange-rates")


def test_generated_requests_past_the_lookup_never_error(ctx: ServiceContext, engine: Any, admin: Caller) -> None:
    """As in test_api_properties, over this module's endpoints, with real records (an open and a
    closed opportunity, a snapshot, a user) and real values steered into generated requests so
    that they reach the use cases past the lookups."""
    real = {"opportunity_id": [opportunity(admin, "10", "2026-03-20")["id"],
                               closed(admin, "won", "20", "2026-03-20")["id"]],
            "snapshot_id": [admin("POST", "/forecast/snapshots", json={"period": "2026-Q1"}).json()["id"]],
            "period": ["2026", "2026-Q1", "2026-03", "this-quarter", "last-year"], "user": ["ada@example.com"],
            "amount": ["1200.50"], "category": ["commit"], "currency": ["EUR"], "valid_from": ["2026-01-01"],
            "rate": ["1.1"]}
    api = schemathesis.openapi.from_asgi("/api/v1/openapi.json", make_app(ctx, engine))
    operations = [r.ok() for r in api.get_all_operations()]
    chosen = [o for o in operations if o.path.endswith(OPPORTUNITY_ACTIONS) or o.path.startswith(NEW_PREFIXES)]
    assert len(chosen) == 19
    for operation in chosen:
        check(operation, {"Authorization": f"Bearer {admin.token}"}, real)


def check(operation: Any, headers: dict[str, str], real: dict[str, list[str]]) -> None:
    steering = st.fixed_dictionaries({name: st.sampled_from([*values, None]) for name, values in real.items()})

    @given(case=operation.as_strategy(), values=steering)
    @settings(max_examples=25, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def generated(case: Any, values: dict[str, str | None]) -> None:
        steer(case, values)
        case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance,
                                                         content_type_conformance])

    generated()


def steer(case: Any, values: dict[str, str | None]) -> None:
    """Put each chosen value where the generated case has a parameter or body field of its name."""
    for name, value in values.items():
        for part in (case.path_parameters, case.query, case.body):
            if value is not None and isinstance(part, dict) and name in part:
                part[name] = value
