"""Scoring leads with the stored model: in batches, and one lead again when it changes.

A lead is re-scored inside the transaction that changed it (docs/adr/0040): its stored score
then always matches its stored fields, and a rollback takes both back. Nothing happens before a
model is trained. Loaded models are kept by their id (a stored model never changes), so a
re-score costs the model look-up, the lead's facts and one write.

A boosted model stored by another scikit-learn is not unpickled (``scoring.boosted``): its own
frequency tables score instead, each score naming ``boosted@N (frequency fallback)``, and a
warning says to retrain; one stored before its version was recorded scores nothing until then.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ValidationError
from leadline.domain.leads.lead import Lead
from leadline.domain.scoring.features import LeadFacts, lead_features
from leadline.domain.scoring.interface import ScoringModel
from leadline.domain.scoring.records import LEAD, MINIMUM_OUTCOMES, LeadScore, StoredModel
from leadline.domain.scoring.wording import unscored_reason
from leadline.scoring.registry import StaleModelError, load_model
from leadline.services.context import ServiceContext

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

BATCH = 5000
FALLBACK = "frequency fallback"
_KEEP = 4
log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class LoadedModel:
    """A stored model ready to score: ``model`` (None: it cannot score at all), the stored record,
    the version its scores name, and why it is not the model as stored (None when it is)."""

    model: ScoringModel | None
    stored: StoredModel
    version: str
    problem: str | None = None

    @classmethod
    def fresh(cls, model: ScoringModel, stored: StoredModel) -> LoadedModel:
        return cls(model, stored, str(stored.version))


_LOADED: OrderedDict[int, LoadedModel] = OrderedDict()


def loaded(uow: UnitOfWork, stored: StoredModel) -> LoadedModel:
    """The stored model, deserialised once per process (kept by id: a stored model never changes);
    a boosted model of another scikit-learn falls back to its frequency tables, with a warning."""
    found = _LOADED.get(stored.id)
    if found is None:
        payload = stored.payload or _payload(uow, stored)
        try:
            found = LoadedModel.fresh(load_model(stored.version.kind, payload), stored)
        except StaleModelError as error:
            log.warning("lead model %s: %s", stored.version, error)
            found = LoadedModel(error.tables, stored, f"{stored.version} ({FALLBACK})", str(error))
        _LOADED[stored.id] = found
        while len(_LOADED) > _KEEP:
            _LOADED.popitem(last=False)
    return found


def _payload(uow: UnitOfWork, stored: StoredModel) -> bytes:
    full = uow.scoring.active_model(stored.subject)
    assert full is not None and full.id == stored.id, "the model was replaced inside this transaction"
    return full.payload


def with_custom(ctx: ServiceContext, uow: UnitOfWork, facts: Sequence[LeadFacts]) -> list[LeadFacts]:
    """The facts with each lead's custom values added (one query for all)."""
    definitions = ctx.config(uow).custom_fields_of(RecordType.LEAD)
    if not definitions:
        return list(facts)
    values = uow.custom_fields.values_for(definitions, [f.lead.id for f in facts])
    return [dataclasses.replace(f, custom=values.get(f.lead.id, {})) for f in facts]


def score_facts(loaded: LoadedModel, facts: Sequence[LeadFacts], now: datetime) -> list[LeadScore]:
    """Scores of open leads (converted ones are left out: their outcome is known)."""
    model, out = loaded.model, list[LeadScore]()
    if model is None:
        return out
    for f in facts:
        if f.lead.is_converted():
            continue
        why = model.score(lead_features(f, now))  # its probability is ``predict``'s: not computed twice
        out.append(LeadScore(f.lead.id, why.score, why.probability, why.confident, loaded.stored.id,
                             loaded.version, now, why.up, why.down))
    return out


def rescore_lead(ctx: ServiceContext, uow: UnitOfWork, lead_id: int) -> LeadScore | None:
    """Score one lead again inside the caller's unit of work (not committed here); None before
    any model is trained or when the lead is converted."""
    scores = rescore_leads(ctx, uow, [lead_id])
    return scores[0] if scores else None


def rescore_leads(ctx: ServiceContext, uow: UnitOfWork, lead_ids: Iterable[int]) -> list[LeadScore]:
    """Score these leads again inside the caller's unit of work (not committed here), in batches
    of ``BATCH``: one model look-up for all, then per batch one read of their facts and one write.
    Every path that changes leads calls it before its commit (docs/adr/0040); converted and merged
    leads are left as they are. Nothing happens (one statement) before a model is trained."""
    ids = list(dict.fromkeys(lead_ids))
    if not ids:
        return []
    stored = uow.scoring.active_model(LEAD, with_payload=False)
    if stored is None:
        return []
    model, now, out = loaded(uow, stored), ctx.now(), list[LeadScore]()
    if model.model is None:
        return out
    for start in range(0, len(ids), BATCH):
        facts = with_custom(ctx, uow, [f for f, _ in uow.scoring.lead_facts(ids[start:start + BATCH])])
        scores = score_facts(model, facts, now)
        uow.scoring.save_scores(scores)
        out += scores
    return out


def score_all_leads(ctx: ServiceContext, uow: UnitOfWork, model: LoadedModel) -> int:
    """Score every open lead with ``model`` in batches (not committed here); how many were scored."""
    now, after, count = ctx.now(), 0, 0
    while True:
        batch = [f for f, _ in uow.scoring.lead_facts(after_id=after, limit=BATCH)]
        if not batch:
            return count
        scores = score_facts(model, with_custom(ctx, uow, batch), now)
        uow.scoring.save_scores(scores)
        count += len(scores)
        after = batch[-1].lead.id


@dataclasses.dataclass(frozen=True)
class Rescored:
    """What scoring every open record again did (``score leads``, ``score opportunities``)."""

    count: int
    #: the version the scores name, and why the model is not used as stored (None when it is)
    version: str
    problem: str | None = None


def score_leads(ctx: ServiceContext, actor_id: int) -> Rescored:
    """``leadline score leads``: every open lead scored again with the current model, in one
    transaction. Raises ``NotFoundError`` (field ``model``) before any training, and
    ``VALIDATION_FAILED`` (field ``model``) for a model that cannot be loaded at all."""
    from leadline.services.scoring.models import ensure_admin, require_model

    with ctx.uow_factory() as uow:
        ensure_admin(uow, actor_id, ctx)
        model = loaded(uow, require_model(uow))
        if model.model is None:
            raise ValidationError(model.problem or "the model cannot be loaded", field="model")
        count = score_all_leads(ctx, uow, model)
        uow.commit()
        return Rescored(count, model.version, model.problem)


def lead_unscored_reason(uow: UnitOfWork, lead: Lead) -> str:
    """Why ``lead`` has no stored score, in a rep's words (``domain.scoring.wording.unscored_reason``)."""
    decided = lead.is_converted()  # its outcome is known: no need to ask whether a model exists
    return unscored_reason(LEAD, decided=decided,
                           has_model=not decided and uow.scoring.active_model(LEAD, with_payload=False) is not None,
                           minimum=MINIMUM_OUTCOMES)
