"""Scoring's port in SQL: models stored with their payloads, scores replaced per lead, and the
facts a lead's features are read from (one query for the leads and their labels, one for their
activity counts, one for quiz answers)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, select
from sqlalchemy.orm import Session

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.leads.lead import Lead
from leadline.domain.scoring.features import LeadFacts
from leadline.domain.scoring.interface import ModelVersion, Reason
from leadline.domain.scoring.records import LeadScore, StoredModel
from leadline.persistence.activities.rows import ActivityLinkRow, ActivityRow
from leadline.persistence.campaigns.rows import CampaignRow
from leadline.persistence.capture.rows import LeadCaptureRow
from leadline.persistence.configuration.rows import LeadSourceRow, LeadStatusRow
from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.mapping import FetchedRows, to_domain_many
from leadline.persistence.scoring.rows import LeadScoreRow, ScoringModelRow


# Built once (a re-score runs on every change of a lead: building its statements cost more than
# running them, bench/RESULTS.md issue 19) and run on the session's connection.
def _facts() -> Select[Any]:
    status = LeadStatusRow.__table__
    lead, source, campaign = LeadRow.__table__, LeadSourceRow.__table__, CampaignRow.__table__
    return (select(*lead.c, source.c.label.label("source_label"), campaign.c.name.label("campaign_name"),
                   status.c.kind.label("status_kind"))
            .join(status, status.c.id == lead.c.status_id)
            .outerjoin(source, source.c.id == lead.c.source_id)
            .outerjoin(campaign, campaign.c.id == lead.c.campaign_id)
            .where(lead.c.merged_into_id.is_(None)))


_IDS = bindparam("ids", expanding=True)
_FACTS_OF = _facts().where(LeadRow.__table__.c.id.in_(_IDS))
_FACTS_AFTER = _facts().where(LeadRow.__table__.c.id > bindparam("after")).order_by(LeadRow.__table__.c.id)
_LINK, _ACTIVITY, _CAPTURE = ActivityLinkRow.__table__, ActivityRow.__table__, LeadCaptureRow.__table__
_ACTIVITY_OF = (select(_LINK.c.record_id, _ACTIVITY.c.created_at)
                .join(_ACTIVITY, _ACTIVITY.c.id == _LINK.c.activity_id)
                .where(_LINK.c.record_type == RecordType.LEAD, _LINK.c.record_id.in_(_IDS))
                .order_by(_LINK.c.record_id, _ACTIVITY.c.created_at))
_QUIZZES_OF = (select(_CAPTURE.c.lead_id, _CAPTURE.c.quiz_answers)
               .where(_CAPTURE.c.lead_id.in_(_IDS), _CAPTURE.c.quiz_answers.is_not(None)))


def _models_statement(with_payload: bool, limit: int | None) -> Select[Any]:
    r = ScoringModelRow.__table__.c
    columns = [r.id, r.subject, r.kind, r.number, r.trained_at, r.outcomes, r.positives, r.summary]
    return (select(*columns, r.payload if with_payload else func.length(r.payload))
            .where(r.subject == bindparam("subject")).order_by(r.trained_at.desc(), r.id.desc()).limit(limit))


#: the stored models of a subject, newest first: (with the payload?, how many) -> statement
_MODELS = {(payload, limit): _models_statement(payload, limit) for payload in (True, False) for limit in (1, None)}
_DELETE_SCORES = delete(LeadScoreRow.__table__).where(LeadScoreRow.__table__.c.lead_id.in_(_IDS))
_INSERT_SCORE = insert(LeadScoreRow.__table__)


class ScoringRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_model(self, model: StoredModel) -> None:
        self.session.execute(insert(ScoringModelRow).values(
            id=model.id, subject=model.subject, kind=model.version.kind, number=model.version.number,
            trained_at=model.trained_at, outcomes=model.outcomes, positives=model.positives,
            summary=json.dumps({"backtest": model.backtest, "notes": list(model.notes)}), payload=model.payload))

    def latest_number(self, subject: str, kind: str) -> int:
        r = ScoringModelRow
        found = self.session.scalar(select(func.max(r.number)).where(r.subject == subject, r.kind == kind))
        return int(found or 0)

    def active_model(self, subject: str, *, with_payload: bool = True) -> StoredModel | None:
        models = self._models(subject, limit=1, with_payload=with_payload)
        return models[0] if models else None

    def models(self, subject: str) -> list[StoredModel]:
        return self._models(subject, limit=None, with_payload=False)

    def _models(self, subject: str, *, limit: int | None, with_payload: bool) -> list[StoredModel]:
        out = []
        for row in self.session.connection().execute(_MODELS[with_payload, limit], {"subject": subject}):
            summary = json.loads(row.summary)
            payload = row[-1] if with_payload else b""
            out.append(StoredModel(row.id, row.subject, ModelVersion(row.kind, row.number), row.trained_at,
                                   row.outcomes, row.positives, summary["backtest"], tuple(summary["notes"]),
                                   bytes(payload)))
        return out

    def lead_facts(self, lead_ids: Sequence[int] | None = None, *, after_id: int = 0,
                   limit: int | None = None) -> list[tuple[LeadFacts, bool]]:
        self.session.flush()  # what the ORM holds (an activity just logged) is counted
        connection = self.session.connection()
        if lead_ids is not None:
            result = connection.execute(_FACTS_OF, {"ids": list(lead_ids)})
        else:
            result = connection.execute(_FACTS_AFTER.limit(limit), {"after": after_id})
        rows = result.all()
        if not rows:
            return []
        keys = list(result.keys())
        leads = to_domain_many(Lead, FetchedRows(keys, rows))
        ids = [lead.id for lead in leads]
        activity = self._activity(ids)
        quizzes = self._quizzes(ids)
        out = []
        for lead, row in zip(leads, rows, strict=True):
            times = tuple(activity.get(lead.id, ()))
            facts = LeadFacts(lead, row.source_label, row.campaign_name, len(times), times[-1] if times else None,
                              quizzes.get(lead.id, {}), activity_times=times)
            out.append((facts, row.status_kind is StatusKind.UNQUALIFIED))
        return out

    def _activity(self, ids: list[int]) -> dict[int, list[Any]]:
        """Each lead's activity times, oldest first (a lead that teaches is read as of a moment of
        its open life: ``domain.scoring.features.training_moments``)."""
        out: dict[int, list[Any]] = {}
        for lead_id, at in self.session.connection().execute(_ACTIVITY_OF, {"ids": ids}):
            out.setdefault(lead_id, []).append(at)
        return out

    def _quizzes(self, ids: list[int]) -> dict[int, dict[str, object]]:
        out: dict[int, dict[str, object]] = {}
        for lead_id, answers in self.session.connection().execute(_QUIZZES_OF, {"ids": ids}):
            try:
                loaded = json.loads(answers)
            except ValueError:
                continue
            if isinstance(loaded, dict):
                out[lead_id] = {str(k): v for k, v in loaded.items() if not isinstance(v, dict | list)}
        return out

    def save_scores(self, scores: Iterable[LeadScore]) -> None:
        values = [{"lead_id": s.lead_id, "score": s.score, "probability": s.probability, "confident": s.confident,
                   "model_id": s.model_id, "model_version": s.model_version, "scored_at": s.scored_at,
                   "reasons": json.dumps({"up": [_reason(r) for r in s.up], "down": [_reason(r) for r in s.down]})}
                  for s in scores]
        if not values:
            return
        connection = self.session.connection()
        connection.execute(_DELETE_SCORES, {"ids": [v["lead_id"] for v in values]})
        connection.execute(_INSERT_SCORE, values)

    def lead_scores(self, lead_ids: Sequence[int]) -> dict[int, LeadScore]:
        if not lead_ids:
            return {}
        s = LeadScoreRow
        out = {}
        query = select(*(s.__table__.c[name] for name in SCORE_COLUMNS)).where(s.lead_id.in_(list(lead_ids)))
        for values in self.session.execute(query):
            score = lead_score_of(tuple(values))
            if score is not None:
                out[score.lead_id] = score
        return out


#: the stored score's columns in the order ``lead_score_of`` reads them (also joined by ``leads.reads``)
SCORE_COLUMNS = ("lead_id", "score", "probability", "confident", "model_id", "model_version", "scored_at", "reasons")


def lead_score_of(values: Sequence[Any]) -> LeadScore | None:
    """A ``LeadScore`` from the values of ``SCORE_COLUMNS``; None when they are empty (an outer join)."""
    if values[0] is None:
        return None
    reasons = json.loads(values[-1])
    return LeadScore(*values[:-1], tuple(Reason(*r) for r in reasons["up"]),  # type: ignore[arg-type]
                     tuple(Reason(*r) for r in reasons["down"]))


def _reason(reason: Reason) -> list[object]:
    return [reason.feature, reason.value, reason.converted, reason.total, reason.effect, reason.text]

