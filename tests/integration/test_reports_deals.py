"""Stages, velocity and the pipeline as of past dates against a known sequence of stage, amount
and close-date changes, on SQLite and PostgreSQL; amounts at the dated rate of each close date;
each viewer's report holding only the opportunities they may read."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from leadline.analytics.deals import stages_report, velocity_report
from leadline.analytics.pipeline_history import pipeline_report
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.forecast.settings import set_exchange_rate
from leadline.services.opportunities import lifecycle
from tests.conftest import FakeClock
from tests.integration.test_reports_funnel import on, team  # noqa: F401  (the fixture)


@pytest.fixture
def deals(ctx: ServiceContext, clock: FakeClock, team: dict[str, int]) -> dict[str, int]:  # noqa: F811
    """By hand (every change at 09:30 UTC; EUR is 1.20 from 2026-01-01 and 1.50 from 2026-04-01):
    P1 Ann, 1000 USD, close 2026-03-31: Prospecting Jan 10, Negotiation Jan 20, won Feb 10 (31 days)
    P2 Ann, 500 EUR, close 2026-02-28: Prospecting Jan 15; close date pushed to 2026-04-30 on Feb 1
    P3 Bob, 2000 USD, close 2026-03-15: Qualification Feb 1, lost Feb 15
    """
    a, b, admin = team["rep_a"], team["rep_b"], team["admin"]
    set_exchange_rate(ctx, admin, "EUR", "1.20", "2026-01-01")
    set_exchange_rate(ctx, admin, "EUR", "1.50", "2026-04-01")

    def opportunity(owner: int, name: str, amount: str, currency: str, close: str, stage: str) -> int:
        account = records.create_account(ctx, owner, {"name": f"{name} Inc"}).id
        return records.create_opportunity(ctx, owner, {"account_id": account, "name": name, "amount": amount,
                                                       "currency": currency, "close_date": close,
                                                       "stage": stage}).id
    on(clock, "2026-01-10")
    p1 = opportunity(a, "P1", "1000", "USD", "2026-03-31", "Prospecting")
    on(clock, "2026-01-15")
    p2 = opportunity(a, "P2", "500", "EUR", "2026-02-28", "Prospecting")
    on(clock, "2026-01-20")
    lifecycle.move_stage(ctx, a, p1, "Negotiation")
    on(clock, "2026-02-01")
    p3 = opportunity(b, "P3", "2000", "USD", "2026-03-15", "Qualification")
    records.update_record(ctx, a, "opportunity", p2, {"close_date": "2026-04-30"})
    on(clock, "2026-02-10")
    lifecycle.close_opportunity(ctx, a, p1, "won")
    on(clock, "2026-02-15")
    lifecycle.close_opportunity(ctx, b, p3, "lost", reason="Price")
    on(clock, "2026-03-02")
    return {"P1": p1, "P2": p2, "P3": p3}


def test_stage_to_stage_conversion_and_time_in_stage(
        ctx: ServiceContext, team: dict[str, int], deals: dict[str, int]) -> None:  # noqa: F811
    [process] = stages_report(ctx, team["admin"])

    assert (process.opportunities, process.won) == (3, 1)
    steps = {step.stage: step for step in process.steps}
    assert [(s.stage, s.reached, s.to_next) for s in process.steps] == [
        ("Prospecting", 3, Decimal("66.7")), ("Qualification", 2, Decimal("50.0")),
        ("Needs Analysis", 1, Decimal("100.0")), ("Proposal/Quote", 1, Decimal("100.0")),
        ("Negotiation", 1, Decimal("100.0")), ("Order", 1, Decimal("100.0"))]
    # stays that ended: P1 10 days in Prospecting (P2 is still there), P3 14 in Qualification, P1 21 in Negotiation
    assert (steps["Prospecting"].days.count, steps["Prospecting"].days.mean) == (1, Decimal("10.0"))
    assert steps["Qualification"].days.median == Decimal("14.0")
    assert steps["Negotiation"].days.mean == Decimal("21.0")
    assert steps["Order"].days.count == 0


def test_velocity_is_open_deals_times_win_rate_times_average_deal_over_the_cycle(
        ctx: ServiceContext, team: dict[str, int], deals: dict[str, int]) -> None:  # noqa: F811
    report = velocity_report(ctx, team["admin"])

    v = report.total.velocity
    assert (v.open_count, v.won_count, v.lost_count, v.win_rate) == (1, 1, 1, Decimal("50.0"))
    assert (v.average_deal, v.cycle_days) == (Decimal("1000.00"), Decimal("31.0"))
    assert v.per_day == Decimal("16.13")  # 1 x 50 % x 1000 / 31
    by_owner = {g.label: g.velocity for g in velocity_report(ctx, team["admin"], by="owner").groups}
    assert by_owner["Bob"].win_rate == Decimal("0.0") and by_owner["Ann"].open_count == 1
    assert velocity_report(ctx, team["admin"], period=(date(2026, 2, 11), None)).total.velocity.won_count == 0


def test_the_pipeline_as_of_a_past_date_is_rebuilt_from_the_history(
        ctx: ServiceContext, team: dict[str, int], deals: dict[str, int]) -> None:  # noqa: F811
    january = pipeline_report(ctx, team["admin"], as_of=date(2026, 1, 31))
    # P1 in Negotiation; P2 in Prospecting closing Feb 28, at 1.20
    assert [(line.stage, line.count, line.amount) for line in january.lines] == [
        ("Prospecting", 1, Decimal("600.00")), ("Negotiation", 1, Decimal("1000.00"))]

    february = pipeline_report(ctx, team["admin"], as_of=date(2026, 2, 12))
    # P1 won (not open); P2 pushed to Apr 30, at 1.50; P3 in Qualification
    assert [(line.stage, line.count, line.amount) for line in february.lines] == [
        ("Prospecting", 1, Decimal("750.00")), ("Qualification", 1, Decimal("2000.00"))]
    assert [row["name"] for row in february.largest] == ["P3", "P2"]
    assert pipeline_report(ctx, team["admin"], as_of=date(2026, 1, 9)).lines == []


def test_pipeline_changes_between_two_dates(
        ctx: ServiceContext, team: dict[str, int], deals: dict[str, int]) -> None:  # noqa: F811
    report = pipeline_report(ctx, team["admin"], since=date(2026, 1, 31), as_of=date(2026, 2, 20))

    assert {c.kind: (c.count, c.amount) for c in report.changes} == {
        "new": (1, Decimal("2000.00")), "moved": (0, Decimal(0)), "pushed": (1, Decimal("750.00")),
        "won": (1, Decimal("1000.00")), "lost": (1, Decimal("2000.00")), "handed_in": (0, Decimal(0)),
        "handed_out": (0, Decimal(0))}
    moved = pipeline_report(ctx, team["admin"], since=date(2026, 1, 15), as_of=date(2026, 1, 25))
    assert {c.kind: c.count for c in moved.changes}["moved"] == 1


def test_each_viewer_sales_reports_hold_only_the_opportunities_they_may_read(
        ctx: ServiceContext, team: dict[str, int], deals: dict[str, int]) -> None:  # noqa: F811
    bob = pipeline_report(ctx, team["rep_b"], as_of=date(2026, 2, 12))
    assert [(line.stage, line.count) for line in bob.lines] == [("Qualification", 1)]
    assert [row["name"] for row in bob.largest] == ["P3"]
    assert velocity_report(ctx, team["rep_b"]).total.velocity.won_count == 0
    assert stages_report(ctx, team["outsider"]) == []
    [ann] = stages_report(ctx, team["rep_a"])
    assert ann.opportunities == 2


def test_of_two_changes_at_the_same_moment_the_later_recorded_one_is_the_state(
        ctx: ServiceContext, team: dict[str, int], deals: dict[str, int]) -> None:  # noqa: F811
    # given P2 moved twice at 2026-03-02 09:30 (the clock pinned): one moment, two history rows
    lifecycle.move_stage(ctx, team["rep_a"], deals["P2"], "Qualification")
    lifecycle.move_stage(ctx, team["rep_a"], deals["P2"], "Needs Analysis")

    # when the pipeline is rebuilt as of that day (PostgreSQL: DISTINCT ON; SQLite: row numbers)
    report = pipeline_report(ctx, team["admin"], since=date(2026, 3, 1), as_of=date(2026, 3, 2))

    # then the later row (the higher id) holds: P2 in Needs Analysis, moved once from Prospecting
    assert [(line.stage, line.count) for line in report.lines] == [("Needs Analysis", 1)]
    assert {c.kind: c.count for c in report.changes}["moved"] == 1


def test_velocity_of_a_past_period_counts_the_deals_open_at_its_end_not_now(
        ctx: ServiceContext, team: dict[str, int], deals: dict[str, int]) -> None:  # noqa: F811
    # at the end of Feb 12: P1 won, P2 and P3 open (P3 was lost on Feb 15; only P2 is open now)
    february = velocity_report(ctx, team["admin"], period=(date(2026, 2, 1), date(2026, 2, 12)))
    v = february.total.velocity
    assert (v.open_count, v.won_count, v.lost_count, february.open_as_of) == (2, 1, 0, date(2026, 2, 12))
    assert v.per_day == Decimal("64.52")  # 2 x 100 % x 1000 / 31
    by_owner = {g.label: g.velocity.open_count
                for g in velocity_report(ctx, team["admin"], by="owner",
                                         period=(date(2026, 2, 1), date(2026, 2, 12))).groups}
    assert by_owner == {"Ann": 1, "Bob": 1}
    # at the end of January: P1 and P2 open, nothing closed
    january = velocity_report(ctx, team["admin"], period=(date(2026, 1, 1), date(2026, 1, 31))).total.velocity
    assert (january.open_count, january.won_count) == (2, 0)
    # a period ending later than today: the deals open today, said so
    later = velocity_report(ctx, team["admin"], period=(date(2026, 1, 1), date(2026, 6, 30)))
    assert (later.total.velocity.open_count, later.open_as_of) == (1, date(2026, 3, 2))


def test_the_pipeline_as_of_a_day_to_come_is_refused_and_a_period_ending_later_read_today(
        ctx: ServiceContext, team: dict[str, int], deals: dict[str, int]) -> None:  # noqa: F811
    from leadline.domain.errors import ValidationError
    from tests.unit.builders import raises_error

    assert pipeline_report(ctx, team["admin"], as_of=date(2026, 3, 2)).open_count == 1  # today: known
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="as_of"):
        pipeline_report(ctx, team["admin"], as_of=date(2026, 3, 3))
    # a period ending later (``to``) is the pipeline so far, as on every transport (ADR 0065)
    later = pipeline_report(ctx, team["admin"], since=date(2026, 3, 1), to=date(2026, 4, 1))
    assert (later.as_of, later.open_count) == (date(2026, 3, 2), 1)


def _start_plus_changes(ctx: ServiceContext, actor: int, start: date, end: date, filters: dict[str, str]) -> int:
    """The open count at ``start`` plus what came in minus what went out up to ``end``."""
    changed = {c.kind: c.count for c in pipeline_report(ctx, actor, since=start, as_of=end, filters=filters).changes}
    return (pipeline_report(ctx, actor, as_of=start, filters=filters).open_count + changed["new"]
            + changed["handed_in"] - changed["handed_out"] - changed["won"] - changed["lost"])


def test_the_pipeline_as_of_a_date_groups_by_the_owner_then_and_reads_by_the_owner_now(
        ctx: ServiceContext, clock: FakeClock, team: dict[str, int], deals: dict[str, int]) -> None:  # noqa: F811
    # given P2 (Ann's since Jan 15) handed to Bob on Feb 20, its amount changed on Feb 25
    on(clock, "2026-02-20")
    records.update_record(ctx, team["admin"], "opportunity", deals["P2"], {"owner": "bob@example.com"})
    on(clock, "2026-02-25")
    records.update_record(ctx, team["admin"], "opportunity", deals["P2"], {"amount": "600"})
    on(clock, "2026-03-02")

    def by_owner(viewer: str, day: date, **filters: str) -> list[tuple[str, str, int]]:
        report = pipeline_report(ctx, team[viewer], as_of=day, by="owner", filters=filters)
        return [(line.group, line.stage, line.count) for line in report.lines]

    # when the pipeline is read as of Feb 12 (before the handover): P2 is Ann's, P3 Bob's
    assert by_owner("admin", date(2026, 2, 12)) == [("Ann", "Prospecting", 1), ("Bob", "Qualification", 1)]
    february = pipeline_report(ctx, team["admin"], as_of=date(2026, 2, 12))
    assert {row["name"]: row["owner_id"] for row in february.largest} == {"P2": team["rep_a"], "P3": team["rep_b"]}
    # an owner filter is the owner then too; a team folds the owners then
    assert by_owner("admin", date(2026, 2, 12), owner="ann@example.com") == [("Ann", "Prospecting", 1)]
    team_then = pipeline_report(ctx, team["admin"], as_of=date(2026, 2, 12), by="team")
    assert [(line.group, line.count) for line in team_then.lines] == [("Mia Manager", 1), ("Mia Manager", 1)]
    # and after the handover (the owner-only change and the later amount change): Bob's
    assert by_owner("admin", date(2026, 2, 21)) == [("Bob", "Prospecting", 1)]
    assert by_owner("admin", date(2026, 3, 2), owner="ann@example.com") == []
    assert by_owner("admin", date(2026, 3, 2), owner="bob@example.com") == [("Bob", "Prospecting", 1)]
    # velocity's deals open at the end of a past period are the owner's then
    open_then = {g.label: g.velocity.open_count for g in velocity_report(
        ctx, team["admin"], by="owner", period=(date(2026, 2, 1), date(2026, 2, 12))).groups}
    assert open_then == {"Ann": 1, "Bob": 1}
    # the changes between two dates keep the opportunities owned so at the end, and count the
    # handover: P2 handed out by Ann, handed in to Bob
    changes = pipeline_report(ctx, team["admin"], since=date(2026, 1, 31), as_of=date(2026, 3, 2),
                              filters={"owner": "bob@example.com"})
    assert {c.kind: c.count for c in changes.changes} == {"new": 1, "moved": 0, "pushed": 1, "won": 0, "lost": 1,
                                                          "handed_in": 1, "handed_out": 0}
    for filters in ({"owner": "ann@example.com"}, {"owner": "bob@example.com"}, {"team": "mia@example.com"}, {}):
        assert _start_plus_changes(ctx, team["admin"], date(2026, 1, 31), date(2026, 3, 2), filters) \
            == pipeline_report(ctx, team["admin"], as_of=date(2026, 3, 2), filters=filters).open_count, filters
    ann = pipeline_report(ctx, team["admin"], since=date(2026, 1, 31), as_of=date(2026, 3, 2),
                          filters={"owner": "ann@example.com"})
    assert {c.kind: c.count for c in ann.changes if c.count} == {"won": 1, "handed_out": 1}
    # record-level security is today's: Bob (who owns P2 now) sees it under Ann as of Feb 12, Ann no more
    assert by_owner("rep_b", date(2026, 2, 12)) == [("Ann", "Prospecting", 1), ("Bob", "Qualification", 1)]
    assert by_owner("rep_a", date(2026, 2, 12)) == []
