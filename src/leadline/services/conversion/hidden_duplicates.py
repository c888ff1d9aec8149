"""Finding the records a lead matches that the actor may not read (domain/conversion/duplicates.py says why
and what may be told), for the conversion preview and for the conversion itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadline.domain.accounts import normalise_company_name, website_domain
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.duplicates import HiddenMatch, hidden_matches
from leadline.domain.leads.lead import Lead
from leadline.domain.security.access import Viewer

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

HIDDEN_CANDIDATES = 50  # hidden records read per kind: enough to tell that one exists


def longest_name_word(lead: Lead) -> str | None:
    """The word of the lead's normalised company name that candidate accounts are searched by."""
    words = sorted(normalise_company_name(lead.company).split(), key=len, reverse=True)
    return words[0] if words else None


def find_hidden_matches(uow: UnitOfWork, viewer: Viewer, lead: Lead, *, accounts: bool = True) -> list[HiddenMatch]:
    """The accounts (unless ``accounts`` is false) and contacts matching ``lead`` that ``viewer``
    may not read. Nothing is read for a viewer who may read every record of both kinds."""
    hidden = {kind: viewer.readable_owner_ids(kind) for kind in (RecordType.ACCOUNT, RecordType.CONTACT)}
    found_accounts, found_contacts = [], []
    if accounts and hidden[RecordType.ACCOUNT] is not None:
        found_accounts = uow.conversions.account_candidates(website_domain(lead.website), longest_name_word(lead),
                                                            HIDDEN_CANDIDATES, outside=hidden[RecordType.ACCOUNT])
    if hidden[RecordType.CONTACT] is not None:
        found_contacts = uow.conversions.contact_candidates(lead.email, lead.phone, HIDDEN_CANDIDATES,
                                                            outside=hidden[RecordType.CONTACT])
    return hidden_matches(lead, viewer, found_accounts, found_contacts)
