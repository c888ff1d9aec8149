"""Opportunity scoring: the chance an open opportunity is won, beside (never instead of) its
stage's probability. The same machinery as leads (``scoring.registry.choose_model``, the stored
versioned models, ``loaded``); its own features (``domain.scoring.opportunity``) and subject.

``train_opportunity_model`` reads every opportunity, keeps the closed ones (won: positive, lost:
negative), orders them by their close (oldest first: the backtest trains on the past), lets the
backtest choose the model, stores it as the next version of its kind, and re-scores every open
opportunity, all in one transaction. A changed opportunity is re-scored in the transaction that
changed it (``rescore_opportunity``, docs/adr/0040); a closed one loses its score.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from leadline.domain.errors import NotFoundError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.opportunities.opportunity import OpportunityStage
from leadline.domain.scoring.interface import FeatureRow, ModelVersion
from leadline.domain.scoring.opportunity import (
    WON_WORD,
    OpportunityFacts,
    OpportunityScore,
    OwnerRecord,
    open_lives,
    opportunity_features,
    opportunity_outcome,
    training_moments,
)
from leadline.domain.scoring.records import OPPORTUNITY, StoredModel
from leadline.scoring.registry import choose_model
from leadline.services.context import ServiceContext
from leadline.services.scoring.models import Trained, TrainingSet, ensure_admin, reading_share
from leadline.services.scoring.scores import BATCH, LoadedModel, Rescored, loaded

if TYPE_CHECKING:
    from leadline.scoring.backtest import Backtest
    from leadline.services.ports import UnitOfWork


def stages_of(ctx: ServiceContext, uow: UnitOfWork) -> dict[int, OpportunityStage]:
    return {s.id: s for s in ctx.config(uow).stages}


def _with_owners(facts: Sequence[OpportunityFacts], owners: Mapping[int, OwnerRecord]) -> list[OpportunityFacts]:
    return [dataclasses.replace(f, owner=owners.get(f.opportunity.owner_id or 0, OwnerRecord())) for f in facts]


def opportunity_training_set(ctx: ServiceContext, uow: UnitOfWork, *, mean_share: float | None = None
                             ) -> TrainingSet:
    """The feature rows, outcomes and close times of every closed opportunity that teaches, oldest
    close first, each read at an age drawn alike for all (``domain.scoring.opportunity.training_moments``).
    ``mean_share``: the reading ages' mean from that earliest share (by close) only (``reading_share``)."""
    now, after, stages = ctx.now(), 0, stages_of(ctx, uow)
    owners = uow.opportunity_scoring.owner_records()
    closed: list[tuple[OpportunityFacts, bool]] = []
    while batch := uow.opportunity_scoring.opportunity_facts(now, after_id=after, limit=BATCH):
        after = batch[-1].opportunity.id
        closed += [(facts, outcome) for facts in _with_owners(batch, owners)
                   if (outcome := opportunity_outcome(facts, stages)) is not None
                   and facts.opportunity.closed_at is not None]
    facts_only = [facts for facts, _ in closed]
    mean = reading_share(mean_share, open_lives(facts_only), [f.opportunity.closed_at or now for f in facts_only])
    moments = training_moments(facts_only, mean=mean)
    found: list[tuple[datetime, FeatureRow, bool]] = [
        (facts.opportunity.closed_at or now, opportunity_features(facts, stages, moment), outcome)
        for (facts, outcome), moment in zip(closed, moments, strict=True) if moment is not None]
    found.sort(key=lambda item: item[0])
    return TrainingSet([item[1] for item in found], [item[2] for item in found], [item[0] for item in found],
                       len(closed))


def _ensure_outcomes(found: TrainingSet, needs: str = "opportunity scoring") -> None:
    found.ensure_enough(needs, records="closed opportunities", had="are closed", positive="won")


def train_opportunity_model(ctx: ServiceContext, actor_id: int) -> Trained:
    """Train, store and apply the next opportunity model. ``VALIDATION_ERROR`` (field ``outcomes``)
    with fewer than ``MINIMUM_OUTCOMES`` closed opportunities that teach or only one kind of outcome."""
    with ctx.uow_factory() as uow:
        ensure_admin(uow, actor_id, ctx)
        found = opportunity_training_set(ctx, uow)
        _ensure_outcomes(found)
        rows, ys = found.rows, found.outcomes
        choice = choose_model(rows, ys, outcome_word=WON_WORD)
        kind = choice.model.kind
        stored = StoredModel(new_id(), OPPORTUNITY,
                             ModelVersion(kind, uow.scoring.latest_number(OPPORTUNITY, kind) + 1), ctx.now(),
                             len(ys), sum(ys), {k: e.roc_auc for k, e in choice.backtests.items()},
                             tuple(f"{k}: {why}" for k, why in choice.skipped.items()), choice.model.to_payload())
        uow.scoring.add_model(stored)
        scored = score_all_opportunities(ctx, uow, LoadedModel.fresh(choice.model, stored))
        uow.commit()
        return Trained(stored, scored)


def evaluate_opportunity_model(ctx: ServiceContext, actor_id: int) -> Backtest:
    """``leadline score evaluate``: Leadline's choice of model, the naive-Bayes frequency baseline
    and a logistic regression, fitted on the earlier 75 % of the closed opportunities (by close)
    and measured on the latest 25 %, in one run. The reading ages' mean comes from the earlier 75 % only."""
    from leadline.scoring.backtest import TEST_SHARE, run_backtest
    from leadline.scoring.table import Table, TableError

    with ctx.reader() as uow:
        ensure_admin(uow, actor_id, ctx)
        found = opportunity_training_set(ctx, uow, mean_share=1 - TEST_SHARE)
    _ensure_outcomes(found, "opportunity evaluation")
    rows, ys, times = found.rows, found.outcomes, found.times
    kinds = {name: "number" if isinstance(v, float) else "category"
             for row in rows for name, v in row.items() if v is not None}
    try:
        return run_backtest(Table(list(rows), ys, times, WON_WORD, kinds), outcome_word=WON_WORD)  # type: ignore[arg-type]
    except TableError as error:
        raise ValidationError(f"evaluation needs more closed opportunities of each kind: {error}",
                              field="outcomes") from error


def score_facts(loaded: LoadedModel, facts: Sequence[OpportunityFacts],
                stages: Mapping[int, OpportunityStage], now: datetime) -> list[OpportunityScore]:
    """Scores of the open opportunities among ``facts`` (closed ones are left out: their outcome is
    known), naming the loaded model's version; none when it cannot score at all."""
    model, stored = loaded.model, loaded.stored
    if model is None:
        return []
    open_facts = [f for f in facts if not f.opportunity.is_closed()]
    rows = [opportunity_features(f, stages, now) for f in open_facts]
    out = []
    for f, row, probability in zip(open_facts, rows, model.predict(rows), strict=True):
        why = model.score(row)
        out.append(OpportunityScore(f.opportunity.id, round(probability * 100), probability, why.confident,
                                    stored.id, loaded.version, now, why.up, why.down))
    return out


def score_all_opportunities(ctx: ServiceContext, uow: UnitOfWork, model: LoadedModel) -> int:
    """Score every open opportunity with ``model`` in batches (not committed here); how many."""
    now, after, count = ctx.now(), 0, 0
    stages, owners = stages_of(ctx, uow), uow.opportunity_scoring.owner_records()
    while batch := uow.opportunity_scoring.opportunity_facts(now, after_id=after, limit=BATCH):
        after = batch[-1].opportunity.id
        scores = score_facts(model, _with_owners(batch, owners), stages, now)
        uow.opportunity_scoring.save_scores(scores)
        count += len(scores)
    return count


def rescore_opportunity(ctx: ServiceContext, uow: UnitOfWork, opportunity_id: int) -> OpportunityScore | None:
    """Score one opportunity again inside the caller's unit of work (not committed here): after a
    stage move, an amount or close date changed, a close or a reopening. None before any model is
    trained, or when it is closed (its score is then removed)."""
    stored = uow.scoring.active_model(OPPORTUNITY, with_payload=False)
    if stored is None:
        return None
    facts = uow.opportunity_scoring.opportunity_facts(ctx.now(), [opportunity_id])
    if not facts or facts[0].opportunity.is_closed():
        uow.opportunity_scoring.delete_scores([opportunity_id])
        return None
    owner = facts[0].opportunity.owner_id
    owners = uow.opportunity_scoring.owner_records([owner]) if owner is not None else {}
    scores = score_facts(loaded(uow, stored), _with_owners(facts, owners), stages_of(ctx, uow), ctx.now())
    uow.opportunity_scoring.save_scores(scores)
    return scores[0] if scores else None


def score_opportunities(ctx: ServiceContext, actor_id: int) -> Rescored:
    """``leadline score opportunities``: every open opportunity scored again with the current
    model, in one transaction. ``NOT_FOUND`` (field ``model``) before any training."""
    with ctx.uow_factory() as uow:
        ensure_admin(uow, actor_id, ctx)
        model = loaded(uow, require_opportunity_model(uow))
        count = score_all_opportunities(ctx, uow, model)
        uow.commit()
        return Rescored(count, model.version, model.problem)


def require_opportunity_model(uow: UnitOfWork) -> StoredModel:
    stored = uow.scoring.active_model(OPPORTUNITY, with_payload=False)
    if stored is None:
        raise NotFoundError("no opportunity model is trained yet: run 'leadline score train --kind opportunities'",
                            field="model")
    return stored
