"""The lead form's translation between what a browser posts and what the lead use cases take,
and a refusal put next to the input it names (no database: the pages' flows are in
tests/e2e/test_web_lead_page.py)."""

from __future__ import annotations

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomFieldType, RecordType
from leadline.domain.errors import CriteriaNotMetError, StaleRecordError, ValidationError
from leadline.web.lead_form import creation_of, input_labels, read_form, update_of

TIER = CustomFieldDefinition(1, RecordType.LEAD, "tier", "Tier", CustomFieldType.PICKLIST, ("Gold", "Silver"))


def test_a_new_lead_takes_only_what_was_filled_in() -> None:
    form = read_form({"last_name": "Curie", "company": "Radium", "email": "", "currency": "EUR", "custom.tier": "",
                      "products-0-product": "", "products-0-quantity": "", "_csrf_token": "x"}, [TIER])

    values, lines, custom = creation_of(form)

    assert values == {"last_name": "Curie", "company": "Radium", "currency": "EUR", "is_decision_maker": False}
    assert lines == [] and custom == {}


def test_an_edit_clears_what_was_emptied_and_keeps_the_owner_when_none_is_chosen() -> None:
    form = read_form({"last_name": "Curie", "company": "Radium", "currency": "USD", "is_decision_maker": "yes",
                      "custom.tier": "Gold", "products-1-product": "Widget", "version": "3"}, [TIER])

    changes, lines, custom = update_of(form)

    assert changes["city"] is None and changes["source"] is None and "owner" not in changes
    assert changes["is_decision_maker"] is True
    assert lines == [{"product": "Widget", "quantity": "1", "estimated_unit_price": None}]
    assert custom == {"tier": "Gold"} and form.version == 3


def test_an_edit_against_the_lead_as_it_is_sends_only_what_the_user_changed() -> None:
    sent = {"last_name": "Curie", "company": "Radium", "source": "Trade show", "owner": "old@example.com",
            "currency": "USD", "custom.tier": "Gold", "products-0-product": "Widget", "products-0-quantity": "1"}
    before = read_form(sent, [TIER])  # e.g. an inactive source and owner the form still shows

    changes, lines, custom = update_of(read_form({**sent, "city": "Paris", "custom.tier": ""}, [TIER]), before)

    assert changes == {"city": "Paris"} and lines is None and custom == {"tier": ""}


def test_a_refusal_sits_next_to_the_input_it_names_and_keeps_what_was_typed() -> None:
    form = read_form({"email": "marie@@radium", "products-0-product": "Widget", "products-0-quantity": "-2"}, [TIER])

    form.refused(ValidationError("is not a valid e-mail address", field="email"))
    form.refused(ValidationError("must be greater than zero", field="products[0].quantity"))
    form.refused(ValidationError("is not one of Gold, Silver", field="custom.tier"))

    assert form.errors == {"email": "is not a valid e-mail address",
                           "products[0].quantity": "must be greater than zero",
                           "custom.tier": "is not one of Gold, Silver"}
    assert form.values["email"] == "marie@@radium" and form.problem is None
    assert list(input_labels(form, [TIER]))[:3] == ["source", "rating", "owner"]


def test_a_refusal_naming_no_input_and_a_stale_form_are_told_above_the_form() -> None:
    form = read_form({}, [])

    form.refused(CriteriaNotMetError("criteria not met", field="override_reason"))
    stale = read_form({}, []).refused(StaleRecordError("the lead changed since you read it", field="version"))

    assert form.problem == "criteria not met" and not form.errors
    assert stale.stale and stale.problem and not stale.errors
