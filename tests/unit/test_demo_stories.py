"""The demo's plan (synthetic/stories.py): the seed's figures hold for any seed and size, and
nothing is planned after ``now``."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.leads.lead import Lead
from leadline.services.demo.organisation import same_account_keys
from leadline.synthetic import generate_leads
from leadline.synthetic.stories import (
    EXPANSION_SOURCES,
    LATE_AFTER,
    DealPlan,
    DealStep,
    DemoPlan,
    plan_stories,
)
from tests.unit.builders import make_lead

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
OPEN_STAGES = 6


def _plan(count: int, seed: int) -> tuple[list[Lead], DemoPlan]:
    leads = sorted(generate_leads(count, seed=seed, status_ids=[1, 2, 3, 4, 5], source_ids=list(range(8)),
                                  owner_ids=[1], now=NOW), key=lambda lead: lead.created_at)
    return leads, plan_stories([lead.created_at for lead in leads], NOW, random.Random(seed),
                               open_stages=OPEN_STAGES, companies=[lead.company for lead in leads])


def _deals(plan: DemoPlan) -> list[DealPlan]:
    return [s.deal for s in plan.stories if s.deal] + [e.deal for e in plan.expansions]


@pytest.mark.parametrize(("count", "seed"), [(100, 0), (100, 3), (400, 7), (1000, 11)])
def test_13_percent_of_leads_convert_one_per_company_and_63_percent_of_them_after_three_months(
    count: int, seed: int
) -> None:
    leads, plan = _plan(count, seed)
    converted = [s for s in plan.stories if s.converted_at is not None]
    assert len(converted) == round(0.13 * count)
    assert len({leads[s.index].company for s in converted}) == len(converted)
    late = [s for s in converted if s.converted_at - leads[s.index].created_at > LATE_AFTER]  # type: ignore[operator]
    assert len(late) == round(0.63 * len(converted))
    assert all(s.final is StatusKind.CONVERTED and s.deal is not None for s in converted)
    assert {s.final for s in plan.stories} == set(StatusKind)


@pytest.mark.parametrize("seed", [0, 3, 7])
def test_every_step_is_in_order_and_before_now(seed: int) -> None:
    leads, plan = _plan(400, seed)
    for story in plan.stories:
        moments = [leads[story.index].created_at, *(at for at, _ in story.moves)]
        if story.converted_at is not None:
            moments.append(story.converted_at)
        assert moments == sorted(moments) and moments[-1] < NOW
    for deal in _deals(plan):
        moments = [deal.opened, *(event.at for event in deal.events)]
        assert moments == sorted(moments) and moments[-1] < NOW
        stages = [event.stage for event in deal.events if event.step is DealStep.STAGE]
        assert stages == list(range(1, len(stages) + 1))  # one stage at a time, up
        gaps = [b.at - a.at for a, b in zip(deal.events, deal.events[1:], strict=False)
                if DealStep.PUSH not in (a.step, b.step)]
        assert all(gap >= timedelta(days=7) for gap in gaps)
        if deal.outcome is DealStep.WON:
            assert stages[-1] == OPEN_STAGES - 1


def test_expansion_deals_are_a_minority_at_customers_who_won_and_name_their_source() -> None:
    _, plan = _plan(400, 7)
    by_index = {s.index: s for s in plan.stories}
    assert 0 < len(plan.expansions) <= 0.25 * len(_deals(plan))
    assert len({e.index for e in plan.expansions}) == len(plan.expansions)
    for expansion in plan.expansions:
        first = by_index[expansion.index].deal
        assert first is not None and first.outcome is DealStep.WON and first.closed_at is not None
        assert expansion.deal.opened > first.closed_at
        assert expansion.source in dict(EXPANSION_SOURCES)


def test_some_deals_are_still_open_and_a_third_or_so_of_the_closed_ones_are_won() -> None:
    _, plan = _plan(400, 7)
    outcomes = [deal.outcome for deal in _deals(plan)]
    closed = [o for o in outcomes if o is not None]
    assert outcomes.count(None) >= 0.2 * len(outcomes)
    assert 0.2 <= closed.count(DealStep.WON) / len(closed) <= 0.45


def test_the_same_seed_plans_the_same_stories() -> None:
    assert _plan(200, 5)[1] == _plan(200, 5)[1]
    assert _plan(200, 5)[1] != _plan(200, 6)[1]


def test_leads_a_conversion_would_take_for_one_company_share_one_key() -> None:
    # given leads linked by a website domain, then by a company name spelled another way, and one apart
    leads = [make_lead(last_name="A", company="Lucky Fox Robotics, SA", website="https://luckyfox.example"),
             make_lead(last_name="B", company="Lucky Fox", website="http://www.luckyfox.example/about"),
             make_lead(last_name="C", company="LUCKY FOX"),
             make_lead(last_name="D", company="Initech", email="d@initech.example"),
             make_lead(last_name="E", company="Initrode", email="D@Initech.example")]
    # when the demo keys them
    keys = same_account_keys(leads)
    # then the first three share a key (domain, then name), the last two another (e-mail), apart from the first
    assert keys[0] == keys[1] == keys[2] and keys[3] == keys[4] and keys[0] != keys[3]


def test_leads_convert_in_proportion_to_their_weights_so_a_scoring_model_has_something_to_find() -> None:
    """Given every even lead nine times as likely as an odd one, when planned, about nine in ten
    conversions are even leads (uniform draws would give one in two)."""
    leads = sorted(generate_leads(1000, seed=11, status_ids=[1, 2, 3, 4, 5], source_ids=list(range(8)),
                                  owner_ids=[1], now=NOW), key=lambda lead: lead.created_at)
    weights = [9.0 if number % 2 == 0 else 1.0 for number in range(len(leads))]
    plan = plan_stories([lead.created_at for lead in leads], NOW, random.Random(11), open_stages=OPEN_STAGES,
                        companies=[str(number) for number in range(len(leads))], weights=weights)
    converted = [s.index for s in plan.stories if s.converted_at is not None]
    assert len(converted) == 130
    assert sum(1 for index in converted if index % 2 == 0) / len(converted) >= 0.8


def test_a_weight_that_is_not_positive_is_refused() -> None:
    moments = [NOW - timedelta(days=400 - day) for day in range(10)]
    with pytest.raises(ValueError, match="positive weight"):
        plan_stories(moments, NOW, random.Random(1), open_stages=OPEN_STAGES, weights=[1.0] * 9 + [0.0])
