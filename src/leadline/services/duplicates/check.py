"""Checking a record against the stored ones by the duplicate rules: on every create path
(``screen_new_record``, called by the create use cases of leads, contacts and accounts) and as
a use case of its own (``find_duplicates``, for a form or an import to ask before creating).

Matches among records the actor may not read are found too, and told without their fields
(domain/duplicates/check.py; docs/adr/0013 and 0016).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from leadline.domain.accounts import website_domain
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.check import DuplicateCheck, ensure_may_create, split_by_access
from leadline.domain.duplicates.matching import Candidate, score_candidate
from leadline.domain.duplicates.rules import DuplicateRule, effective_rules, parse_record_kind, rules_of
from leadline.domain.ids import parse_record_id
from leadline.domain.security.access import Viewer
from leadline.services.context import ServiceContext
from leadline.services.duplicates.similarity import rapidfuzz_similarity
from leadline.services.security.access import load_viewer

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

CANDIDATES_PER_LOOKUP = 200


@dataclass(slots=True)
class DuplicateReport:
    """Filled by a create use case with what the duplicate rules reported (``warn`` matches)."""

    check: DuplicateCheck | None = None


def rules_in_force(ctx: ServiceContext, uow: UnitOfWork) -> list[DuplicateRule]:
    """The rules, through the configuration cache (a stored rule is configuration: its change
    clears the cache at commit, persistence/configuration/writes.py)."""
    return ctx.cached(uow, "duplicate_rules", lambda: effective_rules(uow.duplicates.stored_rules()))


def check_candidate(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, probe: Candidate) -> DuplicateCheck:
    """``probe`` scored against the records found by index; split by what ``viewer`` may read."""
    kind = probe.record_kind
    active = [r for r in rules_of(rules_in_force(ctx, uow), kind) if r.active]
    if not active:
        return DuplicateCheck(kind)
    found = uow.duplicates.candidates(kind, probe, CANDIDATES_PER_LOOKUP)
    matches = score_candidate(active, probe, found, rapidfuzz_similarity)
    return split_by_access(kind, matches, lambda m: viewer.can_read(m.record_kind, m.owner_id))


def screen_new_record(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, probe: Candidate,
                      override_reason: object, report: DuplicateReport | None = None) -> str | None:
    """The check of a create path: ``DUPLICATE_BLOCKED`` for a ``block`` match without an
    override reason; otherwise ``report`` gets what ``warn`` and ``block`` rules found. Returns
    the override reason to keep in the record's history when it was needed (else None)."""
    check = check_candidate(ctx, uow, viewer, probe)
    reason = str(override_reason).strip() if override_reason else None
    ensure_may_create(check, reason)
    if report is not None:
        report.check = check.reported()
    return reason if check.is_blocked() else None


def probe_of(record_kind: RecordType, values: Mapping[str, Any], *, company: str | None = None,
             company_id: int | None = None) -> Candidate:
    """A candidate from a new record's cleaned values (``company``: a contact's account name)."""
    if record_kind is RecordType.ACCOUNT:
        return Candidate.of(record_kind, 0, domain=website_domain(values.get("website")), company=values.get("name"))
    return Candidate.of(record_kind, 0, email=values.get("email"), phone=values.get("phone"),
                        website=values.get("website"), company=values.get("company", company),
                        first_name=values.get("first_name"), last_name=values.get("last_name"),
                        company_id=company_id)


def find_duplicates(ctx: ServiceContext, actor_id: int, record_kind: object,
                    values: Mapping[str, Any]) -> DuplicateCheck:
    """The records a lead, contact or account with ``values`` would duplicate, every rule
    (``allow`` ones too), without creating anything. E-mail and phone are normalised as the
    create paths do; a contact's ``account_id`` is its company.

    Example: ``find_duplicates(ctx, me, "lead", {"email": "ann@acme.example"}).matches``
    """
    kind = parse_record_kind(record_kind)
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        cleaned = dict(values)
        if cleaned.get("email"):
            cleaned["email"] = ctx.contact_points.normalise_email(str(cleaned["email"]))
        if cleaned.get("phone"):
            cleaned["phone"] = ctx.contact_points.normalise_phone(str(cleaned["phone"]), ctx.phone_region)
        account_id = (parse_record_id(values["account_id"], field="account_id")
                      if kind is RecordType.CONTACT and values.get("account_id") else None)
        return check_candidate(ctx, uow, viewer, probe_of(kind, cleaned, company_id=account_id))
