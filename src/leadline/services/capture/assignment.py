"""Who owns a captured lead: the ONE call point every capture channel uses.

``RuleAssigner`` gives the lead to the channel's default owner (a form's default owner, the rep
who took a call) when one is named and active; else to the assignment rules
(``services.assignment.assign_new_lead``: the first matching entry, a round-robin turn, the
organisation's default owner, each logged with its reason); else to the organisation's first
admin. Every channel follows it: web-to-lead, released quarantine, quick call capture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from leadline.domain.errors import ConfigurationError
from leadline.domain.leads.lead import Lead
from leadline.domain.security.users import first_admin_of
from leadline.services.assignment.assign import assign_new_lead
from leadline.services.assignment.rules import load_rule_set

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


class Assigner(Protocol):
    def assign(self, uow: UnitOfWork, lead: Lead, *, default_owner_id: int | None) -> None:
        """Set ``lead.owner_id`` (the lead is built, not stored yet, in the caller's transaction)."""
        ...


class DefaultAssigner:
    """The channel's default owner if active, else the organisation's first admin."""

    def assign(self, uow: UnitOfWork, lead: Lead, *, default_owner_id: int | None) -> None:
        users = uow.users.list()
        chosen = next((u for u in users if u.id == default_owner_id and u.active), None) \
            or first_admin_of(users)
        if chosen is None:
            raise ConfigurationError("the organisation has no active admin to own captured leads", field="owner")
        lead.owner_id = chosen.id


class RuleAssigner:
    """The channel's named default owner if active, else the assignment rules, else the first admin."""

    def assign(self, uow: UnitOfWork, lead: Lead, *, default_owner_id: int | None) -> None:
        users = uow.users.list()  # read once: the rule set and the fallback use the same
        named = next((u for u in users if u.id == default_owner_id and u.active), None)
        if named is not None:
            lead.owner_id = named.id
            return
        if assign_new_lead(uow, lead, now=lead.created_at, rule_set=load_rule_set(uow, users)).owner_id is None:
            admin = first_admin_of(users)
            if admin is None:
                raise ConfigurationError("the organisation has no active admin to own captured leads", field="owner")
            lead.owner_id = admin.id


#: The assigner of every capture channel.
ASSIGNER: Assigner = RuleAssigner()


def assign_captured_lead(uow: UnitOfWork, lead: Lead, *, default_owner_id: int | None) -> None:
    """Give a captured lead its owner through ``ASSIGNER``."""
    ASSIGNER.assign(uow, lead, default_owner_id=default_owner_id)
