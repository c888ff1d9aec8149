"""Opportunity scoring on each database: a model trained on the closed opportunities is stored
with its version (beside the lead models), every open opportunity's stored score names it, a
changed opportunity is re-scored in its own transaction (a closed one loses its score), and a
rep reads only the scores of opportunities the rep may read."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from leadline.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from leadline.domain.opportunities.opportunity import ForecastCategory
from leadline.domain.queries import Page, RecordQuery
from leadline.domain.scoring.reading import reading_age
from leadline.services import activities, records
from leadline.services.context import ServiceContext
from leadline.services.opportunities import lifecycle
from leadline.services.scoring import opportunities as scoring
from leadline.services.scoring import opportunity_reads as reads
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.conftest import FakeClock
from tests.integration.opportunity_scoring_support import closed_history as _history
from tests.integration.opportunity_scoring_support import open_deal as _deal


def test_training_stores_a_versioned_model_and_scores_open_opportunities_naming_it(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    account = _history(ctx, admin_id, clock)
    late = _deal(ctx, admin_id, account, "Late", stage="Negotiation")
    early = _deal(ctx, admin_id, account, "Early")
    trained = scoring.train_opportunity_model(ctx, admin_id)
    assert str(trained.model.version) == "frequency@1" and trained.model.subject == "opportunity"
    assert (trained.model.outcomes, trained.model.positives, trained.scored) == (30, 10, 2)
    score = reads.get_opportunity_score(ctx, admin_id, late)
    assert score is not None and score.model_version == "frequency@1" and score.confident is False
    assert any(r.text == "in stage Negotiation: 8 of 10 won" for r in score.up)
    low = reads.get_opportunity_score(ctx, admin_id, early)
    assert low is not None and low.score < score.score
    assert any(r.text == "in stage Prospecting: 2 of 20 won" for r in low.down)
    opportunity = records.get_record(ctx, admin_id, "opportunity", late)
    assert opportunity.probability == 75  # the stage's probability is kept beside the score
    assert [str(m.version) for m in reads.list_opportunity_models(ctx)] == ["frequency@1"]
    assert str(scoring.train_opportunity_model(ctx, admin_id).model.version) == "frequency@2"
    assert reads.get_opportunity_score(ctx, admin_id, late).model_version == "frequency@2"  # type: ignore[union-attr]


def test_a_changed_opportunity_is_rescored_in_the_same_transaction(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    account = _history(ctx, admin_id, clock)
    scoring.train_opportunity_model(ctx, admin_id)
    deal = _deal(ctx, admin_id, account, "New")
    before = reads.get_opportunity_score(ctx, admin_id, deal)
    assert before is not None  # scored when it was created
    clock.advance(minutes=5)
    lifecycle.move_stage(ctx, admin_id, deal, "Negotiation")
    after = reads.get_opportunity_score(ctx, admin_id, deal)
    assert after is not None and after.score > before.score and after.scored_at > before.scored_at
    clock.advance(minutes=5)
    records.update_record(ctx, admin_id, "opportunity", deal, {"close_date": "2027-03-31"})
    pushed = reads.get_opportunity_score(ctx, admin_id, deal)
    assert pushed is not None and pushed.scored_at > after.scored_at
    lifecycle.close_opportunity(ctx, admin_id, deal, "lost", reason="Price")
    assert reads.get_opportunity_score(ctx, admin_id, deal) is None  # closed: its outcome is known


def test_a_rep_reads_only_the_scores_of_opportunities_the_rep_may_read(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    account = _history(ctx, admin_id, clock)
    set_sharing(ctx, admin_id, "opportunity", "private")
    set_sharing(ctx, admin_id, "account", "public_read_write")
    owner = add_user(ctx, admin_id, name="Rep A", email="a@example.com")
    peer = add_user(ctx, admin_id, name="Rep B", email="b@example.com")
    scoring.train_opportunity_model(ctx, admin_id)
    mine = _deal(ctx, owner.id, account, "Mine")
    assert reads.get_opportunity_score(ctx, owner.id, mine) is not None
    with pytest.raises(NotFoundError):
        reads.get_opportunity_score(ctx, peer.id, mine)
    assert reads.opportunity_scores(ctx, peer.id, [mine]) == {}
    assert set(reads.opportunity_scores(ctx, owner.id, [mine])) == {mine}


def test_training_refuses_too_little_history_and_non_admins(ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    _deal(ctx, admin_id, account, "Only")
    with pytest.raises(ValidationError) as refused:
        scoring.train_opportunity_model(ctx, admin_id)
    assert refused.value.field == "outcomes"
    rep = add_user(ctx, admin_id, name="Rep", email="rep@example.com")
    with pytest.raises(PermissionDeniedError):
        scoring.train_opportunity_model(ctx, rep.id)
    with pytest.raises(NotFoundError):
        scoring.score_opportunities(ctx, admin_id)


def test_the_list_filters_by_the_stored_score(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    account = _history(ctx, admin_id, clock)
    scoring.train_opportunity_model(ctx, admin_id)
    late, early = _deal(ctx, admin_id, account, "Late", "Negotiation"), _deal(ctx, admin_id, account, "Early")
    cut = reads.get_opportunity_score(ctx, admin_id, late).score  # type: ignore[union-attr]
    page = Page(limit=100)
    high = records.list_records(ctx, admin_id, "opportunity", RecordQuery(min_score=cut), page)
    low = records.list_records(ctx, admin_id, "opportunity", RecordQuery(max_score=cut - 1), page)
    assert [o.id for o in high] == [late] and [o.id for o in low] == [early]  # closed ones have no score
    with pytest.raises(ValidationError) as refused:
        RecordQuery(min_score=101)
    assert refused.value.field == "min_score"


def test_the_forecast_predicts_won_plus_open_amounts_times_their_chances(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    """Over the year: what was won, plus 1000 x each open deal's stored chance; a rep's figure holds
    only what the rep may read."""
    account = _history(ctx, admin_id, clock)
    set_sharing(ctx, admin_id, "opportunity", "private")
    set_sharing(ctx, admin_id, "account", "public_read_write")
    rep = add_user(ctx, admin_id, name="Rep A", email="a@example.com")
    unscored = _deal(ctx, admin_id, account, "Before any model")
    scoring.train_opportunity_model(ctx, admin_id)
    mine = _deal(ctx, rep.id, account, "Mine", "Negotiation")
    chances = {o: reads.get_opportunity_score(ctx, admin_id, o).probability for o in (unscored, mine)}  # type: ignore[union-attr]
    report, predicted = reads.predicted_forecast(ctx, admin_id, "2026")
    won = report.forecast.totals[ForecastCategory.CLOSED]
    assert won == Decimal(10 * 1000)  # the ten won deals of the history
    expected = sum(Decimal(1000) * Decimal(repr(p)) for p in chances.values())  # summed in the database
    assert predicted.amount == won + expected.quantize(Decimal("0.01"))
    assert (predicted.scored, predicted.unscored) == (2, 0)  # training scored the older one too
    _, own = reads.predicted_forecast(ctx, rep.id, "2026")
    assert own.won == 0 and own.amount == (Decimal(1000) * Decimal(repr(chances[mine]))).quantize(
        Decimal("0.01"))


def test_a_closed_opportunity_teaches_with_what_was_known_at_its_reading_moment(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    # given a deal opened on day 0, moved to Negotiation on day 8 with a call, won on day 10
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    deal = _deal(ctx, admin_id, account, "Halfway")
    clock.advance(days=1)
    activities.log_activity(ctx, admin_id, kind="call", subject="Intro", links=[("opportunity", deal)])
    clock.advance(days=7)
    lifecycle.move_stage(ctx, admin_id, deal, "Negotiation")
    activities.log_activity(ctx, admin_id, kind="meeting", subject="Terms", links=[("opportunity", deal)])
    clock.advance(days=2)
    lifecycle.close_opportunity(ctx, admin_id, deal, "won")
    # when the training set is read
    with ctx.reader() as uow:
        found = scoring.opportunity_training_set(ctx, uow)
    # then as on the day drawn for its id (the mean: half its 10-day life), if before its close:
    # from day 8 in Negotiation with the call and the meeting, before in Prospecting; never as won
    age = reading_age("opportunity", deal, timedelta(days=5))
    if age >= timedelta(days=10):
        assert (found.outcomes, found.decided) == ([], 1)
        return
    day = age.days
    stage, logged, since = ("Negotiation", 2.0, float(day - 8)) if day >= 8 else (
        ("Prospecting", 1.0, float(day - 1)) if day >= 1 else ("Prospecting", 0.0, None))
    assert found.outcomes == [True]
    row = found.rows[0]
    assert (row["stage"], row["age_days"], row["activities"], row["days_since_activity"]) == (
        stage, float(day), logged, since)
