"""The lead funnel and time to conversion against a hand-computed history, on SQLite and
PostgreSQL: the history built with the use cases at pinned times, the reports cut by source,
owner, team and cohort, and each viewer's report holding only the leads they may read."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy.engine import Engine

from leadline.analytics.funnel import conversion_time_report, funnel_report
from leadline.domain.errors import NotFoundError, ValidationError
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.leads import workflow
from leadline.services.opportunities import lifecycle
from leadline.services.security import users
from tests.conftest import FakeClock
from tests.integration.conversion_support import new_lead
from tests.unit.builders import raises_error


@pytest.fixture
def team(ctx: ServiceContext, admin_id: int) -> dict[str, int]:
    """manager <- rep_a, rep_b; an outsider reporting to nobody."""
    manager = users.add_user(ctx, admin_id, name="Mia Manager", email="mia@example.com", role="manager").id
    return {
        "admin": admin_id, "manager": manager,
        "rep_a": users.add_user(ctx, admin_id, name="Ann", email="ann@example.com", role="rep", manager=manager).id,
        "rep_b": users.add_user(ctx, admin_id, name="Bob", email="bob@example.com", role="rep", manager=manager).id,
        "outsider": users.add_user(ctx, admin_id, name="Oz", email="oz@example.com", role="rep").id,
    }


def on(clock: FakeClock, day: str) -> None:
    clock.now = datetime.fromisoformat(f"{day}T09:30:00").replace(tzinfo=UTC)


def lead(ctx: ServiceContext, owner: int, n: int, **values: str) -> int:
    """A lead of its own company (nothing to match another's on conversion)."""
    return new_lead(ctx, owner, email=f"buyer@co{n}.example", company=f"Company {n}", website=f"co{n}.example",
                    **values)


@pytest.fixture
def history(ctx: ServiceContext, clock: FakeClock, team: dict[str, int], catalogue: None) -> dict[str, int]:
    """By hand (every action at 09:30 UTC; the report runs on 2026-03-02):
    L1 Ann, Website form, created Jan 5, stays Open                       -> leads
    L2 Ann, Website form, Jan 5, Contacted Jan 6                          -> working
    L3 Ann, Website form, Jan 5, Contacted Jan 6, Unqualified Jan 8       -> working
    L4 Ann, Website form, Jan 5, Contacted Jan 6, Qualified Jan 10        -> qualified
    L5 Ann, Website form, Jan 5, Contacted Jan 6, Qualified Jan 7,
       converted Jan 15 (10 d) without opportunity                          -> converted
    L6 Ann, Website form, Jan 5, Contacted Jan 6, Qualified Jan 7,
       converted Feb 4 (30 d) with an opportunity                           -> opportunity
    L7 Bob, Trade show, created Feb 1, Contacted and Qualified Feb 2,
       converted Feb 11 (10 d), its opportunity won                         -> won
    L8 Oz, no source, created Feb 1, stays Open                          -> leads
    """
    a, b, oz = team["rep_a"], team["rep_b"], team["outsider"]
    ids: dict[str, int] = {}
    on(clock, "2026-01-05")
    for n in range(1, 7):
        ids[f"L{n}"] = lead(ctx, a, n, source="Website form")
    on(clock, "2026-01-06")
    for name in ("L2", "L3", "L4", "L5", "L6"):
        workflow.change_lead_status(ctx, a, ids[name], "Contacted")
    on(clock, "2026-01-07")
    for name in ("L5", "L6"):
        workflow.qualify_lead(ctx, a, ids[name], override_reason="met them")
    on(clock, "2026-01-08")
    workflow.change_lead_status(ctx, a, ids["L3"], "Unqualified", reason="Bad timing")
    on(clock, "2026-01-10")
    workflow.qualify_lead(ctx, a, ids["L4"], override_reason="met them")
    on(clock, "2026-01-15")
    conversion.convert_lead(ctx, a, ids["L5"], opportunity="none")
    on(clock, "2026-02-01")
    ids["L7"] = lead(ctx, b, 7, source="Trade show")
    ids["L8"] = lead(ctx, oz, 8)
    on(clock, "2026-02-02")
    workflow.change_lead_status(ctx, b, ids["L7"], "Contacted")
    workflow.qualify_lead(ctx, b, ids["L7"], override_reason="met them")
    on(clock, "2026-02-04")
    conversion.convert_lead(ctx, a, ids["L6"], override_reason="fine")
    on(clock, "2026-02-11")
    result = conversion.convert_lead(ctx, b, ids["L7"], override_reason="fine")
    on(clock, "2026-02-20")
    lifecycle.close_opportunity(ctx, b, result.opportunity_id, "won")  # type: ignore[arg-type]
    on(clock, "2026-03-02")
    return ids


def counts(report_line: object) -> list[int]:
    return [step.count for step in report_line.steps]  # type: ignore[attr-defined]


def test_the_funnel_counts_each_lead_at_every_step_up_to_the_furthest_it_reached(
        ctx: ServiceContext, team: dict[str, int], history: dict[str, int]) -> None:
    report = funnel_report(ctx, team["admin"])

    assert counts(report.total) == [8, 6, 4, 3, 2, 1]
    assert [step.step_rate for step in report.total.steps] == [
        None, Decimal("75.0"), Decimal("66.7"), Decimal("75.0"), Decimal("66.7"), Decimal("50.0")]
    assert report.total.steps[-1].overall_rate == Decimal("12.5")


def test_the_funnel_is_cut_by_source_owner_team_and_cohort(
        ctx: ServiceContext, team: dict[str, int], history: dict[str, int]) -> None:
    def cut(by: str) -> dict[str, list[int]]:
        return {line.label: counts(line) for line in funnel_report(ctx, team["admin"], by=by).groups}

    assert cut("source") == {"Website form": [6, 5, 3, 2, 1, 0], "Trade show": [1, 1, 1, 1, 1, 1],
                             "(none)": [1, 0, 0, 0, 0, 0]}
    assert cut("owner") == {"Ann": [6, 5, 3, 2, 1, 0], "Bob": [1, 1, 1, 1, 1, 1], "Oz": [1, 0, 0, 0, 0, 0]}
    assert cut("team") == {"Mia Manager": [7, 6, 4, 3, 2, 1], "Oz": [1, 0, 0, 0, 0, 0]}
    assert cut("cohort") == {"2026-01": [6, 5, 3, 2, 1, 0], "2026-02": [2, 1, 1, 1, 1, 1]}
    assert cut("quarter") == {"2026-Q1": [8, 6, 4, 3, 2, 1]}


def test_the_funnel_is_filtered_by_any_dimension_and_the_creation_dates(
        ctx: ServiceContext, team: dict[str, int], history: dict[str, int]) -> None:
    admin = team["admin"]
    assert counts(funnel_report(ctx, admin, filters={"team": "mia@example.com"}).total) == [7, 6, 4, 3, 2, 1]
    assert counts(funnel_report(ctx, admin, filters={"source": "Trade show"}).total) == [1, 1, 1, 1, 1, 1]
    assert counts(funnel_report(ctx, admin, filters={"owner": "oz@example.com"}).total) == [1, 0, 0, 0, 0, 0]
    assert counts(funnel_report(ctx, admin, filters={"cohort": "2026-02"}).total) == [2, 1, 1, 1, 1, 1]
    assert counts(funnel_report(ctx, admin, created=(datetime(2026, 1, 5).date(), datetime(2026, 1, 5).date()),
                                filters={"team": "mia@example.com"}).total) == [6, 5, 3, 2, 1, 0]


def test_each_viewer_funnel_holds_only_the_leads_they_may_read(
        ctx: ServiceContext, team: dict[str, int], history: dict[str, int]) -> None:
    assert counts(funnel_report(ctx, team["rep_b"]).total) == [1, 1, 1, 1, 1, 1]
    assert counts(funnel_report(ctx, team["rep_a"]).total) == [6, 5, 3, 2, 1, 0]
    assert counts(funnel_report(ctx, team["manager"]).total) == [7, 6, 4, 3, 2, 1]
    assert counts(funnel_report(ctx, team["outsider"], by="owner").total) == [1, 0, 0, 0, 0, 0]


def test_time_to_conversion_and_the_shares_converted_within_each_window(
        ctx: ServiceContext, team: dict[str, int], history: dict[str, int]) -> None:
    report = conversion_time_report(ctx, team["admin"])

    days = report.total.days
    assert (days.count, days.mean, days.median, days.minimum, days.maximum) == (
        3, Decimal("16.7"), Decimal("10.0"), 10, 30)
    assert dict(days.buckets)["8-30"] == 3
    # 30 days: only the January leads are old enough (6), of which L5 (10 d) and L6 (30 d) converted
    assert [(w.days, w.eligible, w.converted, w.share) for w in report.total.within] == [
        (30, 6, 2, Decimal("33.3")), (90, 0, 0, None), (180, 0, 0, None), (365, 0, 0, None)]
    by_owner = {line.label: line for line in conversion_time_report(ctx, team["admin"], by="owner").groups}
    assert by_owner["Bob"].days.count == 1 and by_owner["Bob"].within[0].eligible == 0
    assert conversion_time_report(ctx, team["rep_b"]).total.days.count == 1


def test_unknown_filters_and_dimensions_are_refused_naming_the_parameter(
        ctx: ServiceContext, team: dict[str, int]) -> None:
    admin = team["admin"]
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="by"):
        funnel_report(ctx, admin, by="colour")
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="cohort"):
        funnel_report(ctx, admin, filters={"cohort": "2026-Q5"})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="source"):
        funnel_report(ctx, admin, filters={"source": "Carrier pigeon"})
    with raises_error(NotFoundError, code="NOT_FOUND", field="team"):
        funnel_report(ctx, admin, filters={"team": "nobody@example.com"})


@pytest.fixture
def campaign_history(ctx: ServiceContext, clock: FakeClock, team: dict[str, int], catalogue: None) -> dict[str, int]:
    """By hand (09:30 UTC; reports run on 2026-03-02), campaigns "Spring webinar" and "Expo":
    C1 Ann, Spring webinar, created Jan 5, stays Open                       -> leads
    C2 Ann, Spring webinar, Jan 5, Contacted Jan 6                          -> working
    C3 Ann, Spring webinar, Jan 5, Contacted, Qualified Jan 6, converted
       Jan 25 (20 d) with an opportunity, won Feb 10                        -> won
    C4 Bob, Expo, Feb 1, Contacted, Qualified Feb 2, converted Feb 6 (5 d)
       without opportunity                                                  -> converted
    C5 Oz, no campaign, Feb 1, stays Open                                   -> leads
    """
    from leadline.services.campaigns.records import create_campaign

    a, b, oz = team["rep_a"], team["rep_b"], team["outsider"]
    on(clock, "2026-01-02")
    spring = create_campaign(ctx, team["admin"], {"name": "Spring webinar", "type": "webinar"}).id
    expo = create_campaign(ctx, team["admin"], {"name": "Expo", "type": "trade_show"}).id
    ids: dict[str, int] = {"spring": spring, "expo": expo}
    on(clock, "2026-01-05")
    for n in (1, 2, 3):
        ids[f"C{n}"] = lead(ctx, a, 10 + n, campaign_id=str(spring))
    on(clock, "2026-01-06")
    for name in ("C2", "C3"):
        workflow.change_lead_status(ctx, a, ids[name], "Contacted")
    workflow.qualify_lead(ctx, a, ids["C3"], override_reason="met them")
    on(clock, "2026-01-25")
    won = conversion.convert_lead(ctx, a, ids["C3"], override_reason="fine").opportunity_id
    on(clock, "2026-02-01")
    ids["C4"] = lead(ctx, b, 14, campaign_id=str(expo))
    ids["C5"] = lead(ctx, oz, 15)
    on(clock, "2026-02-02")
    workflow.change_lead_status(ctx, b, ids["C4"], "Contacted")
    workflow.qualify_lead(ctx, b, ids["C4"], override_reason="met them")
    on(clock, "2026-02-06")
    conversion.convert_lead(ctx, b, ids["C4"], opportunity="none")
    on(clock, "2026-02-10")
    lifecycle.close_opportunity(ctx, a, won, "won")  # type: ignore[arg-type]
    on(clock, "2026-03-02")
    return ids


def test_every_funnel_report_is_cut_and_filtered_by_campaign(
        ctx: ServiceContext, team: dict[str, int], campaign_history: dict[str, int]) -> None:
    from leadline.analytics.deals import stages_report, velocity_report
    from leadline.analytics.pipeline_history import pipeline_report

    admin = team["admin"]
    by_campaign = {line.label: counts(line) for line in funnel_report(ctx, admin, by="campaign").groups}
    assert by_campaign == {"Spring webinar": [3, 2, 1, 1, 1, 1], "Expo": [1, 1, 1, 1, 0, 0],
                           "(no campaign)": [1, 0, 0, 0, 0, 0]}
    assert counts(funnel_report(ctx, admin, filters={"campaign": "expo"}).total) == [1, 1, 1, 1, 0, 0]
    spring = str(campaign_history["spring"])
    assert counts(funnel_report(ctx, admin, filters={"campaign": spring}).total) == [3, 2, 1, 1, 1, 1]
    # a rep's report by campaign holds only their own leads
    assert {line.label: counts(line) for line in funnel_report(ctx, team["rep_b"], by="campaign").groups} == {
        "Expo": [1, 1, 1, 1, 0, 0]}

    times = {line.label: line.days for line in conversion_time_report(ctx, admin, by="campaign").groups}
    assert (times["Spring webinar"].count, times["Spring webinar"].median) == (1, Decimal("20.0"))
    assert (times["Expo"].count, times["Expo"].median) == (1, Decimal("5.0"))

    # the opportunity carries its lead's campaign: the sales reports cut and filter by it too
    velocity = {line.label: line.velocity for line in velocity_report(ctx, admin, by="campaign").groups}
    assert list(velocity) == ["Spring webinar"] and velocity["Spring webinar"].won_count == 1
    assert velocity_report(ctx, admin, filters={"campaign": "Expo"}).total.velocity.won_count == 0
    assert [p.won for p in stages_report(ctx, admin, filters={"campaign": "Spring webinar"})] == [1]
    assert stages_report(ctx, admin, filters={"campaign": "Expo"}) == []
    assert pipeline_report(ctx, admin, as_of=datetime(2026, 1, 31).date(), by="campaign").lines[0].group == (
        "Spring webinar")
    assert pipeline_report(ctx, admin, as_of=datetime(2026, 1, 31).date(), filters={"campaign": "Expo"}).lines == []


def test_an_unknown_campaign_is_refused_naming_the_parameter(
        ctx: ServiceContext, team: dict[str, int], campaign_history: dict[str, int]) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="campaign"):
        funnel_report(ctx, team["admin"], filters={"campaign": "Carrier pigeon"})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="campaign"):
        funnel_report(ctx, team["admin"], filters={"campaign": "999999"})


def test_the_kept_status_reach_is_what_the_history_says(
        ctx: ServiceContext, team: dict[str, int], history: dict[str, int], campaign_history: dict[str, int],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from leadline.persistence.reports import funnel as queries
    from leadline.services.conversion.undo import undo_conversion

    undo_conversion(ctx, team["admin"], history["L5"])  # back to Qualified: its conversion undone
    kept = {line.label: counts(line) for line in funnel_report(ctx, team["admin"], by="owner").groups}
    assert kept["Ann"][:4] == [9, 7, 4, 2]  # L5 still qualified, no longer converted
    monkeypatch.setattr(queries, "FROM_HISTORY", True)
    assert {line.label: counts(line) for line in funnel_report(ctx, team["admin"], by="owner").groups} == kept


def test_where_postgresql_would_not_hash_the_id_sets_the_funnel_joins_aggregates_to_the_same_counts(
        engine: Engine, ctx: ServiceContext, team: dict[str, int], history: dict[str, int],
        campaign_history: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    from leadline.persistence.reports import funnel as queries

    # given the funnel with its id sets hashed, for the admin and for a rep (their opportunities only)
    viewers = (team["admin"], team["rep_a"])
    hashed = [{line.label: counts(line) for line in funnel_report(ctx, viewer, by="owner").groups}
              for viewer in viewers]
    joined: list[str] = []
    plain = queries.FunnelQueries._furthest_joined
    monkeypatch.setattr(queries.FunnelQueries, "_furthest_joined",
                        lambda self, *args: joined.append(self.dialect) or plain(self, *args))

    # when PostgreSQL reckons the sets too big to hash
    monkeypatch.setattr(queries, "HASHED_ID_BYTES", 10**15)
    found = [{line.label: counts(line) for line in funnel_report(ctx, viewer, by="owner").groups}
             for viewer in viewers]

    # then it joins the aggregates instead (SQLite has no such limit) and counts the same
    assert joined == (["postgresql"] * 2 if engine.dialect.name == "postgresql" else [])
    assert found == hashed


def test_a_merged_lead_counts_once_as_its_survivor_with_the_survivors_own_history(
        ctx: ServiceContext, clock: FakeClock, team: dict[str, int], history: dict[str, int]) -> None:
    from leadline.services.duplicates.merge import merge_records

    # given two duplicates created on Jan 5 and contacted (working), Oz's from a trade show and
    # Ann's, merged on Mar 2 into Ann's L4 (qualified) and L1 (open), the survivors kept
    on(clock, "2026-01-05")
    oz_copy = lead(ctx, team["outsider"], 21, source="Trade show")
    ann_copy = lead(ctx, team["rep_a"], 22, source="Website form")
    on(clock, "2026-01-06")
    workflow.change_lead_status(ctx, team["outsider"], oz_copy, "Contacted")
    workflow.change_lead_status(ctx, team["rep_a"], ann_copy, "Contacted")
    on(clock, "2026-03-02")
    merge_records(ctx, team["admin"], "lead", [history["L4"], oz_copy], keep=history["L4"])
    merge_records(ctx, team["admin"], "lead", [history["L1"], ann_copy], keep=history["L1"])

    # then the funnel counts neither tombstone: each person once, at their survivor's own step
    # (L1 stays at "leads": its merged copy's contact does not raise it)
    admin = team["admin"]
    assert counts(funnel_report(ctx, admin).total) == [8, 6, 4, 3, 2, 1]
    assert {line.label: counts(line) for line in funnel_report(ctx, admin, by="source").groups}["Trade show"] == [
        1, 1, 1, 1, 1, 1]
    assert {line.label: counts(line) for line in funnel_report(ctx, admin, by="owner").groups}["Oz"] == [
        1, 0, 0, 0, 0, 0]
    # Oz's report no longer holds the lead merged into Ann's: it is Ann's now
    assert counts(funnel_report(ctx, team["outsider"]).total) == [1, 0, 0, 0, 0, 0]
    # and the tombstones are not leads that had 30 days and did not convert
    within = conversion_time_report(ctx, admin).total.within[0]
    assert (within.eligible, within.converted) == (6, 2)
