"""The pure rules of lead capture: forms, the quiz, the timing token, disposable domains,
fingerprints and the quarantine's decisions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from leadline.domain.capture.forms import SpamSettings, build_form_fields, clean_origin, parse_form_definition
from leadline.domain.capture.quarantine import QuarantinedSubmission, QuarantineState
from leadline.domain.capture.quiz import RatingThresholds, parse_questions, score_answers
from leadline.domain.capture.spam import Reason, check_token, fingerprint, is_disposable, issue_token
from leadline.domain.capture.submission import call_lead_values
from leadline.domain.errors import ConflictError, ValidationError
from tests.unit.builders import raises_error

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SECRET = "s" * 40


def test_a_token_is_good_for_its_form_after_the_minimum_time() -> None:
    token = issue_token(SECRET, 7, NOW)
    later = NOW + timedelta(seconds=5)
    assert check_token(SECRET, token, 7, later, min_seconds=3, max_age_seconds=60)[0] is None
    assert check_token(SECRET, token, 7, NOW + timedelta(seconds=1), min_seconds=3,
                       max_age_seconds=60)[0] is Reason.TOO_FAST
    assert check_token(SECRET, token, 8, later, min_seconds=3, max_age_seconds=60)[0] is Reason.TOKEN_INVALID
    assert check_token("other" * 8, token, 7, later, min_seconds=3,
                       max_age_seconds=60)[0] is Reason.TOKEN_INVALID
    assert check_token(SECRET, token, 7, NOW + timedelta(hours=1), min_seconds=3,
                       max_age_seconds=60)[0] is Reason.TOKEN_EXPIRED
    assert check_token(SECRET, None, 7, later, min_seconds=3, max_age_seconds=60)[0] is Reason.TOKEN_MISSING


def test_a_tampered_token_is_invalid() -> None:
    form, issued, nonce, signature = issue_token(SECRET, 7, NOW).split(".")
    earlier = f"{form}.{int(issued) - 60}.{nonce}.{signature}"
    assert check_token(SECRET, earlier, 7, NOW, min_seconds=3, max_age_seconds=600)[0] is Reason.TOKEN_INVALID


def test_disposable_domains_and_their_subdomains_are_recognised() -> None:
    assert is_disposable("x@mailinator.com") and is_disposable("x@eu.Mailinator.com")
    assert not is_disposable("x@acme.example") and not is_disposable(None)


def test_a_fingerprint_ignores_case_blanks_and_order() -> None:
    assert fingerprint(1, {"a": " Ann  Lee", "b": ["y", "x"]}) == fingerprint(1, {"b": ["x", "y"], "a": "ann lee"})
    assert fingerprint(1, {"a": "x"}) != fingerprint(2, {"a": "x"})


def test_a_form_shows_only_lead_fields_and_requires_only_what_it_shows() -> None:
    assert build_form_fields(["last_name", "company", "email"], ["email"], None) == (
        ("last_name", "company", "email"), ("last_name", "company", "email"))
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="fields"):
        build_form_fields(["last_name", "password"], None, None)
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="required"):
        build_form_fields(["last_name", "company"], ["email"], None)
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="fields"):
        build_form_fields(["last_name", "email"], ["email"], None)  # no company, none fixed
    assert build_form_fields(["last_name", "email"], ["email"], "Webinar")[1] == ("last_name", "email")


def test_origins_are_scheme_host_and_port() -> None:
    assert clean_origin("https://WWW.Example.com/") == "https://www.example.com"
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="allowed_origins"):
        clean_origin("https://www.example.com/page")


def test_spam_settings_refuse_unknown_names_and_read_switches() -> None:
    assert SpamSettings.build({"honeypot": "off", "min_seconds": "5"}) == SpamSettings(honeypot=False, min_seconds=5)
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="spam.captcha"):
        SpamSettings.build({"captcha": "on"})


def test_a_definition_needs_a_name() -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="name"):
        parse_form_definition({"name": " "})


QUESTIONS = parse_questions([
    {"key": "size", "kind": "number", "points_per_unit": "0.5", "max_points": 10},
    {"key": "when", "kind": "single", "options": [{"value": "now", "points": 10}, "later"]},
    {"key": "needs", "kind": "multiple", "options": [{"value": "a", "points": 2}, {"value": "b", "points": 3}]},
])


def test_quiz_points_add_up_and_caps_hold() -> None:
    scored = score_answers(QUESTIONS, {"size": "100", "when": "now", "needs": ["a", "b", "a"]})
    assert scored.points == 10 + 10 + 5 and scored.answers["needs"] == ["a", "b"]
    assert RatingThresholds(20, 10).rating_for(scored.points).value == "hot"
    assert RatingThresholds(20, 10).rating_for(9).value == "cold"


def test_a_single_choice_takes_one_known_answer() -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="quiz.when"):
        score_answers(QUESTIONS, {"when": ["now", "later"]})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="quiz.needs"):
        score_answers(QUESTIONS, {"needs": ["c"]})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="thresholds.warm"):
        RatingThresholds.build({"hot": 5, "warm": 10})


def test_a_call_lead_needs_a_phone_and_a_name_or_a_company() -> None:
    assert call_lead_values({"phone": "1", "company": "Acme"})["last_name"] == "[not provided]"
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="phone"):
        call_lead_values({"company": "Acme"})
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="last_name"):
        call_lead_values({"phone": "1"})


def test_a_quarantine_decision_is_final() -> None:
    held = QuarantinedSubmission(1, 2, NOW, ["honeypot"])
    held.release(99, 5, NOW)
    assert held.state is QuarantineState.RELEASED and held.lead_id == 99
    with pytest.raises(ConflictError):
        held.discard(5, NOW)
