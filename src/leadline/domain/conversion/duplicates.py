"""Duplicates hidden by sharing: records a conversion would duplicate that the actor may not read.

Under private sharing a rep does not see another team's accounts and contacts, so a conversion
would silently create a second Globex account or a second contact with the same e-mail. The
preview and the conversion therefore look for matching records the actor may not read and say
that they exist, but nothing else about them (docs/adr/0013): the kind of record and which of
the *lead's own* values matched (its website domain, company name, e-mail or phone). No id,
name, owner, count, or any value of the hidden record is disclosed. A conversion that would create
a record beside such a match is refused (``DUPLICATE_HIDDEN``) unless the caller confirms a
separate record (``confirm_separate``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from leadline.domain.accounts import Account, Contact
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.rules import shared_company_name, shared_domain, shares_email, shares_phone
from leadline.domain.errors import DuplicateHiddenError
from leadline.domain.leads.lead import Lead
from leadline.domain.security.access import Viewer

_WHAT = {RecordType.ACCOUNT: "an account", RecordType.CONTACT: "a contact"}


@dataclass(frozen=True, slots=True)
class HiddenMatch:
    """Records of one kind the actor may not read that match the lead, and on which of the lead's values."""

    record_type: RecordType
    reasons: tuple[str, ...]  # e.g. "website domain globex.example": the lead's value, never the record's

    @property
    def message(self) -> str:
        return (f"{_WHAT[self.record_type]} with this {' and '.join(self.reasons)} already exists, owned by "
                f"another team (you may not see it): ask an admin to share it with you or to tell you its owner")


def hidden_account_reasons(lead: Lead, account: Account) -> list[str]:
    """Why a hidden ``account`` matches ``lead`` (the same rules as a visible match), in the lead's own values."""
    domain = shared_domain(lead, account)
    return (([f"website domain {domain}"] if domain else [])
            + ([f"company name {lead.company}"] if shared_company_name(lead, account) else []))


def hidden_contact_reasons(lead: Lead, contact: Contact) -> list[str]:
    """Why a hidden ``contact`` matches ``lead`` (the same rules as a visible match), in the lead's own values."""
    return (([f"e-mail {lead.email}"] if shares_email(lead, contact) else [])
            + ([f"phone {lead.phone}"] if shares_phone(lead, contact) else []))


def hidden_matches(lead: Lead, viewer: Viewer, accounts: Iterable[Account],
                   contacts: Iterable[Contact]) -> list[HiddenMatch]:
    """Of the candidate ``accounts`` and ``contacts``, those ``viewer`` may not read that match
    ``lead``: one ``HiddenMatch`` per kind, its reasons merged (so not even a count is told)."""
    found = []
    for record_type, records, reasons_of in ((RecordType.ACCOUNT, accounts, hidden_account_reasons),
                                             (RecordType.CONTACT, contacts, hidden_contact_reasons)):
        reasons: dict[str, None] = {}
        for record in records:
            if not viewer.can_read(record_type, record.owner_id):
                reasons.update(dict.fromkeys(reasons_of(lead, record)))  # type: ignore[arg-type]
        if reasons:
            found.append(HiddenMatch(record_type, tuple(reasons)))
    return found


def can_create_beside(matches: Iterable[HiddenMatch], *, confirmed: bool) -> bool:
    """A new record may be created beside hidden matches only when the caller confirmed it."""
    return confirmed or not any(True for _ in matches)


def ensure_no_hidden_duplicate(matches: list[HiddenMatch], *, confirmed: bool) -> None:
    """Refuse (``DUPLICATE_HIDDEN``, each match in ``details``) to create records beside hidden
    matches, unless ``confirmed``."""
    if can_create_beside(matches, confirmed=confirmed):
        return
    what = " and ".join(_WHAT[m.record_type] for m in matches)
    raise DuplicateHiddenError(
        f"converting would create {what} matching records you may not see; ask an admin to share them "
        f"with you, or confirm separate records (confirm_separate)", field="confirm_separate",
        details=[(m.record_type.value, m.message) for m in matches])
