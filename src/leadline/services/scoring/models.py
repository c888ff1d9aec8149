"""Training and evaluating the lead model on the organisation's own history.

``train_lead_model`` reads every lead, keeps those old enough to have had their chance
(``domain.scoring.features.outcome_of``), orders them by creation (oldest first), lets the
time-ordered backtest choose the model (``scoring.registry.choose_model``), stores it as the next
version of its kind, and re-scores every open lead with it, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from leadline.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.scoring.features import LeadFacts, lead_features, open_lives, outcome_of, training_moments
from leadline.domain.scoring.interface import FeatureRow, ModelVersion
from leadline.domain.scoring.reading import reading_mean
from leadline.domain.scoring.records import LEAD, MINIMUM_OUTCOMES, StoredModel
from leadline.scoring.registry import choose_model
from leadline.services.context import ServiceContext
from leadline.services.scoring.scores import BATCH, LoadedModel, score_all_leads, with_custom
from leadline.services.security.access import load_viewer

if TYPE_CHECKING:
    from leadline.scoring.backtest import Backtest
    from leadline.services.ports import UnitOfWork


@dataclass(frozen=True)
class Trained:
    model: StoredModel
    scored: int


def ensure_admin(uow: UnitOfWork, actor_id: int, ctx: ServiceContext) -> None:
    if not load_viewer(uow, actor_id, ctx).user.is_admin():
        raise PermissionDeniedError("only an admin trains or runs scoring", field="actor")


def require_model(uow: UnitOfWork) -> StoredModel:
    stored = uow.scoring.active_model(LEAD, with_payload=False)
    if stored is None:
        raise NotFoundError("no lead model is trained yet: run 'leadline score train'", field="model")
    return stored


@dataclass(frozen=True)
class TrainingSet:
    """The rows that teach, their outcomes and times (what the backtest splits by), oldest first,
    and how many records had an outcome (``decided``): only those open at their reading age teach."""

    rows: list[FeatureRow]
    outcomes: list[bool]
    times: list[datetime]
    decided: int

    def ensure_enough(self, needs: str, *, records: str, had: str, positive: str) -> None:
        """``VALIDATION_ERROR`` (field ``outcomes``) naming both counts, unless at least
        ``MINIMUM_OUTCOMES`` rows teach, of both outcomes."""
        ys = self.outcomes
        if len(ys) < MINIMUM_OUTCOMES or len(set(ys)) < 2:
            raise ValidationError(
                f"{needs} needs at least {MINIMUM_OUTCOMES} {records}, both {positive} and not; {self.decided} "
                f"{had}, {len(ys)} of them open at their reading age teach ({sum(ys)} {positive}): "
                f"docs/scoring.md", field="outcomes")


def reading_share(share: float | None, lives: Sequence[timedelta], order: Sequence[datetime]) -> timedelta | None:
    """The reading ages' mean from the earliest ``share`` of the records (by ``order``, as the
    backtest splits), so the latest ones, which test, do not set it; None (all of them) without."""
    if share is None:
        return None
    ranked = sorted(range(len(lives)), key=order.__getitem__)
    return reading_mean([lives[i] for i in ranked[:max(1, round(len(ranked) * share))]])


def training_set(ctx: ServiceContext, uow: UnitOfWork) -> tuple[list[FeatureRow], list[bool]]:
    """The feature rows and outcomes of every lead that has had its chance, oldest first, each
    read at an age drawn alike for all, if still open then (``domain.scoring.features.training_moments``)."""
    found = timed_training_set(ctx, uow)
    return found.rows, found.outcomes


def timed_training_set(ctx: ServiceContext, uow: UnitOfWork, *, mean_share: float | None = None) -> TrainingSet:
    """``training_set`` with each lead's creation time beside it (what the backtest splits by).
    ``mean_share``: the reading ages' mean from that earliest share of the leads only (``reading_share``)."""
    now, after = ctx.now(), 0
    decided: list[tuple[LeadFacts, bool, bool]] = []
    while True:
        batch = uow.scoring.lead_facts(after_id=after, limit=BATCH)
        if not batch:
            break
        after = batch[-1][0].lead.id
        kept = [(f, y, unqualified) for f, unqualified in batch
                if (y := outcome_of(f.lead, unqualified=unqualified, now=now)) is not None]
        facts = with_custom(ctx, uow, [f for f, _, _ in kept])
        decided += [(f, y, unqualified) for f, (_, y, unqualified) in zip(facts, kept, strict=True)]
    leads = [(f.lead, unqualified) for f, _, unqualified in decided]
    mean = reading_share(mean_share, open_lives(leads, now=now), [lead.created_at for lead, _ in leads])
    moments = training_moments(leads, now=now, mean=mean)
    found = [(f, y, at) for (f, y, _), at in zip(decided, moments, strict=True) if at is not None]
    found.sort(key=lambda kept: kept[0].lead.created_at)
    return TrainingSet([lead_features(f, at) for f, _, at in found], [y for _, y, _ in found],
                       [f.lead.created_at for f, _, _ in found], len(decided))


def train_lead_model(ctx: ServiceContext, actor_id: int) -> Trained:
    """Train, store and apply the next lead model. ``VALIDATION_ERROR`` (field ``outcomes``) with
    fewer than ``MINIMUM_OUTCOMES`` outcomes that teach or only one kind of outcome."""
    with ctx.uow_factory() as uow:
        ensure_admin(uow, actor_id, ctx)
        found = timed_training_set(ctx, uow)
        found.ensure_enough("scoring", records="leads with an outcome", had="have one", positive="converted")
        rows, ys = found.rows, found.outcomes
        choice = choose_model(rows, ys)
        kind = choice.model.kind
        stored = StoredModel(new_id(), LEAD, ModelVersion(kind, uow.scoring.latest_number(LEAD, kind) + 1),
                             ctx.now(), len(ys), sum(ys), {k: e.roc_auc for k, e in choice.backtests.items()},
                             tuple(f"{k}: {why}" for k, why in choice.skipped.items()), choice.model.to_payload())
        uow.scoring.add_model(stored)
        scored = score_all_leads(ctx, uow, LoadedModel.fresh(choice.model, stored))
        uow.commit()
        return Trained(stored, scored)


def evaluate_lead_model(ctx: ServiceContext, actor_id: int) -> Backtest:
    """``leadline score evaluate``: Leadline's choice of model, the naive-Bayes frequency baseline
    and a logistic regression, fitted on the earlier 75 % of the leads that have had their chance
    (by creation) and measured on the latest 25 %, in one run (as the opportunities' evaluation).
    The reading ages' mean comes from the earlier 75 % only."""
    from leadline.scoring.backtest import TEST_SHARE, run_backtest
    from leadline.scoring.table import Table, TableError

    with ctx.reader() as uow:
        ensure_admin(uow, actor_id, ctx)
        found = timed_training_set(ctx, uow, mean_share=1 - TEST_SHARE)
    found.ensure_enough("evaluation", records="leads with an outcome", had="have one", positive="converted")
    rows, ys, times = found.rows, found.outcomes, found.times
    kinds = {name: "number" if isinstance(v, float) else "category"
             for row in rows for name, v in row.items() if v is not None}
    try:
        return run_backtest(Table(list(rows), ys, times, "converted", kinds))  # type: ignore[arg-type]
    except TableError as error:
        raise ValidationError(f"evaluation needs more outcomes of each kind: {error}", field="outcomes") from error
