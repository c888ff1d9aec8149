"""The duplicate check an import asks of each row: a small interface, so that the full duplicate
rules (issue 17, item 3: scores, fuzzy names, per-rule actions) can replace the first one.

The first rule (``contact_keys``): two leads are the same person when they share an e-mail
address (stored lower-case, so equal is exact) or a phone number in E.164 (without extension).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from leadline.domain.leads.lead import Lead, phone_number_of


@dataclass(frozen=True)
class DuplicateMatch:
    """The earlier lead a row matches and why (``email`` or ``phone``). ``lead`` is the stored
    lead, or the lead an earlier row of the file creates (``in_file``)."""

    lead: Lead
    reason: str
    in_file: bool = False


class DuplicateCheck(Protocol):
    """Finds, for the leads of one block, the earlier lead each duplicates, if any."""

    def prepare(self, leads: Sequence[Lead]) -> None:
        """Look up, at once, whatever the block's leads may match among stored records."""
        ...

    def match(self, lead: Lead) -> DuplicateMatch | None:
        """The lead ``lead`` duplicates: a stored one, or one of an earlier row of the file."""
        ...

    def remember(self, lead: Lead) -> None:
        """``lead`` is now part of the import (created or updated): later rows may match it."""
        ...


def contact_keys(lead: Lead) -> list[tuple[str, str]]:
    """What the exact rule matches a lead on: ("email", address) and ("phone", E.164 number).

    """
    keys = []
    if lead.email:
        keys.append(("email", lead.email))
    number = phone_number_of(lead.phone)
    if number:
        keys.append(("phone", number))
    return keys
