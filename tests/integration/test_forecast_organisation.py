"""An admin's forecast is the whole organisation's, broken down by the top of the role hierarchy
(issue 13), on the hand-computed book of test_forecast."""

from __future__ import annotations

from decimal import Decimal

from leadline.analytics.forecast import forecast_for
from leadline.domain.forecast import CategorySums, top_of_hierarchy
from leadline.domain.opportunities.opportunity import ForecastCategory as C
from leadline.domain.opportunities.opportunity import Outcome
from leadline.services.context import ServiceContext
from leadline.services.forecast.adjustments import adjust_forecast
from leadline.services.forecast.settings import set_quota
from tests.integration.test_forecast import book, team, totals  # noqa: F401 - the fixtures


def test_an_admins_forecast_is_the_organisations_by_the_top_of_the_hierarchy(
        ctx: ServiceContext, book: dict[str, int]) -> None:  # noqa: F811
    report = forecast_for(ctx, book["admin"], "2026-Q4")
    # rep_a: won 1000, commit 2000, pipeline 4000; rep_b: best case 600 (500 EUR), 100 GBP without a
    # rate; the outsider: won 3000. Cumulative: 4000, 6000, 6600, 10600.
    assert (report.scope, report.forecast.user_id) == ("organisation", None)
    assert totals(report.forecast) == {C.CLOSED: 4000, C.COMMIT: 6000, C.BEST_CASE: 6600, C.PIPELINE: 10600}
    assert report.forecast.weighted == Decimal("2200")  # 2000 x 75 % + 4000 x 10 % + 600 x 50 %
    assert report.unconverted == [("GBP", 1)]
    heads = {f.user_id: totals(f)[C.PIPELINE] for f in report.reports}
    assert heads == {book["manager"]: 7600, book["outsider"]: 3000}  # the admin owns nothing, manages nobody
    assert sum(heads.values()) == report.forecast.totals[C.PIPELINE]
    assert {f.user_id for f in report.owners} == {book["rep_a"], book["rep_b"], book["outsider"]}


def test_an_admin_naming_a_user_gets_that_users_forecast_and_adjusts_their_own_by_default(
        ctx: ServiceContext, book: dict[str, int]) -> None:  # noqa: F811
    named = forecast_for(ctx, book["admin"], "2026-Q4", user="mia@example.com")
    assert (named.scope, named.forecast.user_id, totals(named.forecast)[C.PIPELINE]) == ("user", book["manager"], 7600)
    assert forecast_for(ctx, book["manager"], "2026-Q4").scope == "user"  # a manager: their team, as before
    assert adjust_forecast(ctx, book["admin"], "", "2026-Q4", "commit", "5").user_id == book["admin"]


def test_the_top_of_the_hierarchy_is_who_reports_to_nobody_and_has_a_team_or_figures() -> None:
    sums = [CategorySums(4, Outcome.OPEN, C.PIPELINE, Decimal(1), Decimal(0), 1)]
    assert top_of_hierarchy({1: None, 2: 1, 3: None, 4: None, 5: 2}, sums) == [1, 4]


def test_each_owners_line_carries_its_own_quota_and_adjustments_only(
        ctx: ServiceContext, book: dict[str, int]) -> None:  # noqa: F811
    """By hand: rep_a's commit (won 1000 + commit 2000 = 3000) adjusted twice, the latest (2500)
    applying; a 1000 best case adjustment on the manager's team; quotas on rep_a and the outsider."""
    adjust_forecast(ctx, book["manager"], "ann@example.com", "2026-Q4", "commit", "2800")
    adjust_forecast(ctx, book["manager"], "ann@example.com", "2026-Q4", "commit", "2500")
    adjust_forecast(ctx, book["admin"], "mia@example.com", "2026-Q4", "best_case", "1000")
    set_quota(ctx, book["admin"], "ann@example.com", "2026-Q4", "4000")
    set_quota(ctx, book["admin"], "oz@example.com", "2026-Q4", "6000")
    report = forecast_for(ctx, book["admin"], "2026-Q4")
    owners = {f.user_id: f for f in report.owners}
    ann, bob, oz = owners[book["rep_a"]], owners[book["rep_b"]], owners[book["outsider"]]
    assert (ann.total(C.COMMIT), ann.totals[C.COMMIT], ann.adjusted) == (2500, 3000, {C.COMMIT: Decimal("2500")})
    assert (ann.quota, ann.attainment, ann.weighted) == (4000, Decimal("25.0"), Decimal("1900"))
    assert (bob.adjusted, bob.quota, totals(bob)) == ({}, None, {C.CLOSED: 0, C.COMMIT: 0, C.BEST_CASE: 600,
                                                                C.PIPELINE: 600})
    assert (oz.adjusted, oz.quota, oz.attainment) == ({}, 6000, Decimal("50.0"))
    heads = {f.user_id: f for f in report.reports}
    assert (heads[book["manager"]].total(C.BEST_CASE), heads[book["manager"]].totals[C.BEST_CASE]) == (1000, 3600)
    assert (heads[book["outsider"]].adjusted, heads[book["outsider"]].quota) == ({}, 6000)
    assert report.forecast.adjusted == {} and report.forecast.totals[C.COMMIT] == 6000
