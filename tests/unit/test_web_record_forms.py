"""How the record pages' forms hand a use case what changed, and place its refusal beside the
control it concerns (web/records.py)."""

from __future__ import annotations

from leadline.domain.errors import ReasonRequiredError, StaleRecordError, ValidationError
from leadline.web.records import changed, placed


def test_only_the_fields_the_user_changed_are_handed_on_trimmed() -> None:
    shown = {"name": "Acme", "probability": "10", "owner": "sam@example.com", "website": "acme.example"}
    posted = {"name": " Acme Corp ", "probability": "10", "owner": "sam@example.com", "website": "",
              "version": "3"}

    assert changed(posted, shown) == {"name": "Acme Corp", "website": ""}


def test_a_refusal_is_placed_beside_the_control_its_field_names() -> None:
    error = ValidationError("'x' is not a valid e-mail address", field="email")

    assert placed(error, ["email", "phone"]) == {"email": "'x' is not a valid e-mail address"}


def test_a_field_named_otherwise_by_the_use_case_finds_its_control() -> None:
    error = ReasonRequiredError("a reason is required; use one of: Price", field="loss_reason_id")

    assert placed(error, ["stage", "reason"]) == {"reason": "a reason is required; use one of: Price"}


def test_a_refusal_without_a_control_goes_above_the_form_with_its_field_named() -> None:
    error = StaleRecordError("the account changed since you read it; reload and retry", field="version")

    assert placed(error, ["name"]) == {"": "version: the account changed since you read it; reload and retry"}


def test_each_cause_of_a_refusal_is_placed() -> None:
    error = ValidationError("is required", field="name", details=[("website", "is not a web address"),
                                                                   ("budget", "must be positive")])

    assert placed(error, ["name", "website"]) == {"name": "is required", "website": "is not a web address",
                                                  "": "budget: must be positive"}
