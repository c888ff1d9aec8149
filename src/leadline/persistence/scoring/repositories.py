"""Scoring's port in SQL: models stored with their payloads, scores replaced per lead, and the
facts a lead's features are read from (one query for the leads and their labels, one for their
activity counts, one for quiz answers)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
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
from leadline.persistence.mapping import to_domain_many
from leadline.persistence.scoring.rows import LeadScoreRow, ScoringModelRow

_LEAD_COLUMNS = [c for c in LeadRow.__table__.c]


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
        r = ScoringModelRow
        columns = [r.id, r.subject, r.kind, r.number, r.trained_at, r.outcomes, r.positives, r.summary]
        query = select(*columns, r.payload if with_payload else func.length(r.payload)).where(r.subject == subject)
        query = query.order_by(r.trained_at.desc(), r.id.desc()).limit(limit)
        out = []
        for row in self.session.execute(query):
            summary = json.loads(row.summary)
            payload = row[-1] if with_payload else b""
            out.append(StoredModel(row.id, row.subject, ModelVersion(row.kind, row.number), row.trained_at,
                                   row.outcomes, row.positives, summary["backtest"], tuple(summary["notes"]),
                                   bytes(payload)))
        return out

    def lead_facts(self, lead_ids: Sequence[int] | None = None, *, after_id: int = 0,
                   limit: int | None = None) -> list[tuple[LeadFacts, bool]]:
        status = LeadStatusRow
        query = (select(*_LEAD_COLUMNS, LeadSourceRow.label.label("source_label"),
                        CampaignRow.name.label("campaign_name"), status.kind.label("status_kind"))
                 .join(status, status.id == LeadRow.status_id)
                 .outerjoin(LeadSourceRow, LeadSourceRow.id == LeadRow.source_id)
                 .outerjoin(CampaignRow, CampaignRow.id == LeadRow.campaign_id)
                 .where(LeadRow.merged_into_id.is_(None)))
        if lead_ids is not None:
            query = query.where(LeadRow.id.in_(list(lead_ids)))
        else:
            query = query.where(LeadRow.id > after_id).order_by(LeadRow.id).limit(limit)
        result = self.session.execute(query)
        rows = result.all()
        if not rows:
            return []
        keys = list(result.keys())
        leads = to_domain_many(Lead, _Rows(keys, rows))
        ids = [lead.id for lead in leads]
        activity = self._activity(ids)
        quizzes = self._quizzes(ids)
        out = []
        for lead, row in zip(leads, rows, strict=True):
            count, last = activity.get(lead.id, (0, None))
            facts = LeadFacts(lead, row.source_label, row.campaign_name, count, last, quizzes.get(lead.id, {}))
            out.append((facts, row.status_kind is StatusKind.UNQUALIFIED))
        return out

    def _activity(self, ids: list[int]) -> dict[int, tuple[int, Any]]:
        link = ActivityLinkRow
        query = (select(link.record_id, func.count(), func.max(ActivityRow.created_at))
                 .join(ActivityRow, ActivityRow.id == link.activity_id)
                 .where(link.record_type == RecordType.LEAD, link.record_id.in_(ids)).group_by(link.record_id))
        return {row[0]: (int(row[1]), row[2]) for row in self.session.execute(query)}

    def _quizzes(self, ids: list[int]) -> dict[int, dict[str, object]]:
        c = LeadCaptureRow
        query = select(c.lead_id, c.quiz_answers).where(c.lead_id.in_(ids), c.quiz_answers.is_not(None))
        out: dict[int, dict[str, object]] = {}
        for lead_id, answers in self.session.execute(query):
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
        self.session.execute(delete(LeadScoreRow).where(LeadScoreRow.lead_id.in_([v["lead_id"] for v in values])))
        self.session.execute(insert(LeadScoreRow), values)

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


class _Rows:
    """A fetched result as ``to_domain_many`` reads it."""

    def __init__(self, keys: list[str], rows: list[Any]) -> None:
        self._keys, self._rows = keys, rows

    def all(self) -> list[Any]:
        return self._rows

    def keys(self) -> list[str]:
        return self._keys
