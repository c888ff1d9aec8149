"""The opportunities list sorted by stored predicted-win score on SQLite and PostgreSQL (ADR 0046's
statements, ADR 0048's scores): keyset pages walk every opportunity once, ties broken by id,
unscored ones (closed, or never scored) last in both directions, with a score range or without;
the stage's probability is never what is sorted."""

from __future__ import annotations

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.queries import OPPORTUNITY_SORTS, Page, RecordQuery
from leadline.services.context import ServiceContext
from leadline.services.scoring.opportunities import train_opportunity_model
from leadline.services.scoring.opportunity_reads import list_scored_opportunities
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.conftest import FakeClock
from tests.integration.opportunity_scoring_support import closed_history, open_deal


def walk(ctx: ServiceContext, actor: int, sort: str, query: RecordQuery, size: int = 4) -> list[int]:
    """Every id of the list, page after page by the cursor each page gives."""
    seen: list[int] = []
    cursor = None
    while True:
        page = Page.parse(size, sort, cursor, allowed=OPPORTUNITY_SORTS)
        found = list_scored_opportunities(ctx, actor, query, page)
        seen += [o.id for o in found.rows]
        cursor = found.next_cursor(page)
        if cursor is None:
            return seen


Scored = tuple[dict[int, int], list[int]]


@pytest.fixture
def scored(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> Scored:
    """30 closed opportunities (unscored) and seven open ones in three stages, scored with ties,
    one of them then unscored again. Answers score by id, and the unscored ids."""
    account = closed_history(ctx, admin_id, clock)
    stages = ["Negotiation", "Prospecting", "Proposal/Quote", "Negotiation", "Prospecting", "Proposal/Quote",
              "Negotiation"]
    made = [open_deal(ctx, admin_id, account, f"Open {i}", stage=stage) for i, stage in enumerate(stages)]
    train_opportunity_model(ctx, admin_id)
    with ctx.uow_factory() as uow:
        uow.opportunity_scoring.delete_scores([made[-1]])  # as if created after the last scoring run
        uow.commit()
        scores = {i: s.score for i, s in uow.opportunity_scoring.scores(made).items()}
        everything = [o.id for o in uow.opportunities.list(RecordQuery(), Page(limit=500))]
    assert len(set(scores.values())) >= 2 and len(scores) == 6
    return scores, [i for i in everything if i not in scores]


def test_pages_by_score_walk_every_opportunity_once_with_unscored_ones_last(
        ctx: ServiceContext, admin_id: int, scored: Scored) -> None:
    scores, unscored = scored
    down = sorted(scores, key=lambda i: (scores[i], i), reverse=True) + sorted(unscored, reverse=True)
    up = sorted(scores, key=lambda i: (scores[i], i)) + sorted(unscored)
    assert walk(ctx, admin_id, "-score", RecordQuery()) == down
    assert walk(ctx, admin_id, "score", RecordQuery()) == up
    assert walk(ctx, admin_id, "-score", RecordQuery(), size=5) == down  # a page ending inside the unscored part


def test_a_score_range_sorted_by_score_or_not_leaves_unscored_ones_out(
        ctx: ServiceContext, admin_id: int, scored: Scored) -> None:
    scores, _ = scored
    top = max(scores.values())
    wanted = sorted((i for i in scores if scores[i] >= top), key=lambda i: (scores[i], i), reverse=True)
    assert walk(ctx, admin_id, "-score", RecordQuery(min_score=top), size=2) == wanted
    assert walk(ctx, admin_id, "score", RecordQuery(max_score=top - 1)) == sorted(
        (i for i in scores if scores[i] < top), key=lambda i: (scores[i], i))
    assert walk(ctx, admin_id, "-id", RecordQuery(min_score=top)) == sorted(wanted, reverse=True)
    open_only = RecordQuery(outcomes=("open",))
    assert set(walk(ctx, admin_id, "-score", open_only)) == set(scores) | {max(walk(ctx, admin_id, "-id", open_only))}


def test_a_rep_walks_only_the_opportunities_they_may_read_by_score(
        ctx: ServiceContext, admin_id: int, scored: Scored) -> None:
    scores, _ = scored
    set_sharing(ctx, admin_id, "account", "public_read_write")  # opportunities stay private
    sam = add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com", password="correct horse battery").id
    with ctx.uow_factory() as uow:
        account = uow.accounts.list(RecordQuery(), Page(limit=1))[0].id
    mine = [open_deal(ctx, sam, account, f"Sam {i}", stage=stage)
            for i, stage in enumerate(("Prospecting", "Negotiation", "Prospecting"))]
    with ctx.reader() as uow:
        sam_scores = {i: s.score for i, s in uow.opportunity_scoring.scores(mine).items()}
    assert walk(ctx, sam, "-score", RecordQuery(), size=2) == sorted(
        mine, key=lambda i: (sam_scores[i], i), reverse=True)
    assert not set(walk(ctx, sam, "score", RecordQuery())) & set(scores)


def test_a_forged_or_foreign_score_cursor_is_refused() -> None:
    page = Page.parse(3, "-score", allowed=OPPORTUNITY_SORTS)
    with pytest.raises(ValidationError) as refused:
        Page.parse(3, "-score", page.cursor_of(101, 5), allowed=OPPORTUNITY_SORTS)
    assert refused.value.field == "cursor"
    with pytest.raises(ValidationError) as refused:
        Page.parse(3, "-amount", page.cursor_of(50, 5), allowed=OPPORTUNITY_SORTS)  # another order's cursor
    assert refused.value.field == "cursor"
