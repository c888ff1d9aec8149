"""``leadline score evaluate`` for leads, on SQLite and PostgreSQL: Leadline's model measured
beside both baselines on the organisation's own history, time-ordered, as the opportunities'
evaluation; an organisation without outcomes told why it cannot be evaluated."""

from __future__ import annotations

from datetime import timedelta

from leadline.domain.errors import ValidationError
from leadline.domain.scoring.reading import reading_age
from leadline.services.activities import log_activity
from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import convert_lead
from leadline.services.leads.records import create_lead
from leadline.services.scoring.models import evaluate_lead_model, train_lead_model, training_set
from tests.conftest import FakeClock
from tests.unit.builders import raises_error


def test_the_lead_evaluation_measures_leadlines_model_beside_both_baselines(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    # given 40 leads that have had their chance, one a day, each decided a month after it arrived:
    # trade shows mostly converted with an opportunity, web forms seldom (the others without one)
    made: list[int] = []
    for day in range(70):
        if day < 40:
            made.append(create_lead(ctx, admin_id, {"last_name": f"Lead {day}", "company": f"Co {day}",
                                                    "source": "Trade show" if day % 2 else "Website form"}).lead.id)
        i = day - 30
        if 0 <= i < 40:
            won = (i % 2 and i % 7 != 1) or i in (4, 18, 30)
            convert_lead(ctx, admin_id, made[i], override_reason="history", qualification_override_reason="history",
                         opportunity="create" if won else "none")
        clock.advance(days=1)
    clock.advance(days=200)
    # when the lead model is evaluated
    report = evaluate_lead_model(ctx, admin_id)
    # then the latest quarter of the leads that teach (by creation) tests all three models in one
    # run: those read while still open at their drawn age (each left out with chance e^-2, as its
    # month-long life is twice the mean reading age)
    total = report.train_rows + report.test_rows
    assert 25 <= total <= 40 and report.test_rows == round(total / 4) and report.split.startswith("time-ordered")
    assert set(report.results) == {"Leadline (frequency)", "naive Bayes (Odoo-style frequencies)",
                                   "logistic regression"}
    assert report.results["Leadline (frequency)"].roc_auc > 0.5


def test_an_organisation_without_outcomes_is_told_what_evaluation_needs(ctx: ServiceContext, admin_id: int) -> None:
    create_lead(ctx, admin_id, {"last_name": "One", "company": "One Co"})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="outcomes") as refused:
        evaluate_lead_model(ctx, admin_id)
    assert "at least 20 leads with an outcome" in str(refused.value)


def test_a_lead_teaches_with_its_activity_as_of_its_reading_moment_not_as_of_training(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    # given a lead called on its first day and converted ten days later, and one left open with a
    # call on its first day, both trained on 400 days later
    converted = create_lead(ctx, admin_id, {"last_name": "Won", "company": "Won Co"}).lead.id
    stale = create_lead(ctx, admin_id, {"last_name": "Open", "company": "Open Co"}).lead.id
    clock.advance(days=1)
    for lead_id in (converted, stale):
        log_activity(ctx, admin_id, kind="call", subject="Intro", links=[("lead", lead_id)])
    clock.advance(days=10)
    convert_lead(ctx, admin_id, converted, override_reason="history", qualification_override_reason="history")
    clock.advance(days=400)
    # when the training set is read
    with ctx.reader() as uow:
        rows, outcomes = training_set(ctx, uow)
    # then each is read at the age drawn for its id (the mean: half the median life, 11 days), if
    # still open then, with the activity logged by then: alike whatever became of it (halfway, the
    # converted one read 4 days after its call and the open one 89), and never at 400-odd days
    expected = []
    for lead_id, life, y in ((converted, timedelta(days=11), True), (stale, timedelta(days=180), False)):
        age = reading_age("lead", lead_id, timedelta(days=5.5))
        if age < life:
            expected.append((y, float((age - timedelta(days=1)).days) if age >= timedelta(days=1) else None))
    assert sorted(((y, row["days_since_activity"]) for row, y in zip(rows, outcomes, strict=True)),
                  key=str) == sorted(expected, key=str)
    assert False in [y for y, _ in expected]  # the 180-day one: left out with chance e^-32


def test_too_few_outcomes_that_teach_are_refused_naming_both_counts(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    # given 25 leads converted as they were entered (history entered after the fact)
    for i in range(25):
        lead = create_lead(ctx, admin_id, {"last_name": f"Lead {i}", "company": f"Co {i}"}).lead.id
        convert_lead(ctx, admin_id, lead, override_reason="history", qualification_override_reason="history")
    clock.advance(days=1)
    # then none was ever open at a reading age: training and evaluation say so, with both counts
    for refused_by in (evaluate_lead_model, train_lead_model):
        with raises_error(ValidationError, code="VALIDATION_FAILED", field="outcomes") as refused:
            refused_by(ctx, admin_id)
        assert str(refused.value).endswith(
            "needs at least 20 leads with an outcome, both converted and not; 25 have one, 0 of them open at "
            "their reading age teach (0 converted): docs/scoring.md")
