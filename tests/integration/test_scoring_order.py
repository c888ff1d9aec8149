"""The leads list sorted by stored score on SQLite and PostgreSQL: keyset pages walk every lead
once, ties broken by id, unscored leads last in both directions, with a score range or without."""

from __future__ import annotations

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.queries import LEAD_SORTS, LeadQuery, Page
from leadline.domain.saved_views import LeadViewFilters
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.scoring.scores import rescore_leads
from tests.conftest import FakeClock
from tests.integration.test_scoring_paths import lead, store_model


def walk(ctx: ServiceContext, admin_id: int, sort: str, query: LeadQuery, size: int = 3) -> list[int]:
    """Every id of the list, page after page by the cursor each page gives."""
    seen: list[int] = []
    cursor = None
    while True:
        page = Page.parse(size, sort, cursor, allowed=LEAD_SORTS)
        rows = leads.list_leads(ctx, admin_id, query, page)
        seen += [d.lead.id for d in rows]
        if len(rows) < size:
            return seen
        cursor = leads.lead_cursor(page, rows[-1])


@pytest.fixture
def scored(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> tuple[dict[int, int], list[int]]:
    """Eleven leads: three scores (trade show high, no source middle, web form low) with ties,
    and four leads never scored. Answers score by lead id, and the unscored ids."""
    sources = ["Trade show", "Website form", "", "Trade show", "Website form", "", "Trade show"]
    made = [lead(ctx, admin_id, f"S{i}", source) for i, source in enumerate(sources)]
    unscored = [lead(ctx, admin_id, f"U{i}") for i in range(4)]
    store_model(ctx, clock)
    with ctx.uow_factory() as uow:
        scores = {s.lead_id: s.score for s in rescore_leads(ctx, uow, made)}
        uow.commit()
    assert len(set(scores.values())) == 3
    return scores, unscored


def test_pages_by_score_walk_every_lead_once_with_unscored_leads_last(
        ctx: ServiceContext, admin_id: int, scored: tuple[dict[int, int], list[int]]) -> None:
    scores, unscored = scored
    down = sorted(scores, key=lambda i: (scores[i], i), reverse=True) + sorted(unscored, reverse=True)
    up = sorted(scores, key=lambda i: (scores[i], i)) + sorted(unscored)
    assert walk(ctx, admin_id, "-score", LeadQuery()) == down
    assert walk(ctx, admin_id, "score", LeadQuery()) == up
    assert walk(ctx, admin_id, "-score", LeadQuery(), size=4) == down  # a page ending inside the unscored part


def test_a_score_range_sorted_by_score_leaves_unscored_leads_out(
        ctx: ServiceContext, admin_id: int, scored: tuple[dict[int, int], list[int]]) -> None:
    scores, _ = scored
    middle = sorted(set(scores.values()))[1]
    wanted = sorted((i for i in scores if scores[i] >= middle), key=lambda i: (scores[i], i), reverse=True)
    assert walk(ctx, admin_id, "-score", LeadQuery(min_score=middle), size=2) == wanted
    assert walk(ctx, admin_id, "score", LeadQuery(max_score=middle - 1)) == sorted(
        i for i in scores if scores[i] < middle)


def test_a_forged_score_cursor_is_refused(ctx: ServiceContext, admin_id: int) -> None:
    page = Page.parse(3, "-score")
    with pytest.raises(ValidationError) as refused:
        Page.parse(3, "-score", page.cursor_of(101, 5), allowed=LEAD_SORTS)
    assert refused.value.field == "cursor"
    with pytest.raises(ValidationError):
        Page.parse(3, "-created_at", page.cursor_of(50, 5), allowed=LEAD_SORTS)  # another order's cursor


def test_a_saved_view_keeps_the_score_sort_and_floor() -> None:
    filters = LeadViewFilters.parse(sort="-score", min_score="40")
    assert LeadViewFilters.from_data(filters.as_data()) == filters
    assert ("min_score", "40") in filters.as_pairs() and ("sort", "-score") in filters.as_pairs()
    for bad in ("101", "-1", "4.5", "high"):
        with pytest.raises(ValidationError) as refused:
            LeadViewFilters.parse(min_score=bad)
        assert refused.value.field == "min_score"
