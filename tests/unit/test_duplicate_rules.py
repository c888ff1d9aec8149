"""Duplicate rules on the domain alone: each rule's score and reason, what a hidden match tells,
each action on creation, blocked grouping, and the choice of surviving values in a merge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.check import ensure_may_create, split_by_access
from leadline.domain.duplicates.groups import find_groups
from leadline.domain.duplicates.matching import Candidate, score_candidate
from leadline.domain.duplicates.merge import MergeInput, plan_merge, undo_refusals
from leadline.domain.duplicates.rules import (
    DEFAULT_RULES,
    DuplicateAction,
    DuplicateRule,
    MatchKind,
    effective_rules,
)
from leadline.domain.errors import DuplicateBlockedError, MergeRefusedError
from tests.unit.builders import raises_error

LEAD, ACCOUNT = RecordType.LEAD, RecordType.ACCOUNT
ANN = Candidate.of(LEAD, 0, email="ann@acme.example", phone="+14155550123", company="Acme Corp", first_name="Ann",
                   last_name="Smith")


def rule(kind: RecordType, match: MatchKind, action: DuplicateAction = DuplicateAction.WARN) -> DuplicateRule:
    return DuplicateRule(kind, match, action)


def test_the_same_email_scores_100_with_the_new_records_address() -> None:
    old = Candidate.of(LEAD, 7, email="ann@acme.example", company="Other", last_name="Jones")
    (match,) = score_candidate([rule(LEAD, MatchKind.EMAIL)], ANN, [old])
    assert (match.record_id, match.score, match.reasons) == (7, 100, ("e-mail ann@acme.example",))


def test_the_same_phone_number_matches_whatever_its_extension() -> None:
    old = Candidate.of(LEAD, 7, phone="+14155550123;ext=9")
    (match,) = score_candidate([rule(LEAD, MatchKind.PHONE)], ANN, [old])
    assert (match.score, match.reasons) == (90, ("phone +14155550123",))


def test_an_account_matches_on_its_domain_and_a_similar_name_only() -> None:
    new = Candidate.of(ACCOUNT, 0, website="https://www.acme.example/x", company="ACME, Inc.")
    same = Candidate.of(ACCOUNT, 1, domain="acme.example", company="Acme Incorporated")
    other_name = Candidate.of(ACCOUNT, 2, domain="acme.example", company="Globex")
    other_domain = Candidate.of(ACCOUNT, 3, domain="acme.test", company="Acme")
    found = score_candidate([rule(ACCOUNT, MatchKind.DOMAIN_COMPANY)], new, [same, other_name, other_domain])
    assert [(m.record_id, m.score, m.reasons) for m in found] == [
        (1, 85, ("website domain acme.example and company name ACME, Inc.",))]


def test_a_similar_name_at_a_similar_company_matches_scaled_by_similarity() -> None:
    old = Candidate.of(LEAD, 7, company="ACME Corporation", first_name="Anne", last_name="Smith")
    stranger = Candidate.of(LEAD, 8, company="Acme Corp", first_name="Bob", last_name="Smith")
    (match,) = score_candidate([rule(LEAD, MatchKind.PERSON_AT_COMPANY)], ANN, [old, stranger])
    assert match.record_id == 7 and 70 < match.score < 80 and match.reasons == ("name Ann Smith at Acme Corp",)


def test_a_stored_rule_replaces_its_default() -> None:
    rules = effective_rules([rule(LEAD, MatchKind.EMAIL, DuplicateAction.BLOCK)])
    assert len(rules) == len(DEFAULT_RULES) == 7
    assert {r.name: r.action for r in rules}["lead:email"] is DuplicateAction.BLOCK


def test_a_hidden_match_tells_only_the_new_records_values_merged_per_kind() -> None:
    olds = [Candidate.of(LEAD, i, owner_id=i, email="ann@acme.example", phone="+14155550123") for i in (7, 8)]
    matches = score_candidate([rule(LEAD, MatchKind.EMAIL, DuplicateAction.BLOCK), rule(LEAD, MatchKind.PHONE)],
                              ANN, olds)

    check = split_by_access(LEAD, matches, lambda m: m.owner_id == 8)

    assert [m.record_id for m in check.matches] == [8]
    (hidden,) = check.hidden
    assert hidden.reasons == ("e-mail ann@acme.example", "phone +14155550123")
    assert hidden.action is DuplicateAction.BLOCK and "7" not in hidden.message


def test_block_refuses_without_an_override_reason_and_warn_never() -> None:
    old = [Candidate.of(LEAD, 7, email="ann@acme.example")]
    blocked = split_by_access(LEAD, score_candidate([rule(LEAD, MatchKind.EMAIL, DuplicateAction.BLOCK)], ANN, old),
                              lambda m: True)
    with raises_error(DuplicateBlockedError, code="DUPLICATE_BLOCKED", field="duplicate_override_reason") as caught:
        ensure_may_create(blocked, "  ")
    assert caught.value.details == [("duplicates", "lead 7 matches (score 100): e-mail ann@acme.example")]
    ensure_may_create(blocked, "a second office")
    warned = split_by_access(LEAD, score_candidate([rule(LEAD, MatchKind.EMAIL)], ANN, old), lambda m: True)
    ensure_may_create(warned, None)
    allowed = split_by_access(LEAD, score_candidate([rule(LEAD, MatchKind.EMAIL, DuplicateAction.ALLOW)], ANN, old),
                              lambda m: True)
    assert allowed.matches and not allowed.reported().matches


def test_groups_join_records_that_match_through_another() -> None:
    records = [Candidate.of(LEAD, 1, email="a@x.example"), Candidate.of(LEAD, 2, email="a@x.example",
                                                                        phone="+14155550123"),
               Candidate.of(LEAD, 3, phone="+14155550123"), Candidate.of(LEAD, 4, email="b@x.example")]
    (group,) = find_groups(DEFAULT_RULES, records)
    assert group.record_ids == (1, 2, 3) and set(group.reasons) == {"e-mail a@x.example", "phone +14155550123"}


def test_a_merge_keeps_the_newest_non_empty_value_unless_one_is_chosen() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    old = MergeInput(1, start, start, {"title": "CTO", "city": "Oslo", "phone": None})
    new = MergeInput(2, start + timedelta(days=1), start + timedelta(days=1), {"title": None, "city": "Bergen",
                                                                              "phone": "+1"})
    plan = plan_merge([new, old], ["title", "city", "phone"], choices={"city": 1})
    assert (plan.survivor_id, plan.merged_ids) == (1, [2])
    assert plan.values == {"title": "CTO", "city": "Oslo", "phone": "+1"}
    with raises_error(MergeRefusedError, code="MERGE_REFUSED", field="fields"):
        plan_merge([new, old], ["title"], choices={"title": 9})


def test_an_undo_is_refused_once_something_depends_on_the_merge() -> None:
    from leadline.domain.duplicates.merge import MergeRecord

    merge = MergeRecord(1, "lead", 10, [11], None, datetime(2026, 1, 1, tzinfo=UTC), 3, {}, [])
    assert undo_refusals(merge, 3, None, 0) == []
    assert [r for _, r in undo_refusals(merge, 4, 12, 1)] == [
        "the surviving record was changed after the merge", "the surviving record was merged into another since",
        "a later merge into the same record must be undone first"]
