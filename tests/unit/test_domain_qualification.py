"""Qualification and opportunity criteria as data: each criterion met or unmet with its reason."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadline.domain.errors import ValidationError
from leadline.domain.leads.lead import ProductInterest
from leadline.domain.leads.qualification import (
    BANT,
    DECISION_MAKER_WORDS,
    OPPORTUNITY_FRAMEWORK,
    Condition,
    Criterion,
    Operator,
    Purpose,
    active_criteria,
    active_framework,
    all_met,
    build_condition,
    build_criterion,
    default_criteria,
    evaluate,
    evaluate_in_order,
)
from tests.unit.builders import make_definition, make_lead, raises_error

TODAY = date(2025, 3, 3)


def results(lead, framework=BANT):
    return {r.name: (r.met, r.reason) for r in evaluate(default_criteria(), lead, today=TODAY,
                                                           framework=framework).results}


def test_bant_is_the_default_qualification_framework_and_has_four_criteria_in_order():
    criteria = default_criteria()
    assert active_framework(criteria, Purpose.QUALIFICATION) == BANT
    assert active_framework(criteria, Purpose.OPPORTUNITY) == OPPORTUNITY_FRAMEWORK
    evaluation = evaluate(criteria, make_lead(), today=TODAY, framework=BANT)
    assert [r.name for r in evaluation.results] == ["budget", "authority", "need", "timeframe"]


def test_an_empty_lead_meets_no_bant_criterion_and_each_says_why():
    assert results(make_lead()) == {
        "budget": (False, "budget_amount is not known"),
        "authority": (False, "is_decision_maker is not yes and title is not known"),
        "need": (False, "products is not known"),
        "timeframe": (False, "purchase_timeframe is not known"),
    }


@pytest.mark.parametrize(("amount", "met"), [("999.99", False), ("1000", True), ("250000", True)])
def test_budget_is_met_at_or_above_the_threshold(amount, met):
    assert results(make_lead(budget_amount=Decimal(amount)))["budget"][0] is met


@pytest.mark.parametrize(("amount", "currency", "shown"), [
    ("25000.0000", "EUR", "25000.00"), ("25000.0000", "JPY", "25000"), ("12.3450", "USD", "12.345")])
def test_a_budget_in_a_reason_is_shown_at_its_currencys_scale(amount, currency, shown):
    lead = make_lead(budget_amount=Decimal(amount), currency=currency)

    verdict = "at least" if Decimal(amount) >= 1000 else "below"
    assert results(lead)["budget"][1] == f"budget_amount {shown} is {verdict} 1000"
    assert results(lead, OPPORTUNITY_FRAMEWORK)["budget"][1] == f"budget_amount is {shown}"


def test_a_reason_explained_names_each_field_and_shows_each_value_as_the_reader_is_told():
    lead = make_lead(budget_amount=Decimal("25000"), currency="EUR", title="Head of Sales", products=[])
    bant = {r.name: r for r in evaluate(default_criteria(), lead, today=TODAY, framework=BANT).results}

    def name(field):
        return field.replace("_", " ").upper()

    def show(field, value):
        return f"<{value}>"

    assert bant["budget"].explain(name, show) == "BUDGET AMOUNT <25000.00> is at least 1000"
    assert bant["authority"].explain(name, show) == "TITLE <Head of Sales> names 'head'"
    assert bant["need"].explain(name, show) == "PRODUCTS is not known"
    assert bant["budget"].label == "Budget at or above 1,000"
    # the reason itself keeps the API's wording
    assert bant["budget"].reason == "budget_amount 25000.00 is at least 1000"


def test_an_unmet_criterion_explained_gives_every_condition_tried():
    lead = make_lead(title="Intern")
    authority = evaluate(default_criteria(), lead, today=TODAY, framework=BANT).results[1]

    assert authority.explain(str.title, lambda field, value: repr(value)) == \
        f"Is_Decision_Maker is not yes and Title 'Intern' names none of {DECISION_MAKER_WORDS}"


@pytest.mark.parametrize(("title", "flag", "met"), [
    ("VP Sales", False, True), ("Chief Executive", False, True), ("Head of IT", False, True),
    ("Intern", False, False), ("Vice-principal", False, False), (None, True, True)])
def test_authority_is_a_decision_maker_title_or_the_flag(title, flag, met):
    assert results(make_lead(title=title, is_decision_maker=flag))["authority"][0] is met


@pytest.mark.parametrize(("days", "met"), [(-1, False), (0, True), (180, True), (181, False)])
def test_timeframe_is_a_purchase_from_today_to_180_days(days, met):
    lead = make_lead(purchase_timeframe=TODAY + timedelta(days=days))
    assert results(lead)["timeframe"][0] is met


def test_the_opportunity_criteria_want_product_budget_and_timeframe_known():
    lead = make_lead(products=[ProductInterest("Widget")], budget_amount=Decimal("5"),
                     purchase_timeframe=date(2030, 1, 1))
    assert all(met for met, _ in results(lead, OPPORTUNITY_FRAMEWORK).values())
    assert not any(met for met, _ in results(make_lead(), OPPORTUNITY_FRAMEWORK).values())


def test_a_custom_field_can_be_a_criterion():
    score = make_definition(name="fit_score", type="number")
    criterion = build_criterion(9, Purpose.QUALIFICATION, "FIT", "fit", None,
                                [build_condition("custom.fit_score", "at_least", "70", [score])], 0)
    lead = make_lead(custom={"fit_score": Decimal("75")})
    evaluation = evaluate([criterion], lead, today=TODAY, framework="FIT")
    assert evaluation.met and criterion.label == "Fit"
    assert not evaluate([criterion], make_lead(custom={"fit_score": Decimal("5")}), today=TODAY,
                        framework="FIT").met


@pytest.mark.parametrize(("field", "operator", "value", "where"), [
    ("shoe_size", "present", None, "conditions[0].field"),
    ("budget_amount", "bigger", "1", "conditions[0].operator"),
    ("title", "at_least", "1", "conditions[0].operator"),
    ("budget_amount", "at_least", "lots", "conditions[0].value"),
    ("purchase_timeframe", "within_days", "-3", "conditions[0].value"),
    ("title", "contains_any", "", "conditions[0].value"),
    ("custom.nothing", "present", None, "conditions[0].field"),
])
def test_a_condition_that_cannot_be_evaluated_is_refused_when_configured(field, operator, value, where):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field=where):
        build_condition(field, operator, value, [])


def test_a_criterion_needs_a_condition_and_an_api_name():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="conditions"):
        build_criterion(1, Purpose.QUALIFICATION, "X", "ok", None, [], 0)
    with pytest.raises(ValidationError):
        build_criterion(1, Purpose.QUALIFICATION, "X", "not a name!", None,
                        [Condition("title", Operator.PRESENT)], 0)


def test_only_the_active_criteria_of_the_framework_count():
    inactive = Criterion(1, Purpose.QUALIFICATION, BANT, "extra", "Extra", (Condition("title", Operator.PRESENT),),
                         9, is_active=False)
    evaluation = evaluate([*default_criteria(), inactive], make_lead(), today=TODAY, framework=BANT)
    assert "extra" not in [r.name for r in evaluation.results]


_TITLES = st.sampled_from([None, "", "VP Sales", "Intern", "Chief Executive", "Head of IT", "vice-principal"])


@settings(max_examples=300, deadline=None)
@given(budget=st.one_of(st.none(), st.decimals(min_value=0, max_value=5000, places=2)), title=_TITLES,
       flag=st.booleans(), lines=st.integers(min_value=0, max_value=2),
       days=st.one_of(st.none(), st.integers(min_value=-30, max_value=400)))
def test_all_met_gives_the_verdict_evaluate_gives(budget, title, flag, lines, days):
    """``all_met`` skips the reasons; it must agree with ``evaluate`` on every framework."""
    lead = make_lead(budget_amount=budget, title=title, is_decision_maker=flag,
                     products=[ProductInterest("Widget", Decimal(1), None)] * lines,
                     purchase_timeframe=None if days is None else TODAY + timedelta(days=days))
    criteria = default_criteria()
    for purpose in Purpose:
        framework, chosen = active_criteria(criteria, purpose)
        assert framework is not None
        evaluation = evaluate(criteria, lead, today=TODAY, framework=framework)
        assert evaluate_in_order(framework, chosen, lead, today=TODAY) == evaluation
        assert all_met(chosen, lead, today=TODAY) is evaluation.met


@pytest.mark.parametrize(("field_name", "operator", "value"), [("budget_amount", "at_least", "５０００"),
                                                               ("purchase_timeframe", "within_days", "٩٠")])
def test_a_condition_value_in_other_than_ascii_digits_is_refused(field_name, operator, value):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="conditions[0].value"):
        build_condition(field_name, operator, value, [])
