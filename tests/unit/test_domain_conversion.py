"""Lead conversion as data: the field mapping, the opportunity criteria, the name and the status it sets."""

from dataclasses import fields
from decimal import Decimal

import pytest

from leadline.domain.accounts import Account, Contact
from leadline.domain.configuration.custom_fields import CustomFieldType, RecordType
from leadline.domain.configuration.reasons import Reason, ReasonKind
from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.conversion.rules import (
    LEAD_TO_ACCOUNT,
    LEAD_TO_CONTACT,
    LEAD_TO_OPPORTUNITY,
    ConversionOptions,
    FieldMapping,
    OpportunityChoice,
    account_match_reasons,
    contact_match_reasons,
    converted_status,
    ensure_mapping_compatible,
    ensure_undoable,
    fill_empty,
    mapped_values,
    opportunity_name,
    same_email_contact,
    shares_phone,
)
from leadline.domain.errors import ConfigurationError, InvalidStatusError, UndoRefusedError, ValidationError
from leadline.domain.leads.lead import Lead, ProductInterest
from leadline.domain.opportunities.opportunity import Opportunity
from tests.unit.builders import (
    NOW,
    make_definition,
    make_lead,
    make_status,
    make_statuses,
    raises_error,
    status_of_kind,
)


def names(record_type):
    return {f.name for f in fields(record_type)}


@pytest.mark.parametrize(
    ("mapping", "target"),
    [(LEAD_TO_ACCOUNT, Account), (LEAD_TO_CONTACT, Contact), (LEAD_TO_OPPORTUNITY, Opportunity)],
    ids=["account", "contact", "opportunity"],
)
def test_every_mapping_reads_a_lead_field_and_fills_a_field_of_its_target(mapping, target):
    sources = {source for source, _ in mapping}
    targets = [t for _, t in mapping]

    assert sources <= names(Lead)
    assert set(targets) <= names(target)
    assert len(targets) == len(set(targets)), "a target field is filled twice"


def test_the_mapped_values_are_taken_from_the_lead():
    lead = make_lead(company="Analytical Engines", city="London", budget_amount=Decimal("5000.0000"), currency="GBP")

    account = mapped_values(lead, LEAD_TO_ACCOUNT)
    opportunity = mapped_values(lead, LEAD_TO_OPPORTUNITY)

    assert (account["name"], account["billing_city"]) == ("Analytical Engines", "London")
    assert (opportunity["amount"], opportunity["currency"]) == (Decimal("5000.0000"), "GBP")


def test_an_opportunity_is_named_after_the_company_and_its_first_product():
    assert opportunity_name(make_lead(products=[ProductInterest("Widget"), ProductInterest("Gadget")])) == (
        "Analytical Engines - Widget"
    )
    assert opportunity_name(make_lead()) == "Analytical Engines - New business"


def test_an_opportunity_name_is_cut_to_255_characters():
    assert len(opportunity_name(make_lead(company="x" * 300))) == 255


def test_conversion_sets_the_first_active_converted_status_by_order():
    statuses = make_statuses()
    statuses.append(make_status(id=6, label="Converted (partner)", order=0, kind=StatusKind.CONVERTED))
    statuses.append(make_status(id=7, label="Converted (old)", order=-1, kind=StatusKind.CONVERTED, is_active=False))

    assert converted_status(statuses).label == "Converted (partner)"
    assert converted_status(statuses, "converted").label == "Converted"
    assert converted_status(statuses, "6").label == "Converted (partner)"


@pytest.mark.parametrize("chosen", ["Qualified", "Converted (old)", "Nope"])
def test_a_converted_status_that_is_not_an_active_converted_status_is_refused(chosen):
    statuses = make_statuses()
    statuses.append(make_status(id=7, label="Converted (old)", order=9, kind=StatusKind.CONVERTED, is_active=False))

    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="converted_status"):
        converted_status(statuses, chosen)


@pytest.mark.parametrize(("options", "field"), [
    (ConversionOptions(opportunity=OpportunityChoice.ATTACH), "opportunity_id"),
    (ConversionOptions(opportunity_id=9), "opportunity_id"),
    (ConversionOptions(nurture_reason="No budget"), "opportunity"),
    (ConversionOptions(opportunity=OpportunityChoice.NONE, one_per_product=True), "one_per_product"),
])
def test_contradictory_conversion_choices_are_refused_before_anything_happens(options, field):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field=field):
        options.ensure_consistent()


def test_an_account_matches_by_website_domain_or_normalised_name():
    lead = make_lead(company="Analytical Engines Ltd.", website="https://www.engines.example/about")
    same_domain = Account(1, "Other Name", NOW, NOW, website="engines.example", domain="engines.example")
    same_name = Account(2, "ANALYTICAL ENGINES, LTD", NOW, NOW)
    unrelated = Account(3, "Difference Engines", NOW, NOW, domain="difference.example")
    assert account_match_reasons(lead, same_domain) == ["same website domain engines.example"]
    assert account_match_reasons(lead, same_name) == ["same company name 'analytical engines'"]
    assert account_match_reasons(lead, unrelated) == []


def test_a_contact_matches_by_email_ignoring_case_or_by_phone():
    lead = make_lead(email="ada@engines.example", phone="+442071234567")
    by_email = Contact(1, 10, "Lovelace", NOW, NOW, email="ADA@engines.example")
    by_phone = Contact(2, 10, "L", NOW, NOW, phone="+442071234567")
    assert contact_match_reasons(lead, by_email) == ["same e-mail ADA@engines.example"]
    assert contact_match_reasons(lead, by_phone) == ["same phone +442071234567"]
    assert same_email_contact(lead, [by_phone, by_email]) is by_email
    assert same_email_contact(make_lead(), [by_email]) is None


def test_filling_sets_only_empty_fields_and_reports_them():
    account = Account(1, "Kept", NOW, NOW, industry="", billing_city="Paris")
    filled = fill_empty(account, {"name": "Lead Co", "industry": "Banking", "billing_city": "Lyon",
                                  "website": None})
    assert filled == {"industry": "Banking"}
    assert (account.name, account.industry, account.billing_city) == ("Kept", "Banking", "Paris")


def test_a_custom_lead_field_maps_to_a_field_of_the_same_type_or_to_text():
    source = make_definition(id=1, name="budget_code", type=CustomFieldType.NUMBER)
    number = make_definition(id=2, record_type=RecordType.OPPORTUNITY, name="code", type=CustomFieldType.NUMBER)
    text = make_definition(id=3, record_type=RecordType.ACCOUNT, name="note", type=CustomFieldType.TEXT)
    date_field = make_definition(id=4, record_type=RecordType.CONTACT, name="when", type=CustomFieldType.DATE)
    ensure_mapping_compatible(source, number, [])
    ensure_mapping_compatible(source, text, [])
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="target"):
        ensure_mapping_compatible(source, date_field, [])
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="target"):
        ensure_mapping_compatible(source, number, [FieldMapping(9, 8, number.id)])
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="source"):
        ensure_mapping_compatible(number, text, [])


def test_a_picklist_maps_to_a_picklist_holding_all_its_options():
    source = make_definition(id=1, name="tier", type=CustomFieldType.PICKLIST, options=["Gold", "Silver"])
    wide = make_definition(id=2, record_type=RecordType.ACCOUNT, name="tier", type=CustomFieldType.PICKLIST,
                           options=["gold", "Silver", "Bronze"])
    narrow = make_definition(id=3, record_type=RecordType.ACCOUNT, name="level", type=CustomFieldType.PICKLIST,
                             options=["Gold"])
    ensure_mapping_compatible(source, wide, [])
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="target") as error:
        ensure_mapping_compatible(source, narrow, [])
    assert "Silver" in str(error.value)


def test_an_undo_with_blockers_is_refused_with_every_reason():
    ensure_undoable([])
    with raises_error(UndoRefusedError, code="UNDO_REFUSED", field="lead") as error:
        ensure_undoable(["1 contacts added to the account 7 since", "the opportunity 8 was edited since"])
    assert len(error.value.details) == 2


BAD_TIMING = Reason(7, ReasonKind.LEAD_UNQUALIFIED, "Bad timing", 1)


def test_a_disqualified_lead_kept_for_nurturing_is_converted_without_an_opportunity():
    statuses = make_statuses()
    unqualified = next(s for s in statuses if s.kind is StatusKind.UNQUALIFIED)
    lead = make_lead()
    with raises_error(InvalidStatusError, code="INVALID_STATUS", field="status"):
        lead.mark_converted(unqualified, NOW, 1, 2, 3, BAD_TIMING)
    lead.mark_converted(unqualified, NOW, 1, 2, None, BAD_TIMING)
    assert lead.is_converted() and (lead.status_id, lead.unqualified_reason_id) == (unqualified.id, 7)


@pytest.mark.parametrize("reason", [None, Reason(8, ReasonKind.OPPORTUNITY_LOST, "Price", 1),
                                    Reason(9, ReasonKind.LEAD_UNQUALIFIED, "Retired", 2, is_active=False)],
                         ids=["no reason", "a reason of another list", "a retired reason"])
def test_a_lead_kept_for_nurturing_needs_an_active_unqualified_reason_as_any_disqualified_lead(reason):
    unqualified = status_of_kind(make_statuses(), StatusKind.UNQUALIFIED)
    lead = make_lead()
    with raises_error(InvalidStatusError, code="INVALID_STATUS", field="nurture_reason"):
        lead.mark_converted(unqualified, NOW, 1, 2, None, reason)
    assert not lead.is_converted() and lead.unqualified_reason_id is None


def test_a_converted_lead_is_no_longer_unqualified_and_reverting_gives_its_reason_back():
    # given a disqualified lead
    statuses = make_statuses()
    unqualified, converted = (status_of_kind(statuses, kind) for kind in (StatusKind.UNQUALIFIED,
                                                                          StatusKind.CONVERTED))
    lead = make_lead(status_id=unqualified.id, unqualified_reason_id=7)
    # when it is converted after all, then reverted
    lead.mark_converted(converted, NOW, 1, 2, 3)
    assert (lead.status_id, lead.unqualified_reason_id) == (converted.id, None)
    lead.revert_conversion(unqualified.id, 7, NOW)
    # then it is disqualified for the same reason again
    assert (lead.status_id, lead.unqualified_reason_id, lead.is_converted()) == (unqualified.id, 7, False)


def test_reverting_a_conversion_makes_the_lead_editable_in_its_previous_status():
    lead = make_lead(status_id=3)
    lead.mark_converted(make_statuses()[4], NOW, 1, 2, 3)
    lead.revert_conversion(3, None, NOW)
    assert (lead.is_converted(), lead.status_id, lead.converted_account_id) == (False, 3, None)
    assert lead.can_edit()


def test_a_mapping_of_one_field_or_none_reads_just_that() -> None:
    lead = make_lead(company="Acme", website="acme.example")
    assert mapped_values(lead, ()) == {}
    assert mapped_values(lead, (("company", "name"),)) == {"name": "Acme"}


def test_a_contact_matches_by_phone_whatever_the_extensions():
    lead = make_lead(email=None, phone="+442071234567;ext=12")
    switchboard = Contact(1, 10, "L", NOW, NOW, phone="+442071234567")
    other_desk = Contact(2, 10, "L", NOW, NOW, phone="+442071234567;ext=40")
    other_line = Contact(3, 10, "L", NOW, NOW, phone="+442071234568;ext=12")
    assert [shares_phone(lead, c) for c in (switchboard, other_desk, other_line)] == [True, True, False]
