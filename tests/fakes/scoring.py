"""In-memory scoring store: models and scores kept on the fake's tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.scoring.features import LeadFacts
from leadline.domain.scoring.records import LeadScore, StoredModel
from tests.fakes.tables import Tables


class ScoringRepository:
    def __init__(self, tables: Tables) -> None:
        self.t = tables

    def add_model(self, model: StoredModel) -> None:
        self.t.scoring_models.append(model)

    def latest_number(self, subject: str, kind: str) -> int:
        return max((m.version.number for m in self.t.scoring_models
                    if m.subject == subject and m.version.kind == kind), default=0)

    def active_model(self, subject: str, *, with_payload: bool = True) -> StoredModel | None:
        models = [m for m in self.t.scoring_models if m.subject == subject]
        if not models:
            return None
        newest = max(models, key=lambda m: m.trained_at)
        return newest if with_payload else replace(newest, payload=b"")

    def models(self, subject: str) -> list[StoredModel]:
        return sorted((replace(m, payload=b"") for m in self.t.scoring_models if m.subject == subject),
                      key=lambda m: m.trained_at, reverse=True)

    def lead_facts(self, lead_ids: Sequence[int] | None = None, *, after_id: int = 0,
                   limit: int | None = None) -> list[tuple[LeadFacts, bool]]:
        leads = sorted((lead for lead in self.t.leads.values() if lead.merged_into_id is None), key=lambda x: x.id)
        if lead_ids is not None:
            leads = [lead for lead in leads if lead.id in set(lead_ids)]
        else:
            leads = [lead for lead in leads if lead.id > after_id][:limit]
        out = []
        for lead in leads:
            source = self.t.sources.get(lead.source_id) if lead.source_id else None
            status = self.t.statuses[lead.status_id]
            out.append((LeadFacts(lead, source.label if source else None), status.kind is StatusKind.UNQUALIFIED))
        return out

    def save_scores(self, scores: Iterable[LeadScore]) -> None:
        for score in scores:
            self.t.lead_scores[score.lead_id] = score

    def lead_scores(self, lead_ids: Sequence[int]) -> dict[int, LeadScore]:
        return {i: self.t.lead_scores[i] for i in lead_ids if i in self.t.lead_scores}
