"""Scoring one record against others by the duplicate rules, with the reasons of each match.

A record is compared as a ``Candidate``: its values reduced for matching (lower-case e-mail, the
phone without its extension, the website's bare domain, the normalised company name). Every
reason is phrased in the *new* record's own values, never the other record's, so the same
reasons can be told about a record the actor may not read (docs/adr/0013, 0016).

Fuzzy comparisons take a ``Similarity`` (0-100) from the caller: the domain is standard library
only, so the default is difflib's; the use cases hand in rapidfuzz's, which is much faster.

>>> rule = DuplicateRule(RecordType.LEAD, MatchKind.EMAIL)
>>> new = Candidate(RecordType.LEAD, 0, email="ann@acme.example")
>>> old = Candidate(RecordType.LEAD, 7, email="ann@acme.example")
>>> [(m.record_id, m.score, m.reasons) for m in score_candidate([rule], new, [old])]
[(7, 100, ('e-mail ann@acme.example',))]
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from leadline.domain.accounts import normalise_company_name, website_domain
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.rules import BASE_SCORE, DuplicateAction, DuplicateRule, MatchKind
from leadline.domain.leads.lead import NOT_GIVEN, PHONE_EXTENSION

#: how alike two texts are, from 0 (nothing shared) to 100 (the same)
Similarity = Callable[[str, str], float]
#: a ``Candidate`` without its kind, as ``Candidate.packed`` gives it
PackedCandidate = tuple[int, int | None, str | None, str | None, str | None, str | None, str | None, str | None,
                        int | None, str, str]

_STRICTNESS = {DuplicateAction.ALLOW: 0, DuplicateAction.WARN: 1, DuplicateAction.BLOCK: 2}


def difflib_similarity(a: str, b: str) -> float:
    """The standard library's similarity of two texts, their words sorted (order does not count)."""
    return 100.0 * difflib.SequenceMatcher(None, " ".join(sorted(a.split())), " ".join(sorted(b.split()))).ratio()


def phone_number(phone: str | None) -> str | None:
    """An E.164 phone number without its extension: ``+14155550123;ext=9`` -> ``+14155550123``."""
    return phone.split(PHONE_EXTENSION, 1)[0] if phone else None


def person_key(first_name: str | None, last_name: str | None) -> str:
    return " ".join(f"{first_name or ''} {last_name or ''}".casefold().split())


@dataclass(slots=True)
class Candidate:
    """A record as duplicate rules compare it. ``company_id`` is the account a contact belongs
    to (contacts at the same account are at the same company); leads compare company names."""

    record_kind: RecordType
    record_id: int
    owner_id: int | None = None
    email: str | None = None
    phone: str | None = None
    domain: str | None = None
    company: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company_id: int | None = None
    #: the normalised company name and person's name, made once (``of``) for the many comparisons
    company_key: str = ""
    person: str = ""

    def __post_init__(self) -> None:
        self.company_key = normalise_company_name(self.company or "")
        self.person = person_key(self.first_name, self.last_name)

    @classmethod
    def of(cls, record_kind: RecordType, record_id: int, *, owner_id: int | None = None, email: str | None = None,
           phone: str | None = None, website: str | None = None, domain: str | None = None,
           company: str | None = None, first_name: str | None = None, last_name: str | None = None,
           company_id: int | None = None) -> Candidate:
        """A candidate from a record's stored values (e-mail and phone already normalised); a call
        lead's ``[not provided]`` last name or company is no value (two callers who gave no company
        are not at the same one)."""
        return cls(record_kind, record_id, owner_id, email.lower() if email else None, phone_number(phone),
                   domain or website_domain(website), _given(company), first_name, _given(last_name), company_id)

    def packed(self) -> PackedCandidate:
        """Every value but the kind, as a tuple of plain values (``marshal`` can write it);
        ``unpacked`` makes the same candidate again without normalising anything twice."""
        return (self.record_id, self.owner_id, self.email, self.phone, self.domain, self.company, self.first_name,
                self.last_name, self.company_id, self.company_key, self.person)

    @classmethod
    def unpacked(cls, record_kind: RecordType, values: PackedCandidate) -> Candidate:
        """The candidate ``packed`` gave ``values`` for."""
        candidate = object.__new__(cls)
        candidate.record_kind = record_kind
        (candidate.record_id, candidate.owner_id, candidate.email, candidate.phone, candidate.domain,
         candidate.company, candidate.first_name, candidate.last_name, candidate.company_id, candidate.company_key,
         candidate.person) = values
        return candidate


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One rule that matched: its name, action, score and the reason in the new record's values."""

    rule: DuplicateRule
    score: int
    reason: str


@dataclass(frozen=True, slots=True)
class DuplicateMatch:
    """An existing record that matches: the highest score of its rules, every reason, and the
    strictest action of the rules that matched."""

    record_kind: RecordType
    record_id: int
    owner_id: int | None
    score: int
    reasons: tuple[str, ...]
    action: DuplicateAction
    rules: tuple[str, ...]


def hit(rule: DuplicateRule, new: Candidate, old: Candidate, similar: Similarity) -> RuleHit | None:
    """Whether ``old`` matches ``new`` by ``rule``, with the score and reason (or None)."""
    base = BASE_SCORE[rule.match]
    if rule.match is MatchKind.EMAIL:
        if new.email and new.email == old.email:
            return RuleHit(rule, base, f"e-mail {new.email}")
    elif rule.match is MatchKind.PHONE:
        if new.phone and new.phone == old.phone:
            return RuleHit(rule, base, f"phone {new.phone}")
    elif rule.match is MatchKind.DOMAIN_COMPANY:
        if new.domain and new.domain == old.domain and new.company_key and old.company_key:
            likeness = similar(new.company_key, old.company_key)
            if likeness >= rule.threshold:
                return RuleHit(rule, round(base * likeness / 100),
                               f"website domain {new.domain} and company name {new.company}")
    elif rule.match is MatchKind.PERSON_AT_COMPANY:
        return _person_hit(rule, new, old, similar)
    return None


def _person_hit(rule: DuplicateRule, new: Candidate, old: Candidate, similar: Similarity) -> RuleHit | None:
    if not (new.last_name and old.last_name and new.person and old.person):
        return None
    if new.company_id is not None or old.company_id is not None:
        company = 100.0 if new.company_id == old.company_id else 0.0
    elif new.company_key and old.company_key:
        company = similar(new.company_key, old.company_key)
    else:
        return None
    if company < rule.threshold:
        return None
    person = similar(new.person, old.person)
    if person < rule.threshold:
        return None
    at = f" at {new.company}" if new.company else " at the same account"
    return RuleHit(rule, round(BASE_SCORE[rule.match] * min(person, company) / 100),
                   f"name {' '.join(filter(None, (new.first_name, new.last_name)))}{at}")


def score_pair(rules: Sequence[DuplicateRule], new: Candidate, old: Candidate,
               similar: Similarity = difflib_similarity) -> DuplicateMatch | None:
    """``old`` as a match of ``new`` under the active ``rules`` of ``old``'s kind, or None."""
    if old.record_id == new.record_id and old.record_kind is new.record_kind:
        return None
    hits = [h for rule in rules if rule.active and rule.record_kind is old.record_kind
            for h in [hit(rule, new, old, similar)] if h is not None]
    if not hits:
        return None
    return DuplicateMatch(old.record_kind, old.record_id, old.owner_id, max(h.score for h in hits),
                          tuple(dict.fromkeys(h.reason for h in hits)), strictest(h.rule.action for h in hits),
                          tuple(h.rule.name for h in hits))


def score_candidate(rules: Sequence[DuplicateRule], new: Candidate, existing: Iterable[Candidate],
                    similar: Similarity = difflib_similarity) -> list[DuplicateMatch]:
    """Every record of ``existing`` that matches ``new``, best score first (then lowest id)."""
    found = [m for old in existing for m in [score_pair(rules, new, old, similar)] if m is not None]
    return sorted(found, key=lambda m: (-m.score, m.record_id))


def strictest(actions: Iterable[DuplicateAction]) -> DuplicateAction:
    return max(actions, key=_STRICTNESS.__getitem__, default=DuplicateAction.ALLOW)


def _given(value: str | None) -> str | None:
    """``value``, or None for the placeholder of a value a caller did not give."""
    return None if value == NOT_GIVEN else value
