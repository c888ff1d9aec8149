"""The synthetic lead generator: deterministic, realistic, with a known duplicate truth."""

from __future__ import annotations

import ast
import dataclasses
import math
import statistics
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import phonenumbers
import pytest
from email_validator import validate_email

import leadline.synthetic
from leadline.domain.configuration.sources import DEFAULT_LEAD_SOURCES
from leadline.domain.leads.lead import Lead, Rating, clean_lead_fields
from leadline.services.contact_points import LibraryContactPointChecker
from leadline.synthetic import (
    DUPLICATE_RATE,
    duplicate_pairs,
    generate_leads,
    true_conversion_probability,
    window_start,
)
from leadline.synthetic.propensity import INTERCEPT, NO_BUDGET_EFFECT, NO_TIMEFRAME_EFFECT
from leadline.synthetic.words import DECISION_MAKER_TITLES, PRODUCT_CATALOGUE

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
OPEN, CONTACTED, QUALIFIED, UNQUALIFIED, CONVERTED = 1, 2, 3, 4, 5
STATUS_IDS = [OPEN, CONTACTED, QUALIFIED, UNQUALIFIED, CONVERTED]
SOURCE_IDS = list(range(101, 101 + len(DEFAULT_LEAD_SOURCES)))
SOURCE_BY_LABEL = dict(zip(DEFAULT_LEAD_SOURCES, SOURCE_IDS, strict=True))
OWNER_IDS = [900, 901, 902]


def make_leads(count: int = 2_000, seed: int = 0, **overrides: object) -> list[Lead]:
    arguments: dict[str, object] = {
        "seed": seed, "status_ids": STATUS_IDS, "source_ids": SOURCE_IDS, "owner_ids": OWNER_IDS, "now": NOW,
    }
    arguments.update(overrides)
    return generate_leads(count, **arguments)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def leads() -> list[Lead]:
    return make_leads()


def without_id(lead: Lead) -> dict[str, object]:
    values = dataclasses.asdict(lead)
    del values["id"]
    return values


def share(leads: list[Lead], predicate: object) -> float:
    return sum(1 for lead in leads if predicate(lead)) / len(leads)  # type: ignore[operator]


def test_the_same_seed_gives_the_same_leads_apart_from_their_ids() -> None:
    # given two runs with one seed, when compared field by field, then only the ids differ
    first, second = make_leads(300, seed=42), make_leads(300, seed=42)
    assert [without_id(lead) for lead in first] == [without_id(lead) for lead in second]
    assert {lead.id for lead in first}.isdisjoint(lead.id for lead in second)


def test_another_seed_gives_other_leads() -> None:
    one, other = make_leads(50, seed=1), make_leads(50, seed=2)
    assert [without_id(lead) for lead in one] != [without_id(lead) for lead in other]


def test_ids_are_unique_and_ascend_with_created_at(leads: list[Lead]) -> None:
    assert len({lead.id for lead in leads}) == len(leads)
    assert [lead.id for lead in leads] == sorted(lead.id for lead in leads)
    assert [lead.created_at for lead in leads] == sorted(lead.created_at for lead in leads)


def test_every_source_appears_with_web_form_and_web_ads_the_most_common(leads: list[Lead]) -> None:
    counts = Counter(lead.source_id for lead in leads)
    assert set(counts) == set(SOURCE_IDS)
    web = {SOURCE_BY_LABEL["Website form"], SOURCE_BY_LABEL["Web ad click-through"]}
    assert min(counts[source] for source in web) > max(count for source, count in counts.items() if source not in web)
    assert counts[SOURCE_BY_LABEL["Trade show"]] < 0.1 * len(leads)
    assert counts[SOURCE_BY_LABEL["Customer referral"]] < 0.1 * len(leads)


def test_no_lead_is_converted_and_most_are_open_or_contacted(leads: list[Lead]) -> None:
    counts = Counter(lead.status_id for lead in leads)
    assert set(counts) == {OPEN, CONTACTED, QUALIFIED, UNQUALIFIED}
    assert (counts[OPEN] + counts[CONTACTED]) / len(leads) == pytest.approx(0.70, abs=0.04)
    assert all(lead.converted_at is None for lead in leads)


def test_duplicates_make_up_two_to_four_percent_and_share_an_email_or_a_phone(leads: list[Lead]) -> None:
    # given generated leads, when the duplicates are found by identical e-mail or phone
    pairs = duplicate_pairs(leads)
    by_id = {lead.id: lead for lead in leads}
    # then they are the planted share, each after its original and spelled a little differently
    assert 0.02 <= len(pairs) / len(leads) <= 0.04
    assert len(pairs) == round(len(leads) * DUPLICATE_RATE)
    for original_id, duplicate_id in pairs:
        original, duplicate = by_id[original_id], by_id[duplicate_id]
        assert original.email == duplicate.email or original.phone == duplicate.phone
        assert original.created_at <= duplicate.created_at
        assert (original.name, original.company) != (duplicate.name, duplicate.company)
    by_email = sum(1 for a, b in pairs if by_id[a].email == by_id[b].email)
    assert 0.5 < by_email / len(pairs) < 1


def test_every_phone_is_valid_e164_for_the_country_of_its_lead(leads: list[Lead]) -> None:
    phones = [lead for lead in leads if lead.phone]
    assert 0.75 < len(phones) / len(leads) < 0.95
    for lead in phones:
        number = phonenumbers.parse(lead.phone)
        assert phonenumbers.is_valid_number(number), lead.phone
        assert phonenumbers.region_code_for_number(number) == lead.country
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == lead.phone


def test_countries_are_iso_codes_led_by_the_united_states(leads: list[Lead]) -> None:
    counts = Counter(lead.country for lead in leads)
    assert {"US", "GB", "DE", "FR", "CA", "AU", "NL", "IN", "BR", "JP"} <= set(counts)
    assert all(len(code) == 2 and code.isupper() for code in counts)
    assert counts.most_common(1)[0][0] == "US"


def test_every_email_is_a_valid_lower_case_address_at_the_company_domain(leads: list[Lead]) -> None:
    for lead in leads:
        assert lead.email is not None
        assert validate_email(lead.email, check_deliverability=False).normalized.lower() == lead.email
        assert lead.email == lead.email.lower()
        assert lead.website == f"https://www.{lead.email.split('@')[1]}"


def test_fresh_leads_have_first_dot_last_emails_and_a_legal_suffix(leads: list[Lead]) -> None:
    duplicates = {duplicate for _, duplicate in duplicate_pairs(leads)}
    fresh = [lead for lead in leads if lead.id not in duplicates]
    assert share(fresh, lambda lead: lead.email.startswith(f"{lead.first_name}.{lead.last_name}".lower())) > 0.95
    assert all(" " in lead.company for lead in fresh)


def test_leads_pass_the_domain_field_cleaners_unchanged(leads: list[Lead]) -> None:
    # given what capture would check, when a generated lead's fields are cleaned, then nothing changes
    names = ["first_name", "last_name", "company", "title", "industry", "website", "city", "country",
             "annual_revenue", "number_of_employees", "rating", "currency", "budget_amount",
             "purchase_timeframe", "is_decision_maker", "email", "phone"]
    for lead in leads[:300]:
        values = {name: getattr(lead, name) for name in names}
        assert clean_lead_fields(values, LibraryContactPointChecker("US")) == values


def test_created_at_is_aware_utc_inside_the_window_with_more_leads_lately(leads: list[Lead]) -> None:
    start = window_start(NOW, 18)
    assert all(lead.created_at.tzinfo is UTC and start <= lead.created_at < NOW for lead in leads)
    assert all(lead.created_at <= lead.updated_at <= NOW and lead.updated_at.tzinfo is UTC for lead in leads)
    middle = start + (NOW - start) / 2
    newer = share(leads, lambda lead: lead.created_at >= middle)
    assert 1.1 < newer / (1 - newer) < 1.6  # mild growth, not a spike


def test_a_shorter_window_keeps_every_lead_inside_it() -> None:
    leads = make_leads(200, months=2)
    assert all(window_start(NOW, 2) <= lead.created_at < NOW for lead in leads)
    assert window_start(NOW, 2) > NOW - timedelta(days=62)


def test_budgets_are_decimals_about_a_third_missing(leads: list[Lead]) -> None:
    budgets = [lead.budget_amount for lead in leads if lead.budget_amount is not None]
    assert 0.30 <= 1 - len(budgets) / len(leads) <= 0.40
    assert all(isinstance(amount, Decimal) and amount > 0 for amount in budgets)
    assert statistics.mean(budgets) > statistics.median(budgets)  # log-normal: a long right tail


def test_purchase_timeframes_fall_within_a_year_and_about_forty_percent_are_missing(leads: list[Lead]) -> None:
    dated = [lead for lead in leads if lead.purchase_timeframe is not None]
    assert 0.35 <= 1 - len(dated) / len(leads) <= 0.45
    for lead in dated:
        assert isinstance(lead.purchase_timeframe, date)
        assert 0 <= (lead.purchase_timeframe - lead.created_at.date()).days <= 365


def test_product_interests_are_zero_to_three_distinct_catalogue_lines(leads: list[Lead]) -> None:
    catalogue = dict(PRODUCT_CATALOGUE)
    assert set(Counter(len(lead.products) for lead in leads)) == {0, 1, 2, 3}
    for lead in leads:
        names = [line.product_name for line in lead.products]
        assert len(names) == len(set(names)) and set(names) <= set(catalogue)
        for line in lead.products:
            assert isinstance(line.quantity, Decimal) and line.quantity >= 1
            price = line.estimated_unit_price
            assert price is None or (isinstance(price, Decimal) and price <= catalogue[line.product_name])


def test_decision_makers_hold_decision_making_titles(leads: list[Lead]) -> None:
    assert all((lead.title in DECISION_MAKER_TITLES) == lead.is_decision_maker for lead in leads)
    assert 0.2 < share(leads, lambda lead: lead.is_decision_maker) < 0.5


def test_revenue_and_budget_grow_with_head_count(leads: list[Lead]) -> None:
    small = [lead for lead in leads if lead.number_of_employees <= 50]
    large = [lead for lead in leads if lead.number_of_employees > 1000]
    for field in ("annual_revenue", "budget_amount"):
        def median(group: list[Lead], name: str = field) -> Decimal:
            return statistics.median(getattr(lead, name) for lead in group if getattr(lead, name) is not None)
        assert median(large) > 5 * median(small)


def test_ratings_are_hot_warm_cold_or_none(leads: list[Lead]) -> None:
    assert set(Counter(lead.rating for lead in leads)) == {Rating.HOT, Rating.WARM, Rating.COLD, None}


def test_true_conversion_probability_is_the_logistic_of_the_documented_score() -> None:
    # given a lead with no signals at all
    bare = dataclasses.replace(
        make_leads(1)[0], source_id=None, budget_amount=None, purchase_timeframe=None,
        is_decision_maker=False, rating=None,
    )
    expected = 1 / (1 + math.exp(-(INTERCEPT + NO_BUDGET_EFFECT + NO_TIMEFRAME_EFFECT)))
    assert true_conversion_probability(bare, SOURCE_IDS) == pytest.approx(expected)
    # when every signal is strong, then the chance rises
    strong = dataclasses.replace(
        bare, source_id=SOURCE_BY_LABEL["Customer referral"], budget_amount=Decimal("250000"),
        purchase_timeframe=bare.created_at.date(), is_decision_maker=True, rating=Rating.HOT,
    )
    assert true_conversion_probability(strong, SOURCE_IDS) > 0.8 > expected


def test_true_conversion_probability_varies_across_generated_leads(leads: list[Lead]) -> None:
    chances = [true_conversion_probability(lead, SOURCE_IDS) for lead in leads]
    assert all(0 < chance < 1 for chance in chances)
    assert 0.08 < statistics.mean(chances) < 0.3
    assert max(chances) - min(chances) > 0.5
    assert chances == [true_conversion_probability(lead, SOURCE_IDS) for lead in leads]


def test_generation_refuses_a_naive_clock_and_too_few_statuses() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_leads(1, now=datetime(2025, 6, 1))
    with pytest.raises(ValueError, match="Open, Contacted"):
        make_leads(1, status_ids=[1, 2])
    with pytest.raises(ValueError, match="source"):
        make_leads(1, source_ids=[])


def test_no_owners_means_unowned_leads_and_zero_leads_is_an_empty_list() -> None:
    assert {lead.owner_id for lead in make_leads(50, owner_ids=[])} == {None}
    assert make_leads(0) == []
    assert {lead.owner_id for lead in make_leads(200)} == set(OWNER_IDS)


def test_the_generator_uses_only_the_standard_library_and_the_domain() -> None:
    allowed = ("leadline.domain", "leadline.synthetic")
    for path in Path(leadline.synthetic.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for module in modules:
                assert module.split(".")[0] in sys.stdlib_module_names or module.startswith(allowed), (path, module)
