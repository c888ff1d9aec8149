"""The opportunities list sorted and filtered by the predicted-win score on every path (issue 19,
item 5): the API's ``sort=score`` with its cursor and the score in each item, the CLI's ``--sort``
and ``--cursor`` (both on SQLite and PostgreSQL), and the web list's Score column and sort in a
real headless Chromium. Unscored opportunities (closed, or never scored) come last both ways."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.scoring.opportunities import train_opportunity_model
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.conftest import FakeClock
from tests.e2e.api_support import Caller, token_for
from tests.e2e.conftest import Cli, misreported
from tests.e2e.test_api import assert_problem
from tests.e2e.test_cli_opportunity_scores import _closed_history, _json
from tests.e2e.web_support import follow, screenshot, served, sign_in, signed_in_client
from tests.integration.opportunity_scoring_support import closed_history, open_deal

SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
SAM, PASSWORD = "sam@example.com", "correct horse battery"


def _walk(admin: Caller, sort: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of the list, two per page, by the cursor each page gives."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        answer = admin("GET", "/opportunities", params={"sort": sort, "limit": 2, **params,
                                                        **({"cursor": cursor} if cursor else {})})
        assert answer.status_code == 200, answer.text
        items += answer.json()["items"]
        cursor = answer.json()["next_cursor"]
        if cursor is None:
            return items


def _expected(items: list[dict[str, Any]], descending: bool) -> list[str]:
    """The ids in score order (ties by id), the unscored after them by id, both in the same direction."""
    scored = sorted((i for i in items if i["score"]), key=lambda i: (i["score"]["score"], int(i["id"])),
                    reverse=descending)
    unscored = sorted((i for i in items if not i["score"]), key=lambda i: int(i["id"]), reverse=descending)
    return [i["id"] for i in scored + unscored]


def test_the_api_sorts_opportunities_by_score_with_unscored_ones_last(
        client: Any, ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    account = closed_history(ctx, admin_id, clock)
    for i, stage in enumerate(("Negotiation", "Prospecting", "Proposal/Quote", "Negotiation", "Prospecting")):
        open_deal(ctx, admin_id, account, f"Open {i}", stage=stage)
    admin = Caller(client, token_for(ctx, admin_id, admin_id))
    train_opportunity_model(ctx, admin_id)
    down, up = _walk(admin, "-score", outcome=["open", "won"]), _walk(admin, "score", outcome=["open", "won"])
    assert len(down) == len(up) == 5 + 10 and sum(1 for i in down if i["score"]) == 5
    assert [i["id"] for i in down] == _expected(down, descending=True)
    assert [i["id"] for i in up] == _expected(up, descending=False)
    assert down[0]["score"]["up"] and down[0]["probability"] == 75  # the score beside the stage's probability
    top = down[0]["score"]["score"]
    floor = _walk(admin, "-score", min_score=top)
    assert floor and all(i["score"]["score"] == top for i in floor)
    assert [i["id"] for i in _walk(admin, "-created_at", min_score=top)] == sorted(
        (i["id"] for i in floor), key=int, reverse=True)
    assert_problem(admin("GET", "/opportunities", params={"sort": "probability"}), 422, "VALIDATION_FAILED",
                   "sort")
    first = admin("GET", "/opportunities", params={"sort": "-score", "limit": 2}).json()["next_cursor"]
    assert_problem(admin("GET", "/opportunities", params={"sort": "score", "cursor": first}), 422,
                   "VALIDATION_FAILED", "cursor")


def test_the_cli_lists_opportunities_by_score_page_after_page(cli: Cli, command_clock: FakeClock) -> None:
    account = _closed_history(cli, command_clock)
    made = [_json(cli, "opportunity", "add", "--account", account, "--name", f"New {i}", "--amount", "500",
                  "--stage", stage)["id"] for i, stage in enumerate(("Prospecting", "Negotiation", "Prospecting"))]
    cli("score", "train")
    listed = _json(cli, "opportunity", "list", "--outcome", "open", "--sort=-score")
    scores = {o["id"]: o["score"]["score"] for o in listed}
    assert set(scores) == set(made)
    assert [o["id"] for o in listed] == sorted(made, key=lambda i: (scores[i], int(i)), reverse=True)
    first = cli("opportunity", "list", "--outcome", "open", "--sort=-score", "--limit", "2")
    hint = first.out.strip().splitlines()[-1]
    assert hint.startswith("next page: --sort=-score --cursor ")
    rest = _json(cli, "opportunity", "list", "--outcome", "open", "--sort=-score", "--limit", "2",
                 "--cursor", hint.split()[-1])
    assert [o["id"] for o in rest] == [listed[-1]["id"]]
    everything = _json(cli, "opportunity", "list", "--sort=score", "--limit", "500")
    assert [o["id"] for o in everything[:3]] == [o["id"] for o in reversed(listed)]
    assert all(o["score"] is None for o in everything[3:]) and len(everything) == 23
    assert misreported(cli, [
        (["opportunity", "list", "--sort", "probability"], 2, "sort"),
        (["opportunity", "list", "--sort=-score", "--after", made[0]], 2, "after"),
        (["opportunity", "list", "--sort=-score", "--cursor", "nonsense"], 2, "cursor"),
    ]) == []


def _expect_names(page: Page, expected: list[str]) -> None:
    expect(page.locator("tr[data-opportunity] td:nth-child(1)")).to_have_text(expected)


@SQLITE_ONLY
def test_the_web_list_shows_the_score_and_sorts_by_it(
        page: Page, ctx: ServiceContext, admin_id: int, engine: Engine, clock: FakeClock) -> None:
    account = closed_history(ctx, admin_id, clock)
    set_sharing(ctx, admin_id, "account", "public_read_write")
    sam = add_user(ctx, admin_id, name="Sam Rep", email=SAM, password=PASSWORD).id
    unscored = open_deal(ctx, sam, account, "Unscored", stage="Negotiation")
    train_opportunity_model(ctx, admin_id)
    with ctx.uow_factory() as uow:
        uow.opportunity_scoring.delete_scores([unscored])  # as if made after the last scoring run
        uow.commit()
    made = {name: open_deal(ctx, sam, account, name, stage=stage)
            for name, stage in (("Hot", "Negotiation"), ("Cold", "Prospecting"))}
    with ctx.reader() as uow:
        scores = uow.opportunity_scoring.scores(list(made.values()))
    hot = scores[made["Hot"]]
    assert hot.score > scores[made["Cold"]].score >= 0 and not hot.confident  # 30 outcomes: little data
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        sign_in(page, base, SAM, PASSWORD)
        page.goto(f"{base}/opportunities")
        expect(page.locator("tr[data-opportunity]")).to_have_count(3)
        header = page.get_by_role("columnheader", name="Score")
        expect(header).not_to_have_attribute("aria-sort", "descending")
        row = page.locator("tr[data-opportunity]", has_text="Hot")
        expect(row.locator("td").nth(4)).to_have_text("75 %")  # the stage's probability, unchanged
        # beside it the score, marked as a rough guess (little data), visibly and to a screen reader
        score = row.locator("td").nth(5)
        expect(score).to_have_text(re.compile(rf"^{hot.score} low confidence: .*few outcomes yet"))
        expect(score.locator(".low-confidence")).to_be_visible()
        expect(score.locator(".low-confidence")).to_have_attribute("title", re.compile("^Low confidence: .*few"))
        expect(page.locator("tr[data-opportunity]", has_text="Unscored").locator("td").nth(5)).to_have_text("")
        follow(page, header.get_by_role("link"))
        expect(header).to_have_attribute("aria-sort", "descending")
        _expect_names(page, ["Hot", "Cold", "Unscored"])
        expect(page.get_by_label("Sort")).to_have_value("-score")
        screenshot(page, "opportunities-by-score")
        follow(page, header.get_by_role("link"))
        expect(header).to_have_attribute("aria-sort", "ascending")
        _expect_names(page, ["Cold", "Hot", "Unscored"])
        page.get_by_label("Score at least").fill(str(hot.score))
        page.get_by_label("Score at least").press("Enter")
        expect(page.locator("tr[data-opportunity]")).to_have_count(1)
        _expect_names(page, ["Hot"])


def test_a_score_floor_that_is_not_a_score_is_refused_by_the_opportunity_list(
        ctx: ServiceContext, engine: Engine, admin_id: int) -> None:
    with signed_in_client(ctx, engine, admin_id) as client:
        page = client.get("/opportunities", params={"min_score": "high"})
    assert page.status_code in (400, 422) and "is not a score" in page.text and "Traceback" not in page.text
