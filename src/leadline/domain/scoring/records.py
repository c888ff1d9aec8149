"""What is stored of scoring: a trained model and a lead's score, each naming the model version."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from leadline.domain.scoring.interface import ModelVersion, Reason

#: what a model scores: a lead (converts or not) or an opportunity (won or lost; issue 19, item 3)
LEAD = "lead"
OPPORTUNITY = "opportunity"
#: the fewest outcomes (of both kinds) a model of either subject is trained on
MINIMUM_OUTCOMES = 20


@dataclass(frozen=True, slots=True)
class StoredModel:
    id: int
    subject: str
    version: ModelVersion
    trained_at: datetime
    outcomes: int
    positives: int
    #: the backtest that chose it: kind -> ROC AUC on the latest quarter, and notes
    backtest: dict[str, float] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    payload: bytes = b""


@dataclass(frozen=True, slots=True)
class StoredScore:
    """A record's stored score (a lead's, or an open opportunity's), naming the model version it
    came from. ``record_id`` is the lead's or the opportunity's id; the subclasses name it."""

    record_id: int
    score: int
    probability: float
    confident: bool
    model_id: int
    model_version: str
    scored_at: datetime
    up: tuple[Reason, ...] = ()
    down: tuple[Reason, ...] = ()


class LeadScore(StoredScore):
    """A lead's stored score."""

    __slots__ = ()

    @property
    def lead_id(self) -> int:
        return self.record_id
