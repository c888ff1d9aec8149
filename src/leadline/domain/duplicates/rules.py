"""Duplicate rules as data: which kind of record, what is compared, how similar is enough, and
what happens on creation when a record matches (allow, warn, block).

The defaults below apply until an admin stores a rule of the same record kind and match
(``effective_rules``): a stored rule replaces its default, it never adds a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ValidationError


class MatchKind(StrEnum):
    """What a rule compares."""

    EMAIL = "email"  # the same normalised e-mail address
    PHONE = "phone"  # the same E.164 number, extension ignored
    DOMAIN_COMPANY = "domain_company"  # the same website domain and a similar company name
    PERSON_AT_COMPANY = "person_at_company"  # a similar person's name at the same (or a similar) company


class DuplicateAction(StrEnum):
    """What creating a record that matches does: nothing, report the matches, or refuse."""

    ALLOW = "allow"
    WARN = "warn"
    BLOCK = "block"


#: the kinds of record that duplicate rules apply to (and that can be merged)
DEDUPLICATED = (RecordType.LEAD, RecordType.CONTACT, RecordType.ACCOUNT)

#: which matches make sense for which kind: an account has no e-mail; a contact no website; and
#: two leads of one company's website are usually two people there, not one lead twice
MATCHES_OF: dict[RecordType, tuple[MatchKind, ...]] = {
    RecordType.LEAD: (MatchKind.EMAIL, MatchKind.PHONE, MatchKind.PERSON_AT_COMPANY),
    RecordType.CONTACT: (MatchKind.EMAIL, MatchKind.PHONE, MatchKind.PERSON_AT_COMPANY),
    RecordType.ACCOUNT: (MatchKind.DOMAIN_COMPANY,),
}

#: the score (0-100) a match of each kind gets when it holds exactly; fuzzy kinds scale it by similarity
BASE_SCORE = {MatchKind.EMAIL: 100, MatchKind.PHONE: 90, MatchKind.DOMAIN_COMPANY: 85,
              MatchKind.PERSON_AT_COMPANY: 80}


@dataclass(frozen=True, slots=True)
class DuplicateRule:
    """One rule: records of ``record_kind`` match on ``match`` when their similarity (0-100, exact
    matches are 100) reaches ``threshold``; ``action`` says what creating such a record does."""

    record_kind: RecordType
    match: MatchKind
    action: DuplicateAction = DuplicateAction.WARN
    threshold: int = 85
    active: bool = True

    @property
    def name(self) -> str:
        return f"{self.record_kind.value}:{self.match.value}"

    def applies(self) -> bool:
        return self.active and self.action is not DuplicateAction.ALLOW


def _defaults() -> tuple[DuplicateRule, ...]:
    return tuple(DuplicateRule(kind, match) for kind in DEDUPLICATED for match in MATCHES_OF[kind])


#: every rule out of the box warns: nothing is refused until an admin says so
DEFAULT_RULES = _defaults()


def effective_rules(stored: Iterable[DuplicateRule]) -> list[DuplicateRule]:
    """The defaults with each stored rule in place of the default of its kind and match."""
    by_name = {rule.name: rule for rule in DEFAULT_RULES}
    for rule in stored:
        by_name[rule.name] = rule
    return list(by_name.values())


def rules_of(rules: Iterable[DuplicateRule], record_kind: RecordType) -> list[DuplicateRule]:
    return [rule for rule in rules if rule.record_kind is record_kind]


def parse_record_kind(value: object) -> RecordType:
    """``lead``, ``contact`` or ``account`` (plural accepted), else ``VALIDATION_FAILED`` on ``record_kind``."""
    text = str(value or "").strip().lower().removesuffix("s")
    for kind in DEDUPLICATED:
        if kind.value == text:
            return kind
    raise ValidationError(f"{value!r} is not one of lead, contact, account", field="record_kind")


def parse_match(record_kind: RecordType, value: object) -> MatchKind:
    text = str(value or "").strip().lower().replace("-", "_")
    for match in MATCHES_OF[record_kind]:
        if match.value == text:
            return match
    allowed = ", ".join(m.value for m in MATCHES_OF[record_kind])
    raise ValidationError(f"{value!r} is not a match of a {record_kind.value} rule ({allowed})", field="match")


def parse_action(value: object) -> DuplicateAction:
    try:
        return DuplicateAction(str(value).strip().lower())
    except ValueError:
        raise ValidationError(f"{value!r} is not one of allow, warn, block", field="action") from None


def parse_threshold(value: object) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise ValidationError(f"{value!r} is not a whole number from 1 to 100", field="threshold") from None
    if not 1 <= number <= 100:
        raise ValidationError("must be from 1 to 100", field="threshold")
    return number


def changed_rule(rule: DuplicateRule, *, action: object = None, threshold: object = None,
                 active: bool | None = None) -> DuplicateRule:
    """``rule`` with the given changes, each checked."""
    return replace(rule,
                   action=parse_action(action) if action is not None else rule.action,
                   threshold=parse_threshold(threshold) if threshold is not None else rule.threshold,
                   active=rule.active if active is None else active)
