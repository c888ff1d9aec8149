"""The lead status workflow: which status may follow which, and what a move needs.

The organisation's transition graph is data (pairs of statuses an admin edits). The default
graph follows the kinds: open -> working -> qualified or unqualified, and unqualified -> open
to recycle a lead. A converted status is never a target: only conversion sets it. Moving to
an unqualified status needs a reason from the configured list; moving to a qualified status
needs the qualification criteria met or an override with a written reason.

Example::

    workflow = StatusWorkflow(statuses, transitions)
    workflow.can_move(lead, contacted)                 # question
    move = workflow.move(lead, contacted, today=today)  # command: changes lead or raises
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from leadline.domain.errors import InvalidStatusError, StatusTransitionError, ValidationError
from leadline.domain.leads import Lead
from leadline.domain.qualification import Evaluation
from leadline.domain.reasons import Reason, ReasonKind
from leadline.domain.statuses import LeadStatus, StatusKind

#: The default graph, by kind: (from kind, to kind).
DEFAULT_KIND_TRANSITIONS: frozenset[tuple[StatusKind, StatusKind]] = frozenset({
    (StatusKind.OPEN, StatusKind.WORKING),
    (StatusKind.WORKING, StatusKind.QUALIFIED),
    (StatusKind.WORKING, StatusKind.UNQUALIFIED),
    (StatusKind.UNQUALIFIED, StatusKind.OPEN),
})


def default_transitions(statuses: Iterable[LeadStatus]) -> set[tuple[int, int]]:
    """The status pairs the default graph allows between ``statuses``."""
    items = list(statuses)
    return {(a.id, b.id) for a in items for b in items
            if a.id != b.id and (a.kind, b.kind) in DEFAULT_KIND_TRANSITIONS}


def transitions_like(new: LeadStatus, statuses: Iterable[LeadStatus],
                     transitions: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """For a status just added: the moves its kind-mates have, so it behaves like them until an
    admin changes it (a kind without mates gets the default graph's moves)."""
    items = [s for s in statuses if s.id != new.id]
    mates = {s.id for s in items if s.kind is new.kind}
    pairs = set(transitions)
    added = {(new.id, b) for a, b in pairs if a in mates} | {(a, new.id) for a, b in pairs if b in mates}
    if not mates:
        added = {p for p in default_transitions([*items, new]) if new.id in p}
    return {p for p in added if p[0] != p[1]}


def ensure_transition_valid(from_status: LeadStatus, to_status: LeadStatus) -> None:
    """An admin may allow any move between two different statuses except into a converted one
    (conversion alone sets it) or out of a converted one (a converted lead is read-only)."""
    if from_status.id == to_status.id:
        raise ValidationError("a status cannot move to itself", field="to")
    if to_status.kind is StatusKind.CONVERTED:
        raise ValidationError(f"{to_status.label!r} is a converted status, reached only by conversion", field="to")
    if from_status.kind is StatusKind.CONVERTED:
        raise ValidationError(f"{from_status.label!r} is a converted status; converted leads are read-only",
                              field="from")


@dataclass(frozen=True, slots=True)
class StatusMove:
    """A status change that happened, with what justified it (kept in the status history)."""

    from_status: LeadStatus
    to_status: LeadStatus
    reason: Reason | None = None
    override_reason: str | None = None


class StatusWorkflow:
    def __init__(self, statuses: Iterable[LeadStatus], transitions: Iterable[tuple[int, int]]) -> None:
        self.statuses = {s.id: s for s in statuses}
        self.transitions = frozenset(transitions)

    def next_statuses(self, from_status_id: int) -> list[LeadStatus]:
        """Where a lead in ``from_status_id`` may go by hand, in list order."""
        targets = [self.statuses[b] for a, b in self.transitions if a == from_status_id and b in self.statuses]
        return sorted((s for s in targets if s.can_be_set_by_hand()), key=lambda s: s.order)

    def can_move(self, lead: Lead, to_status: LeadStatus) -> bool:
        return (lead.can_edit() and to_status.can_be_set_by_hand()
                and (lead.status_id, to_status.id) in self.transitions)

    def move(self, lead: Lead, to_status: LeadStatus, *, reason: Reason | None = None,
             qualification: Evaluation | None = None, override_reason: str | None = None) -> StatusMove:
        """Move ``lead`` to ``to_status`` or raise the named error that stops it.

        ``reason`` is needed for an unqualified status (``REASON_REQUIRED`` otherwise);
        ``qualification`` (the lead's evaluation) for a qualified status, which passes when met or
        with ``override_reason`` (``CRITERIA_NOT_MET`` otherwise). A move outside the graph is
        ``STATUS_TRANSITION_NOT_ALLOWED``.
        """
        lead.ensure_editable()
        from_status = self.statuses[lead.status_id]
        lead.ensure_settable(to_status)
        if (lead.status_id, to_status.id) not in self.transitions:
            allowed = ", ".join(s.label for s in self.next_statuses(lead.status_id)) or "none"
            raise StatusTransitionError(
                f"a lead cannot move from {from_status.label!r} to {to_status.label!r}; allowed: {allowed}",
                field="status",
            )
        return _justified(lead, from_status, to_status, reason, qualification, override_reason)

    @staticmethod
    def enter(lead: Lead, status: LeadStatus, *, reason: Reason | None = None,
              qualification: Evaluation | None = None, override_reason: str | None = None) -> StatusMove:
        """Give a new lead its first status: any status settable by hand, no graph, but what the
        status asks is asked all the same (a reason to be unqualified, criteria or an override
        to be qualified), so a lead cannot skip qualification by being created qualified."""
        lead.set_status(status)
        return _justified(lead, status, status, reason, qualification, override_reason)


def _justified(lead: Lead, from_status: LeadStatus, to_status: LeadStatus, reason: Reason | None,
               qualification: Evaluation | None, override_reason: str | None) -> StatusMove:
    """Put ``lead`` in ``to_status`` with what that status asks for, or raise the named error."""
    kept_override = None
    if to_status.kind is StatusKind.UNQUALIFIED:
        if reason is None or reason.kind is not ReasonKind.LEAD_UNQUALIFIED or not reason.is_active:
            raise InvalidStatusError("disqualifying a lead needs an active unqualified reason", field="reason")
        lead.unqualified_reason_id = reason.id
    else:
        reason = None
        lead.unqualified_reason_id = None
    if to_status.kind is StatusKind.QUALIFIED:
        if qualification is None:
            raise ValueError("a qualified status needs the lead's evaluation")
        kept_override = qualification.ensure_met_or_overridden(override_reason, "qualifying a lead")
    lead.status_id = to_status.id
    return StatusMove(from_status, to_status, reason, kept_override)
