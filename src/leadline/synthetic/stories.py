"""What happens to each demo lead, planned before anything is stored (standard library only).

The demo (``services/demo/organisation.py``) plays these stories through the use cases, each step with the
clock pinned at its moment. The shape follows the figures the project grew from:

* ``OPPORTUNITY_RATE`` of the leads become opportunities (converted with one), drawn in
  proportion to each lead's ``weights`` when given (the generator's true conversion chance,
  ``synthetic/propensity.py``), so a scoring model trained on the demo has something to find;
* ``LATE_CONVERSION_SHARE`` of those conversions come more than ``LATE_AFTER`` after the lead
  arrived; the others within weeks;
* a converted lead's opportunity moves up the open stages a few weeks at a time and is won
  (``WIN_RATE``) or lost at some stage, unless ``now`` comes first: then it is still open;
* ``EXPANSION_RATE`` expansion deals per conversion (at most one per account) open at accounts
  that won a first deal;
* the leads that do not convert end in a status that fits their age: young leads are mostly
  open, old ones mostly disqualified.

The counts are drawn exactly (not coin by coin), so even a small demo shows the figures.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from leadline.domain.configuration.statuses import StatusKind

OPPORTUNITY_RATE = 0.13
LATE_CONVERSION_SHARE = 0.63
LATE_AFTER = timedelta(days=90)
WIN_RATE = 0.35
EXPANSION_RATE = 0.2
#: (age in days below which, weights of Open, Working, Qualified, Unqualified) for unconverted leads
AGE_BANDS: tuple[tuple[int, tuple[int, int, int, int]], ...] = (
    (14, (75, 25, 0, 0)),
    (60, (30, 45, 10, 15)),
    (180, (4, 30, 8, 58)),
    (10**6, (1, 25, 4, 70)),
)
UNCONVERTED = (StatusKind.OPEN, StatusKind.WORKING, StatusKind.QUALIFIED, StatusKind.UNQUALIFIED)
#: How an expansion deal reached the sales team, by weight (labels of the default lead sources).
EXPANSION_SOURCES: tuple[tuple[str, int], ...] = (
    ("Customer referral", 45), ("Phone call", 25), ("Website form", 15), ("Other", 15),
)
MARGIN = timedelta(hours=1)  # nothing is planned closer to ``now`` than this


class DealStep(StrEnum):
    STAGE = "stage"  # moved up to open stage number ``stage`` (0 is the first)
    PUSH = "push"  # the expected close date moved to ``close_date``
    WON = "won"
    LOST = "lost"


@dataclass(frozen=True, slots=True)
class DealEvent:
    at: datetime
    step: DealStep
    stage: int = 0
    close_date: date | None = None


@dataclass(frozen=True, slots=True)
class DealPlan:
    opened: datetime
    expected_close: date
    events: tuple[DealEvent, ...]

    @property
    def outcome(self) -> DealStep | None:
        """WON or LOST if the deal closes before ``now``, else None (still open)."""
        last = self.events[-1].step if self.events else None
        return last if last in (DealStep.WON, DealStep.LOST) else None

    @property
    def closed_at(self) -> datetime | None:
        return self.events[-1].at if self.outcome else None


@dataclass(frozen=True, slots=True)
class LeadStory:
    """The lead at ``index`` (of the leads given, oldest first): its status moves before the end,
    and for a converted lead the moment and its opportunity."""

    index: int
    final: StatusKind
    moves: tuple[tuple[datetime, StatusKind], ...] = ()
    converted_at: datetime | None = None
    deal: DealPlan | None = None


@dataclass(frozen=True, slots=True)
class Expansion:
    """A further deal at the account the converted lead ``index`` became."""

    index: int
    source: str
    deal: DealPlan


@dataclass(frozen=True)
class DemoPlan:
    stories: list[LeadStory]
    expansions: list[Expansion] = field(default_factory=list)


def plan_stories(created: Sequence[datetime], now: datetime, rng: random.Random, *, open_stages: int,
                 companies: Sequence[str] | None = None, weights: Sequence[float] | None = None) -> DemoPlan:
    """The stories of leads created at ``created`` (ascending), the sales process having
    ``open_stages`` open stages; the same for the same ``rng`` state. With the leads'
    ``companies``, at most one lead per company converts (a company becomes one account); with
    their ``weights`` (positive), a lead is drawn to convert in proportion to its weight."""
    if open_stages < 1:
        raise ValueError("a sales process has at least one open stage")
    if weights is not None and (len(weights) != len(created) or any(w <= 0 for w in weights)):
        raise ValueError("one positive weight per lead")
    cumulative = list(itertools.accumulate(weights if weights is not None else [1.0] * len(created)))
    lags = _conversion_lags(created, now, rng, companies or [str(i) for i in range(len(created))], cumulative)
    wins = [number < round(WIN_RATE * len(lags)) for number in range(len(lags))]
    rng.shuffle(wins)
    won = dict(zip(sorted(lags), wins, strict=True))
    stories = []
    for index, moment in enumerate(created):
        if index in lags:
            deal = plan_deal(moment + lags[index], now, rng, open_stages, won=won[index])
            stories.append(_converted(index, moment, lags[index], rng, deal))
        else:
            stories.append(_unconverted(index, moment, now, rng))
    return DemoPlan(stories, _expansions(stories, now, rng, open_stages))


def _conversion_lags(created: Sequence[datetime], now: datetime, rng: random.Random,
                     companies: Sequence[str], cumulative: Sequence[float]) -> dict[int, timedelta]:
    """Which leads convert and how long after they arrived: late ones first (fewer leads are old
    enough), each among the leads old enough for its lag, one per company, drawn by weight
    (``cumulative``: the running sum of the leads' weights)."""
    wanted = round(OPPORTUNITY_RATE * len(created))
    late = round(LATE_CONVERSION_SHARE * wanted)
    lags: dict[int, timedelta] = {}
    taken: set[str] = set()
    for number in range(wanted):
        if number < late:
            lag = LATE_AFTER + timedelta(days=1 + int(rng.triangular(0, 270, 20)), hours=rng.randint(0, 8))
        else:
            lag = timedelta(days=rng.randint(12, 89), hours=rng.randint(0, 8))
        limit = bisect.bisect_left(created, now - lag - timedelta(days=2))
        index = _free_index(limit, companies, taken, rng, cumulative)
        if index is not None:
            lags[index] = lag
            taken.add(companies[index])
    return lags


def _free_index(limit: int, companies: Sequence[str], taken: set[str], rng: random.Random,
                cumulative: Sequence[float]) -> int | None:
    """An index below ``limit``, drawn by weight, whose company is not taken yet (None if all are)."""
    for _ in range(64 if limit else 0):
        index = min(bisect.bisect_right(cumulative, rng.random() * cumulative[limit - 1], 0, limit), limit - 1)
        if companies[index] not in taken:
            return index
    free = [i for i in range(limit) if companies[i] not in taken]
    return rng.choice(free) if free else None


def _converted(index: int, created: datetime, lag: timedelta, rng: random.Random, deal: DealPlan) -> LeadStory:
    converted = created + lag
    contacted = created + min(timedelta(days=rng.randint(0, 4), hours=rng.randint(1, 8)), lag / 10)
    qualified = converted - min(timedelta(days=rng.randint(1, 21)), lag / 3)
    moves = ((contacted, StatusKind.WORKING), (qualified, StatusKind.QUALIFIED))
    return LeadStory(index, StatusKind.CONVERTED, moves, converted, deal)


def _unconverted(index: int, created: datetime, now: datetime, rng: random.Random) -> LeadStory:
    age = (now - created).days
    weights = next(w for limit, w in AGE_BANDS if age < limit)
    final = rng.choices(UNCONVERTED, weights=weights)[0]
    latest = now - MARGIN
    contacted = min(created + timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 8)), latest)
    if final is StatusKind.OPEN or contacted <= created:
        return LeadStory(index, StatusKind.OPEN)
    moves = [(contacted, StatusKind.WORKING)]
    if final is not StatusKind.WORKING:
        later = timedelta(days=rng.randint(2, 45), hours=rng.randint(0, 8))
        moves.append((max(contacted, min(contacted + later, latest)), final))
    return LeadStory(index, final, tuple(moves))


def plan_deal(opened: datetime, now: datetime, rng: random.Random, open_stages: int, *,
              won: bool | None = None) -> DealPlan:
    """A deal opened at the first open stage: up the stages a few weeks at a time to its end (won
    after the last open stage, or lost at one of them after weeks of silence), cut short by
    ``now``; its expected close date pushed when it passes with the deal still open. Won with
    ``WIN_RATE`` unless ``won`` says."""
    won = rng.random() < WIN_RATE if won is None else won
    last = open_stages - 1 if won else rng.choices(range(open_stages), weights=range(open_stages, 0, -1))[0]
    expected = (opened + timedelta(days=15 * open_stages + rng.randint(-10, 25))).date()
    events: list[DealEvent] = []
    moment = opened
    for stage in [*range(1, last + 1), None]:
        silence = stage is None and not won
        moment += timedelta(days=rng.randint(14, 60) if silence else rng.randint(7, 35), hours=rng.randint(0, 8))
        if moment >= now - MARGIN:
            break
        if stage is None:
            events.append(DealEvent(moment, DealStep.WON if won else DealStep.LOST))
        else:
            events.append(DealEvent(moment, DealStep.STAGE, stage))
    return DealPlan(opened, expected, tuple(sorted(events + _pushes(events, expected, now, rng),
                                                   key=lambda e: e.at)))


def _pushes(events: list[DealEvent], expected: date, now: datetime, rng: random.Random) -> list[DealEvent]:
    """Up to two pushes of the expected close date, each on the day it passes with the deal open."""
    closed = events[-1].at if events and events[-1].step in (DealStep.WON, DealStep.LOST) else None
    pushes = []
    for _ in range(2):
        passing = datetime.combine(expected, datetime.min.time(), now.tzinfo) + timedelta(hours=9)
        if passing >= now - MARGIN or (closed is not None and passing >= closed):
            break
        expected += timedelta(days=rng.randint(21, 60))
        pushes.append(DealEvent(passing, DealStep.PUSH, close_date=expected))
    return pushes


def _expansions(stories: list[LeadStory], now: datetime, rng: random.Random, open_stages: int) -> list[Expansion]:
    """``EXPANSION_RATE`` deals per conversion at accounts whose first deal was won a month or more ago."""
    converted = [s for s in stories if s.converted_at is not None]
    won = [s for s in converted if s.deal and s.deal.outcome is DealStep.WON
           and s.deal.closed_at is not None and s.deal.closed_at < now - timedelta(days=45)]
    chosen = rng.sample(won, min(len(won), round(EXPANSION_RATE * len(converted))))
    labels, weights = zip(*EXPANSION_SOURCES, strict=True)
    expansions = []
    for story in sorted(chosen, key=lambda s: s.index):
        assert story.deal is not None and story.deal.closed_at is not None
        room = (now - story.deal.closed_at).days - 14
        later = timedelta(days=rng.randint(30, max(30, min(room, 200))), hours=rng.randint(0, 8))
        opened = story.deal.closed_at + later
        expansions.append(Expansion(story.index, rng.choices(labels, weights=weights)[0],
                                    plan_deal(min(opened, now - timedelta(days=1)), now, rng, open_stages)))
    return expansions
