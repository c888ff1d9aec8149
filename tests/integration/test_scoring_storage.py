"""Lead scoring on each database: a model trained from the history is stored with its version,
every open lead's stored score names it, a changed lead is re-scored in its own transaction, and
the next training makes the next version."""

from __future__ import annotations

import pytest

from leadline.domain.errors import PermissionDeniedError, ValidationError
from leadline.domain.queries import LeadQuery, Page
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.scoring import models, reads
from leadline.services.security.users import add_user
from tests.conftest import FakeClock
from tests.integration.lead_scoring_support import decided_leads


def _history(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> list[int]:
    """``decided_leads``, then an open lead from each source."""
    made = decided_leads(ctx, admin_id, clock)
    for source in ("Trade show", "Website form"):
        made.append(leads.create_lead(ctx, admin_id, {"last_name": source, "company": f"{source} Co",
                                                      "source": source}).lead.id)
    return made


def test_training_stores_a_versioned_model_and_scores_open_leads_naming_it(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    made = _history(ctx, admin_id, clock)
    fresh = leads.create_lead(ctx, admin_id, {"last_name": "New", "company": "New Co", "source": "Trade show"})
    trained = models.train_lead_model(ctx, admin_id)
    assert str(trained.model.version) == "frequency@1"
    assert (trained.model.outcomes, trained.model.positives) == (30, 10)
    score = reads.get_lead_score(ctx, admin_id, fresh.lead.id)
    assert score is not None and score.model_version == "frequency@1"
    assert score.confident is False  # 30 outcomes are thin
    assert any(r.text == "from Trade show: 8 of 10 converted" for r in score.up)
    web = reads.get_lead_score(ctx, admin_id, made[-1])
    assert web is not None and web.score < score.score
    assert any(r.text == "from Website form: 2 of 20 converted" for r in web.down)
    assert reads.get_lead_score(ctx, admin_id, made[1]) is None  # converted: its outcome is known
    details = leads.get_lead(ctx, admin_id, fresh.lead.id)
    assert details.score is not None and details.score.score == score.score
    again = models.train_lead_model(ctx, admin_id)
    assert str(again.model.version) == "frequency@2"
    assert [str(m.version) for m in reads.list_models(ctx)] == ["frequency@2", "frequency@1"]
    assert reads.get_lead_score(ctx, admin_id, fresh.lead.id).model_version == "frequency@2"  # type: ignore[union-attr]


def test_a_changed_lead_is_rescored_in_the_same_transaction(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    _history(ctx, admin_id, clock)
    lead = leads.create_lead(ctx, admin_id, {"last_name": "Later", "company": "Later Co", "source": "Website form"})
    models.train_lead_model(ctx, admin_id)
    before = reads.get_lead_score(ctx, admin_id, lead.lead.id)
    clock.advance(minutes=5)
    leads.update_lead(ctx, admin_id, lead.lead.id, {"source": "Trade show"})
    after = reads.get_lead_score(ctx, admin_id, lead.lead.id)
    assert before is not None and after is not None
    assert after.score > before.score and after.scored_at > before.scored_at
    captured = leads.create_lead(ctx, admin_id, {"last_name": "Captured", "company": "C Co", "source": "Trade show"})
    assert reads.get_lead_score(ctx, admin_id, captured.lead.id) is not None  # scored on capture


def test_lists_filter_by_stored_score(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    _history(ctx, admin_id, clock)
    models.train_lead_model(ctx, admin_id)
    high = leads.list_leads(ctx, admin_id, LeadQuery(min_score=40), Page(limit=100))
    low = leads.list_leads(ctx, admin_id, LeadQuery(max_score=39), Page(limit=100))
    assert high and low
    assert all(d.score is not None and d.score.score >= 40 for d in high)
    assert {d.source.label for d in high if d.source} == {"Trade show"}
    assert all(d.score is not None and d.score.score <= 39 for d in low)


def test_training_refuses_too_little_history_and_non_admins(ctx: ServiceContext, admin_id: int) -> None:
    leads.create_lead(ctx, admin_id, {"last_name": "Only", "company": "One"})
    with pytest.raises(ValidationError) as refused:
        models.train_lead_model(ctx, admin_id)
    assert refused.value.field == "outcomes"
    rep = add_user(ctx, admin_id, name="Rep", email="rep@example.com")
    with pytest.raises(PermissionDeniedError):
        models.train_lead_model(ctx, rep.id)
