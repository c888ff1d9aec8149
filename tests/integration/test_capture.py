"""Lead capture on SQLite and PostgreSQL: a form's submissions through every spam layer, the
quarantine, repeated submissions, attribution, quizzes, referrals and quick call capture."""

from __future__ import annotations

from typing import Any

import pytest

from leadline.domain.capture.quarantine import QuarantineState
from leadline.domain.capture.spam import issue_token
from leadline.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from leadline.domain.queries import LeadQuery, Page
from leadline.services.activities import list_activities
from leadline.services.capture import channels, forms, quarantine
from leadline.services.capture.submissions import Outcome, submit_form
from leadline.services.context import ServiceContext
from leadline.services.leads.records import get_lead, lead_history, list_leads
from leadline.services.records import create_account, create_contact
from leadline.services.security.users import add_user
from tests.conftest import FakeClock

SECRET = "test-secret-key-of-the-capture-tests-0123456789"
NO_LIMITS = {"per_address_limit": 0, "per_form_limit": 0}


def _form(ctx: ServiceContext, admin_id: int, **values: Any) -> Any:
    base: dict[str, Any] = {"name": "Contact us", "fields": ["first_name", "last_name", "company", "email"],
                            "required": ["last_name", "company", "email"], "source": "Website form"}
    base.update(values)
    return forms.add_form(ctx, admin_id, base)


def _post(ctx: ServiceContext, clock: FakeClock, form: Any, *, token: str | None = None, wait: float = 10,
          address: str = "203.0.113.7", size: int = 300, **fields: Any) -> Any:
    """A submission as a person makes it: served a token, ``wait`` seconds of typing, then posted."""
    if token is None:
        token = issue_token(SECRET, form.id, clock.now)
    clock.advance(seconds=wait)
    posted = {"first_name": "Ann", "last_name": "Lee", "company": "Acme", "email": "ann@acme.example",
              "_lt": token, **fields}
    return submit_form(ctx, form.key, posted, secret=SECRET, client_address=address, body_size=size)


def _leads(ctx: ServiceContext, admin_id: int) -> list[Any]:
    return list_leads(ctx, admin_id, LeadQuery(), Page.parse(100, "id", None, allowed=("id",)))


def test_a_genuine_submission_makes_a_lead_with_its_attribution(ctx: ServiceContext, admin_id: int,
                                                                 clock: FakeClock) -> None:
    form = _form(ctx, admin_id)
    result = _post(ctx, clock, form, utm_source="google", utm_medium="cpc", utm_campaign="spring",
                   utm_term="crm", utm_content="ad-1", gclid="G-123", landing_page="https://acme.example/lp?x=1",
                   referrer="https://www.google.com/")
    assert result.outcome is Outcome.CREATED
    lead = get_lead(ctx, admin_id, result.lead_id)
    assert (lead.lead.last_name, lead.lead.email, lead.source.label) == ("Lee", "ann@acme.example", "Website form")
    assert lead.lead.owner_id == admin_id  # no default owner: the first admin
    kept = channels.lead_capture(ctx, admin_id, result.lead_id)
    assert kept is not None and kept.form_id == form.id
    assert (kept.utm_source, kept.utm_medium, kept.utm_campaign, kept.utm_term, kept.utm_content) == (
        "google", "cpc", "spring", "crm", "ad-1")
    assert (kept.click_id, kept.click_id_kind) == ("G-123", "gclid")
    assert (kept.landing_page, kept.referrer) == ("https://acme.example/lp?x=1", "https://www.google.com/")


def test_the_form_default_owner_gets_the_lead(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    rep = add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com")
    form = _form(ctx, admin_id, default_owner="sam@example.com")
    result = _post(ctx, clock, form)
    assert get_lead(ctx, admin_id, result.lead_id).lead.owner_id == rep.id


def test_the_lead_rules_apply_to_a_submission(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    form = _form(ctx, admin_id)
    with pytest.raises(ValidationError) as bad:
        _post(ctx, clock, form, email="not an address")
    assert bad.value.field == "email"
    with pytest.raises(ValidationError) as missing:
        _post(ctx, clock, form, company="")
    assert missing.value.field == "company"
    assert _leads(ctx, admin_id) == [] and quarantine.list_quarantine(ctx, admin_id) == []


def test_the_same_submission_twice_makes_one_lead(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    form = _form(ctx, admin_id)
    first = _post(ctx, clock, form)
    again = _post(ctx, clock, form, first_name=" ann ", email="ANN@acme.example")
    assert again.outcome is Outcome.DUPLICATE and again.lead_id == first.lead_id
    assert len(_leads(ctx, admin_id)) == 1
    clock.advance(seconds=601)  # after the window a new lead is made
    assert _post(ctx, clock, form).outcome is Outcome.CREATED


@pytest.mark.parametrize(("spam", "post", "reason"), [
    ({}, {"website_url": "http://spam.example"}, "honeypot"),
    ({}, {"wait": 1}, "too_fast"),
    ({}, {"token": "1.2.3.4"}, "token_invalid"),
    ({}, {"token": ""}, "token_missing"),
    ({}, {"size": 20_000}, "too_large"),
    ({}, {"email": "bot@mailinator.com"}, "disposable_email"),
])
def test_each_layer_on_its_own_holds_a_submission(ctx: ServiceContext, admin_id: int, clock: FakeClock,
                                                  spam: dict[str, Any], post: dict[str, Any], reason: str) -> None:
    form = _form(ctx, admin_id, spam=spam)
    result = _post(ctx, clock, form, **post)
    assert result.outcome is Outcome.QUARANTINED and result.reasons == (reason,)
    held = quarantine.list_quarantine(ctx, admin_id)
    assert [h.reasons for h in held] == [[reason]] and _leads(ctx, admin_id) == []


@pytest.mark.parametrize(("switched_off", "post"), [
    ({"honeypot": False}, {"website_url": "x"}),
    ({"timing_token": False}, {"token": ""}),
    ({"min_seconds": 0}, {"wait": 0}),
    ({"max_body_bytes": 100_000}, {"size": 20_000}),
    ({"disposable_email": False}, {"email": "bot@mailinator.com"}),
])
def test_a_layer_switched_off_lets_the_submission_through(ctx: ServiceContext, admin_id: int, clock: FakeClock,
                                                          switched_off: dict[str, Any], post: dict[str, Any]) -> None:
    form = _form(ctx, admin_id, spam=switched_off)
    assert _post(ctx, clock, form, **post).outcome is Outcome.CREATED


def test_a_replayed_token_is_held(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    form = _form(ctx, admin_id)
    token = issue_token(SECRET, form.id, clock.now)
    assert _post(ctx, clock, form, token=token).outcome is Outcome.CREATED
    replay = _post(ctx, clock, form, token=token, last_name="Other")
    assert replay.outcome is Outcome.QUARANTINED and replay.reasons == ("token_replayed",)


def test_a_token_of_another_form_is_invalid(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    form, other = _form(ctx, admin_id), _form(ctx, admin_id, name="Other")
    result = _post(ctx, clock, form, token=issue_token(SECRET, other.id, clock.now))
    assert result.reasons == ("token_invalid",)


def test_a_flood_from_one_address_is_held_beyond_the_limit(ctx: ServiceContext, admin_id: int,
                                                           clock: FakeClock) -> None:
    form = _form(ctx, admin_id, spam={"per_address_limit": 3, "min_seconds": 0, "duplicate_window_seconds": 0})
    outcomes = [_post(ctx, clock, form, wait=0, last_name=f"Lee{i}").outcome for i in range(5)]
    assert outcomes == [Outcome.CREATED] * 3 + [Outcome.QUARANTINED] * 2
    assert _post(ctx, clock, form, wait=0, address="198.51.100.1").outcome is Outcome.CREATED  # another address
    clock.advance(seconds=60)  # the next window
    assert _post(ctx, clock, form, wait=0, last_name="Later").outcome is Outcome.CREATED


def test_the_form_wide_limit_holds_a_distributed_flood(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    form = _form(ctx, admin_id, spam={"per_form_limit": 2, "min_seconds": 0})
    outcomes = [_post(ctx, clock, form, wait=0, address=f"192.0.2.{i}", last_name=f"L{i}").reasons
                for i in range(3)]
    assert outcomes == [(), (), ("form_rate",)]


def test_every_layer_together_names_every_reason(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    form = _form(ctx, admin_id, spam={"per_address_limit": 1})
    _post(ctx, clock, form, last_name="First")
    result = _post(ctx, clock, form, wait=0, website_url="bot", size=99_999, email="x@yopmail.com",
                   token=issue_token(SECRET, form.id, clock.now))
    assert set(result.reasons) == {"honeypot", "too_large", "too_fast", "address_rate", "disposable_email"}


def test_release_creates_the_lead_and_discard_keeps_the_record(ctx: ServiceContext, admin_id: int,
                                                               clock: FakeClock) -> None:
    form = _form(ctx, admin_id)
    held = _post(ctx, clock, form, website_url="bot", utm_source="newsletter")
    other = _post(ctx, clock, form, wait=0, last_name="Fast")
    released = quarantine.release_submission(ctx, admin_id, held.quarantine_id)
    assert released.state is QuarantineState.RELEASED and released.lead_id is not None
    assert get_lead(ctx, admin_id, released.lead_id).lead.last_name == "Lee"
    history = {c.field: c.new_value for c in lead_history(ctx, admin_id, released.lead_id)}
    assert history.get("duplicate_override") is None  # held as spam, not for a duplicate: no rule overridden
    assert channels.lead_capture(ctx, admin_id, released.lead_id).utm_source == "newsletter"
    with pytest.raises(ConflictError):
        quarantine.release_submission(ctx, admin_id, held.quarantine_id)
    discarded = quarantine.discard_submission(ctx, admin_id, other.quarantine_id)
    assert discarded.state is QuarantineState.DISCARDED
    assert quarantine.list_quarantine(ctx, admin_id) == []
    assert {h.state for h in quarantine.list_quarantine(ctx, admin_id, state="all")} == {
        QuarantineState.RELEASED, QuarantineState.DISCARDED}
    assert len(_leads(ctx, admin_id)) == 1


def test_only_admins_define_forms_and_review_the_quarantine(ctx: ServiceContext, admin_id: int) -> None:
    rep = add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com")
    with pytest.raises(PermissionDeniedError):
        _form(ctx, rep.id)
    with pytest.raises(PermissionDeniedError):
        quarantine.list_quarantine(ctx, rep.id)


QUIZ = [
    {"key": "team", "label": "Team size", "kind": "number", "points_per_unit": "1", "max_points": 10},
    {"key": "when", "label": "When do you buy?", "kind": "single", "required": True,
     "options": [{"value": "now", "points": 10}, {"value": "later", "points": 2}]},
    {"key": "needs", "label": "Needs", "kind": "multiple",
     "options": [{"value": "crm", "points": 3}, {"value": "reports", "points": 2}, {"value": "none", "points": 0}]},
]


@pytest.mark.parametrize(("answers", "points", "rating"), [
    ({"team": "50", "when": "now", "needs": ["crm", "reports"]}, 25, "hot"),
    ({"team": "5", "when": "later", "needs": ["crm"]}, 10, "warm"),
    ({"when": "later"}, 2, "cold"),
])
def test_quiz_points_set_the_rating(ctx: ServiceContext, admin_id: int, clock: FakeClock,
                                    answers: dict[str, Any], points: int, rating: str) -> None:
    form = _form(ctx, admin_id, questions=QUIZ, thresholds={"hot": 20, "warm": 10})
    result = _post(ctx, clock, form, **answers)
    lead = get_lead(ctx, admin_id, result.lead_id).lead
    kept = channels.lead_capture(ctx, admin_id, result.lead_id)
    assert (kept.quiz_points, lead.rating.value) == (points, rating)
    assert kept.quiz_answers["when"] == answers["when"]


def test_a_quiz_answer_outside_the_options_is_refused(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    form = _form(ctx, admin_id, questions=QUIZ)
    with pytest.raises(ValidationError) as bad:
        _post(ctx, clock, form, when="never")
    assert bad.value.field == "quiz.when"


def test_a_call_lead_needs_little_and_logs_the_call(ctx: ServiceContext, admin_id: int) -> None:
    captured = channels.capture_call(ctx, admin_id, {"company": "Bolt", "phone": "+1 415 555 0100"},
                                     notes="Wants a demo")
    lead = captured.lead.lead
    assert (lead.company, lead.last_name, lead.phone) == ("Bolt", "[not provided]", "+14155550100")
    calls = list_activities(ctx, admin_id, "lead", lead.id)
    assert [(a.kind.value, a.subject, a.body) for a in calls] == [("call", "Inbound call", "Wants a demo")]
    assert channels.lead_capture(ctx, admin_id, lead.id).channel.value == "call"
    with pytest.raises(ValidationError) as no_phone:
        channels.capture_call(ctx, admin_id, {"last_name": "Ames"})
    assert no_phone.value.field == "phone"


def test_referrals_are_listed_with_what_each_became(ctx: ServiceContext, admin_id: int) -> None:
    account = create_account(ctx, admin_id, {"name": "Referrer Inc"})
    contact = create_contact(ctx, admin_id, {"account_id": account.id, "last_name": "Friend"})
    by_contact = channels.capture_call(ctx, admin_id, {"last_name": "Ames", "company": "A", "phone": "+14155550101"},
                                       referred_by_contact=contact.id,
                                       social_profile_url="https://www.linkedin.com/in/ames").lead.lead
    other = channels.capture_call(ctx, admin_id, {"last_name": "Bo", "company": "B", "phone": "+14155550102"}
                                  ).lead.lead
    channels.record_referral(ctx, admin_id, other.id, account_id=account.id)
    assert [r.lead.id for r in channels.referrals_of(ctx, admin_id, "contact", contact.id)] == [by_contact.id]
    referred = channels.referrals_of(ctx, admin_id, "account", account.id)
    assert [(r.lead.id, r.status_kind) for r in referred] == [(other.id, "open")]
    assert channels.lead_capture(ctx, admin_id, by_contact.id).social_profile_url == "https://www.linkedin.com/in/ames"
    with pytest.raises(ValidationError):
        channels.record_referral(ctx, admin_id, other.id, social_profile_url="not a url")


def test_a_preview_shows_a_draft_without_storing_it_and_only_to_admins(ctx: ServiceContext, admin_id: int) -> None:
    html = forms.preview_form(ctx, admin_id, {"name": "Draft", "fields": ["last_name", "company", "title"],
                                              "required": ["last_name", "company"]})
    assert 'for="ll-preview-title">Job title<' in html and "<script" not in html
    assert forms.list_forms(ctx, admin_id) == []
    with pytest.raises(ValidationError) as refused:
        forms.preview_form(ctx, admin_id, {"name": "Draft", "fields": ["email"], "required": ["email"]})
    assert refused.value.field is not None
    rep = add_user(ctx, admin_id, name="Rep", email="rep.preview@example.com").id
    with pytest.raises(PermissionDeniedError):
        forms.preview_form(ctx, rep, {"name": "Draft"})


#: statements of one warm submission with every layer on and the default assignment: the two rate
#: counters (one upsert); the used token, the repeat check, the users, the default owner setting,
#: the assignment rules, groups and members, the assignment log, the lead, its status change, its
#: audit and its attribution (bench/profile_capture.py lists them); the lead's furthest status
#: (status_reach, ADR on the funnel's speed), the lead model's look-up for its score (no model yet)
#: and the duplicate rules' one look-up of candidates (a ``block`` match is held in quarantine)
SUBMISSION_BUDGET = 16


def test_a_submission_keeps_to_its_statement_budget(ctx: ServiceContext, admin_id: int, clock: FakeClock,
                                                    engine: Any) -> None:
    from tests.query_counts import counted_statements, shown

    form = _form(ctx, admin_id)
    _post(ctx, clock, form, last_name="Warm", email="warm@acme.example")  # the caches filled
    with counted_statements(engine) as statements:
        assert _post(ctx, clock, form).outcome is Outcome.CREATED
    assert len(statements) == SUBMISSION_BUDGET, shown(statements)
