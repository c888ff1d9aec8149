"""An opportunity's features for scoring, and which opportunities may teach a model.

The predicted chance of winning is offered *beside* the stage's probability, never instead of it.
Features are read as the opportunity stood at one moment: now for an open opportunity; for a
closed one that teaches, **at a reading age drawn alike for every closed opportunity, if it was
still open then** (``training_moments``, the rule of ``domain.scoring.reading``), from the
figures its history recorded until then. Read at the close, a closed deal's stage is the last
stage it reached (every won deal has passed the last open stage, every lost one stopped where it
died: "stage" predicted the outcome perfectly). Read halfway through its life (ADR 0064), its age
was half its life (a won deal closed fast looked young, a lost one that dragged on looked old)
and its activities, pushes, days in stage and even its stage then carried the life's length.
An open deal is scored at the age it has reached; a closed one teaches as it stood at an age
chosen without knowing when it closed:

* ``stage`` (the last open stage's label) and ``type``;
* ``age_days`` (since it was opened) and ``days_in_stage`` (since it entered that stage);
* ``amount`` (its figure, in its own currency);
* ``close_date_pushes``: how many times its close date was moved later;
* ``activities`` (logged up to the moment read) and ``days_since_activity`` (None without any);
* ``source`` and ``campaign``;
* ``owner_win_rate``: the owner's past win rate, smoothed, ``(won + 1) / (closed + 2)`` over the
  owner's *other* opportunities closed before the moment read (None for an owner without any).

**Training rule** (``opportunity_outcome``): an opportunity teaches once it is closed: won is
positive, lost negative. Open ones are scored, not learned from; one created already closed (no
open stage in its history) teaches nothing, nor does one closed before its reading moment.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from leadline.domain.opportunities.opportunity import Opportunity, OpportunityStage, Outcome
from leadline.domain.scoring.features import activity_until
from leadline.domain.scoring.interface import FeatureValue
from leadline.domain.scoring.reading import reading_moments
from leadline.domain.scoring.records import StoredScore

#: what the outcome word of an opportunity model's reasons reads: "in stage Negotiation: 35 of 50 won"
WON_WORD = "won"
#: what an opportunity's reading age is drawn under (``reading.reading_draw``)
READING_KIND = "opportunity"


@dataclass(frozen=True, slots=True)
class StageChange:
    """One entry of the opportunity's history: the figures it had from ``at``."""

    at: datetime
    stage_id: int
    amount: Decimal | None = None
    close_date: date | None = None


@dataclass(frozen=True, slots=True)
class OwnerRecord:
    """An owner's closings, each time sorted: all of them and the won ones."""

    closed: tuple[datetime, ...] = ()
    won: tuple[datetime, ...] = ()

    @classmethod
    def of(cls, closings: Iterable[tuple[datetime, bool]]) -> OwnerRecord:
        ordered = sorted(closings)
        return cls(tuple(at for at, _ in ordered), tuple(at for at, won in ordered if won))

    def before(self, moment: datetime) -> tuple[int, int]:
        """(won, closed) strictly before ``moment``: a closed opportunity's own closing is not counted."""
        return bisect_left(self.won, moment), bisect_left(self.closed, moment)


@dataclass(frozen=True, slots=True)
class OpportunityFacts:
    """What the features are read from: the opportunity, its history (oldest first) and what is
    recorded beside it. ``activities`` and ``last_activity_at`` are counted up to the moment read."""

    opportunity: Opportunity
    changes: tuple[StageChange, ...] = ()
    source: str | None = None
    campaign: str | None = None
    activities: int = 0
    last_activity_at: datetime | None = None
    owner: OwnerRecord = field(default_factory=OwnerRecord)
    #: every activity's time up to its close (else now), oldest first, when read: a closed
    #: opportunity's activities are then counted up to its reading moment; None: ``activities`` as given
    activity_times: tuple[datetime, ...] | None = None

    def activity_until(self, moment: datetime) -> tuple[int, datetime | None]:
        """How many activities were logged up to ``moment``, and the last one's time."""
        return activity_until(self.activity_times, self.activities, self.last_activity_at, moment)


class OpportunityScore(StoredScore):
    """An open opportunity's stored score, naming the model version it came from."""

    __slots__ = ()

    @property
    def opportunity_id(self) -> int:
        return self.record_id


def training_moments(facts: Sequence[OpportunityFacts], *, mean: timedelta | None = None
                     ) -> list[datetime | None]:
    """The moment each closed opportunity of a training set is read at (``reading.reading_moments``
    over their open lives, creation to close), or None when it closed before then. ``mean``: the
    reading ages' mean, by default ``reading.reading_mean`` of these lives (``open_lives``)."""
    return reading_moments([(f.opportunity.id, created, decided) for f, (created, decided)
                            in zip(facts, _spans(facts), strict=True)], kind=READING_KIND, mean=mean)


def open_lives(facts: Sequence[OpportunityFacts]) -> list[timedelta]:
    """How long each closed opportunity was open, creation to close."""
    return [decided - created for created, decided in _spans(facts)]


def _spans(facts: Sequence[OpportunityFacts]) -> list[tuple[datetime, datetime]]:
    return [(f.opportunity.created_at, f.opportunity.closed_at or f.opportunity.updated_at) for f in facts]


def open_changes(facts: OpportunityFacts, stages: Mapping[int, OpportunityStage], moment: datetime
                 ) -> list[StageChange]:
    """The history entries up to ``moment`` that left the opportunity in an open stage."""
    return [c for c in facts.changes
            if c.at <= moment and (s := stages.get(c.stage_id)) is not None and not s.is_closed]


def opportunity_outcome(facts: OpportunityFacts, stages: Mapping[int, OpportunityStage]) -> bool | None:
    """True (won) or False (lost) when the opportunity may teach a model, else None."""
    o = facts.opportunity
    if not o.is_closed() or not open_changes(facts, stages, o.closed_at or o.updated_at):
        return None
    return o.outcome is Outcome.WON


def opportunity_features(facts: OpportunityFacts, stages: Mapping[int, OpportunityStage],
                         moment: datetime) -> dict[str, FeatureValue]:
    """The feature row of one opportunity as it stood at ``moment``: now for an open one, its
    reading moment (``training_moments``) for a closed one that teaches."""
    o = facts.opportunity
    history = open_changes(facts, stages, moment)
    if o.is_closed():  # none recorded by then (a history written late): its first open stage
        history = history or open_changes(facts, stages, o.closed_at or moment)[:1]
    if o.is_closed() and history:
        stage_id, amount = history[-1].stage_id, history[-1].amount
    else:
        stage_id, amount = o.stage_id, o.amount
    stage = stages.get(stage_id)
    won, closed = facts.owner.before(moment)
    activities, last_activity = facts.activity_until(moment)
    return {
        "stage": stage.label if stage else None,
        "type": o.type.value.replace("_", " ") if o.type else None,
        "age_days": float(max(0, (moment - o.created_at).days)),
        "days_in_stage": float(max(0, (moment - entered_stage(history, stage_id, o.created_at)).days)),
        "amount": float(amount) if amount is not None else None,
        "close_date_pushes": float(close_date_pushes(history)),
        "activities": float(activities),
        "days_since_activity": None if last_activity is None else float(max(0, (moment - last_activity).days)),
        "source": facts.source,
        "campaign": facts.campaign,
        "owner_win_rate": round((won + 1) / (closed + 2), 2) if closed else None,
    }


def entered_stage(history: Sequence[StageChange], stage_id: int, created_at: datetime) -> datetime:
    """When the opportunity last entered ``stage_id``: the start of the latest run of entries in it."""
    entered = created_at
    for change in reversed(history):
        if change.stage_id != stage_id:
            break
        entered = change.at
    return entered


def close_date_pushes(history: Sequence[StageChange]) -> int:
    """How many times the close date moved later (a date set where there was none is no push).

    >>> close_date_pushes([StageChange(datetime(2026, 1, 1), 1, None, date(2026, 3, 1)),
    ...                    StageChange(datetime(2026, 2, 1), 1, None, date(2026, 4, 1)),
    ...                    StageChange(datetime(2026, 3, 1), 2, None, date(2026, 4, 1))])
    1
    """
    pushes, previous = 0, None
    for change in history:
        if previous is not None and change.close_date is not None and change.close_date > previous:
            pushes += 1
        previous = change.close_date if change.close_date is not None else previous
    return pushes
