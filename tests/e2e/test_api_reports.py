"""The funnel and sales reports through HTTP, on both databases: the hand-computed history of
tests/integration/test_reports_funnel.py and test_reports_deals.py, read back as JSON; each
caller's report holding only what they may read; malformed parameters refused, named."""

from __future__ import annotations

from typing import Any

from leadline.domain.common import DAY_PATTERN
from leadline.domain.reports import COHORT_PATTERN
from leadline.services.context import ServiceContext
from tests.e2e.api_support import Caller, token_for
from tests.e2e.test_api import assert_problem
from tests.integration.conftest import catalogue  # noqa: F401  (fixtures)
from tests.integration.test_reports_deals import deals  # noqa: F401
from tests.integration.test_reports_funnel import campaign_history, history, team  # noqa: F401


def counts(line: dict[str, Any]) -> list[int]:
    return [step["count"] for step in line["steps"]]


def test_the_funnel_and_conversion_time_read_back_as_computed_by_hand(
        admin: Caller, client: Any, ctx: ServiceContext, team: dict[str, int],  # noqa: F811
        history: dict[str, int]) -> None:  # noqa: F811
    funnel = admin("GET", "/reports/funnel", params={"by": "owner"})
    assert funnel.status_code == 200, funnel.text
    assert counts(funnel.json()["total"]) == [8, 6, 4, 3, 2, 1]
    assert {g["label"]: counts(g) for g in funnel.json()["groups"]}["Bob"] == [1, 1, 1, 1, 1, 1]
    assert funnel.json()["total"]["steps"][1]["step_rate"] == "75.0"
    january = admin("GET", "/reports/funnel",
                    params={"from": "2026-01-01", "to": "2026-01-31", "team": "mia@example.com"})
    assert counts(january.json()["total"]) == [6, 5, 3, 2, 1, 0]

    times = admin("GET", "/reports/conversion-time").json()["total"]
    assert (times["days"]["median"], times["within"][0]) == (
        "10.0", {"days": 30, "eligible": 6, "converted": 2, "share": "33.3"})

    bob = Caller(client, token_for(ctx, team["admin"], team["rep_b"]))
    assert counts(bob("GET", "/reports/funnel").json()["total"]) == [1, 1, 1, 1, 1, 1]


def test_the_sales_reports_read_back_as_computed_by_hand(
        admin: Caller, client: Any, ctx: ServiceContext, team: dict[str, int],  # noqa: F811
        deals: dict[str, int]) -> None:  # noqa: F811
    pipeline = admin("GET", "/reports/pipeline", params={"as_of": "2026-02-12"}).json()
    assert [(line["stage"], line["amount"]) for line in pipeline["lines"]] == [
        ("Prospecting", "750.00"), ("Qualification", "2000.00")]
    changes = admin("GET", "/reports/pipeline", params={"from": "2026-01-31", "to": "2026-02-20"}).json()
    assert {c["kind"]: c["count"] for c in changes["changes"]} == {"new": 1, "moved": 0, "pushed": 1, "won": 1,
                                                                   "lost": 1, "handed_in": 0, "handed_out": 0}
    velocity = admin("GET", "/reports/velocity").json()["total"]["velocity"]
    assert (velocity["win_rate"], velocity["average_deal"], velocity["per_day"]) == ("50.0", "1000.00", "16.13")
    [process] = admin("GET", "/reports/stages").json()["processes"]
    assert process["steps"][0]["reached"] == 3

    bob = Caller(client, token_for(ctx, team["admin"], team["rep_b"]))
    assert [line["stage"] for line in bob("GET", "/reports/pipeline", params={"as_of": "2026-02-12"}).json()[
        "lines"]] == ["Qualification"]
    # a rep asking for a colleague's report, or a team none of whose records they may read, is
    # refused, not answered with zeros that read as if the colleague had done nothing
    assert_problem(bob("GET", "/reports/funnel", params={"owner": "ann@example.com"}), 403, "PERMISSION_DENIED",
                   "owner")
    assert_problem(bob("GET", "/reports/velocity", params={"team": "oz@example.com"}), 403, "PERMISSION_DENIED",
                   "team")
    assert bob("GET", "/reports/stages", params={"team": "mia@example.com"}).status_code == 200  # his own in it
    mia = Caller(client, token_for(ctx, team["admin"], team["manager"]))
    assert mia("GET", "/reports/funnel", params={"owner": "bob@example.com"}).status_code == 200


def test_malformed_parameters_are_refused_naming_them(admin: Caller) -> None:
    for path, params, status, code, field in [
        ("funnel", {"by": "colour"}, 422, "VALIDATION_FAILED", "by"),
        ("funnel", {"cohort": "2026-Q5"}, 422, "VALIDATION_FAILED", "cohort"),
        ("conversion-time", {"from": "yesterday"}, 422, "VALIDATION_FAILED", "from"),
        ("velocity", {"from": "2026-03-01", "to": "2026-01-01"}, 422, "VALIDATION_FAILED", "to"),
        ("pipeline", {"as_of": "2026-02-30"}, 422, "VALIDATION_FAILED", "as_of"),
        ("stages", {"source": "Carrier pigeon"}, 422, "VALIDATION_FAILED", "source"),
        ("funnel", {"team": "nobody@example.com"}, 404, "NOT_FOUND", "team"),
        ("velocity", {"campaign": "Carrier pigeon"}, 422, "VALIDATION_FAILED", "campaign"),
        # the last day Python knows: its day's end overflowed (500 before)
        ("funnel", {"to": "9999-12-31"}, 422, "VALIDATION_FAILED", "to"),
        ("pipeline", {"as_of": "9999-12-31"}, 422, "VALIDATION_FAILED", "as_of"),
        ("stages", {"from": "0001-01-01"}, 422, "VALIDATION_FAILED", "from"),
        # only YYYY-MM-DD: not the ISO basic form (20260301) nor a week date, on every report
        ("funnel", {"from": "20260301"}, 422, "VALIDATION_FAILED", "from"),
        ("velocity", {"to": "20260301"}, 422, "VALIDATION_FAILED", "to"),
        ("stages", {"to": "2026-W09-7"}, 422, "VALIDATION_FAILED", "to"),
        ("pipeline", {"from": "20260301", "to": "2026-03-01"}, 422, "VALIDATION_FAILED", "from"),
        # the pipeline as of a day to come is not known yet
        ("pipeline", {"as_of": "2998-01-01"}, 422, "VALIDATION_FAILED", "as_of"),
        ("funnel", {"cohort": "3000-01"}, 422, "VALIDATION_FAILED", "cohort"),
    ]:
        assert_problem(admin("GET", f"/reports/{path}", params=params), status, code, field)


def test_a_pipeline_period_ending_later_is_read_today_as_on_the_web_page(admin: Caller, ctx: ServiceContext) -> None:
    today = ctx.now().date().isoformat()
    answer = admin("GET", "/reports/pipeline", params={"from": "2026-01-01", "to": "2998-01-01"})
    assert answer.status_code == 200, answer.text
    assert (answer.json()["as_of"], answer.json()["since"]) == (today, "2026-01-01")


def test_the_date_and_cohort_parameters_state_the_domains_rules(client: Any) -> None:
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/reports/pipeline"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    for name in ("from", "to", "as_of"):
        assert "(YYYY-MM-DD, 1900 to 2999" in parameters[name]["description"], name
    assert parameters["as_of"]["schema"]["pattern"] == f"^{DAY_PATTERN}$"
    assert parameters["cohort"]["schema"]["pattern"] == f"^{COHORT_PATTERN}$"
