"""Training and evaluating the lead model on the organisation's own history.

``train_lead_model`` reads every lead, keeps those old enough to have had their chance
(``domain.scoring.features.outcome_of``), orders them by creation (oldest first), lets the
time-ordered backtest choose the model (``scoring.registry.choose_model``), stores it as the next
version of its kind, and re-scores every open lead with it, all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from leadline.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.scoring.features import LeadFacts, lead_features, outcome_of
from leadline.domain.scoring.interface import FeatureRow, ModelVersion
from leadline.domain.scoring.metrics import Evaluation, evaluate
from leadline.domain.scoring.records import LEAD, StoredModel
from leadline.scoring.registry import choose_model
from leadline.services.context import ServiceContext
from leadline.services.scoring.scores import BATCH, LoadedModel, score_all_leads, with_custom
from leadline.services.security.access import load_viewer

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

MINIMUM_OUTCOMES = 20


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


def training_set(ctx: ServiceContext, uow: UnitOfWork) -> tuple[list[FeatureRow], list[bool]]:
    """The feature rows and outcomes of every lead that has had its chance, oldest first."""
    now, after = ctx.now(), 0
    found: list[tuple[LeadFacts, bool]] = []
    while True:
        batch = uow.scoring.lead_facts(after_id=after, limit=BATCH)
        if not batch:
            break
        after = batch[-1][0].lead.id
        kept = [(f, y) for f, unqualified in batch
                if (y := outcome_of(f.lead, unqualified=unqualified, now=now)) is not None]
        facts = with_custom(ctx, uow, [f for f, _ in kept])
        found += [(f, y) for f, (_, y) in zip(facts, kept, strict=True)]
    found.sort(key=lambda pair: pair[0].lead.created_at)
    return [lead_features(f, now) for f, _ in found], [y for _, y in found]


def train_lead_model(ctx: ServiceContext, actor_id: int) -> Trained:
    """Train, store and apply the next lead model. ``VALIDATION_ERROR`` (field ``outcomes``) with
    fewer than ``MINIMUM_OUTCOMES`` outcomes or only one kind of outcome."""
    with ctx.uow_factory() as uow:
        ensure_admin(uow, actor_id, ctx)
        rows, ys = training_set(ctx, uow)
        if len(ys) < MINIMUM_OUTCOMES or len(set(ys)) < 2:
            raise ValidationError(f"scoring needs at least {MINIMUM_OUTCOMES} leads with an outcome, both "
                                  f"converted and not; there are {len(ys)} ({sum(ys)} converted)", field="outcomes")
        choice = choose_model(rows, ys)
        kind = choice.model.kind
        stored = StoredModel(new_id(), LEAD, ModelVersion(kind, uow.scoring.latest_number(LEAD, kind) + 1),
                             ctx.now(), len(ys), sum(ys), {k: e.roc_auc for k, e in choice.backtests.items()},
                             tuple(f"{k}: {why}" for k, why in choice.skipped.items()), choice.model.to_payload())
        uow.scoring.add_model(stored)
        scored = score_all_leads(ctx, uow, LoadedModel.fresh(choice.model, stored))
        uow.commit()
        return Trained(stored, scored)


def evaluate_lead_model(ctx: ServiceContext, actor_id: int) -> tuple[int, int, Evaluation, dict[str, float]]:
    """``leadline score evaluate``: the current choice of model backtested on the organisation's
    history: fitted on the earlier 75 % of its outcomes, measured on the latest 25 %. Answers the
    train and test sizes, the measures, and the candidates' ROC AUCs from the choice."""
    with ctx.reader() as uow:
        ensure_admin(uow, actor_id, ctx)
        rows, ys = training_set(ctx, uow)
    cut = int(len(ys) * 0.75)
    if cut < MINIMUM_OUTCOMES or len(set(ys[:cut])) < 2 or len(set(ys[cut:])) < 2:
        raise ValidationError(f"evaluation needs more outcomes of each kind; there are {len(ys)} "
                              f"({sum(ys)} converted)", field="outcomes")
    choice = choose_model(rows[:cut], ys[:cut])
    result = evaluate(choice.model.predict(rows[cut:]), ys[cut:])
    return cut, len(ys) - cut, result, {k: e.roc_auc for k, e in choice.backtests.items()}
