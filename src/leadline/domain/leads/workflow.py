"""The lead status workflow: which status may follow which, and what a move needs.

The organisation's transition graph is data (pairs of statuses an admin edits). The default
graph follows the kinds: open -> working -> qualified or unqualified, qualified -> working or
unqualified (a deal that stalls), unqualified -> open to recycle a lead, and statuses of one kind
reach each other. A converted status is never a target: only conversion sets it. Moving to
an unqualified status needs a reason from the configured list; moving to a qualified status
needs the qualification criteria met or an override with a written reason. Moving to the status
a lead already has changes only an unqualified lead's reason; anything else is refused.

Example::

    workflow = StatusWorkflow(statuses, transitions)
    workflow.can_move(lead, contacted)                 # question
    move = workflow.move(lead, contacted, today=today)  # command: changes lead or raises
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from leadline.domain.configuration.reasons import Reason, ReasonKind
from leadline.domain.configuration.statuses import LeadStatus, StatusKind
from leadline.domain.errors import (
    InvalidStatusError,
    StatusTransitionError,
    StatusUnchangedError,
    ValidationError,
)
from leadline.domain.leads.lead import Lead
from leadline.domain.leads.qualification import Evaluation

#: The default graph, by kind: (from kind, to kind).
DEFAULT_KIND_TRANSITIONS: frozenset[tuple[StatusKind, StatusKind]] = frozenset({
    (StatusKind.OPEN, StatusKind.WORKING),
    (StatusKind.WORKING, StatusKind.QUALIFIED),
    (StatusKind.WORKING, StatusKind.UNQUALIFIED),
    (StatusKind.QUALIFIED, StatusKind.WORKING),
    (StatusKind.QUALIFIED, StatusKind.UNQUALIFIED),
    (StatusKind.UNQUALIFIED, StatusKind.OPEN),
    # statuses of one kind reach each other (Contacted <-> Nurturing)
    *((kind, kind) for kind in StatusKind if kind is not StatusKind.CONVERTED),
})


def default_transitions(statuses: Iterable[LeadStatus]) -> set[tuple[int, int]]:
    """The status pairs the default graph allows between ``statuses``."""
    items = list(statuses)
    return {(a.id, b.id) for a in items for b in items
            if a.id != b.id and (a.kind, b.kind) in DEFAULT_KIND_TRANSITIONS}


def transitions_like(new: LeadStatus, statuses: Iterable[LeadStatus],
                     transitions: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """For a status just added: the moves its kind-mates have, and moves to and from each mate,
    so it behaves like them until an admin changes it (after adding Nurturing, a working status,
    Contacted -> Nurturing and Nurturing -> Contacted are allowed). A kind without mates gets the
    default graph's moves. Never a move into or out of a converted status."""
    items = [s for s in statuses if s.id != new.id]
    by_id = {s.id: s for s in [*items, new]}
    mates = {s.id for s in items if s.kind is new.kind}
    pairs = set(transitions)
    added = {(new.id, b) for a, b in pairs if a in mates} | {(a, new.id) for a, b in pairs if b in mates}
    added |= {(mate, new.id) for mate in mates} | {(new.id, mate) for mate in mates}
    if not mates:
        added = {p for p in default_transitions([*items, new]) if new.id in p}
    return {(a, b) for a, b in added if a in by_id and b in by_id and can_allow_transition(by_id[a], by_id[b])}


def can_allow_transition(from_status: LeadStatus, to_status: LeadStatus) -> bool:
    """Whether an admin may allow this move (``ensure_transition_valid`` says why not)."""
    return from_status.id != to_status.id and StatusKind.CONVERTED not in (from_status.kind, to_status.kind)


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
        """Where a lead in ``from_status_id`` may go by hand, in graph order."""
        targets = [self.statuses[b] for a, b in self.transitions if a == from_status_id and b in self.statuses]
        return in_graph_order(s for s in targets if s.can_be_set_by_hand())

    def can_move(self, lead: Lead, to_status: LeadStatus, reason: Reason | None = None) -> bool:
        """Whether ``move`` may take ``lead`` to ``to_status`` as far as the graph goes (the
        status it already has only to change an unqualified lead's reason to ``reason``)."""
        if not (lead.can_edit() and to_status.can_be_set_by_hand()):
            return False
        if to_status.id == lead.status_id:
            return _changes_reason(lead, to_status, reason)
        return (lead.status_id, to_status.id) in self.transitions

    def move(self, lead: Lead, to_status: LeadStatus, *, reason: Reason | None = None,
             qualification: Evaluation | None = None, override_reason: str | None = None) -> StatusMove:
        """Move ``lead`` to ``to_status`` or raise the named error that stops it.

        ``reason`` is needed for an unqualified status (``REASON_REQUIRED`` otherwise);
        ``qualification`` (the lead's evaluation) for a qualified status, which passes when met or
        with ``override_reason`` (``CRITERIA_NOT_MET`` otherwise). A move outside the graph is
        ``STATUS_TRANSITION_NOT_ALLOWED``. A move to the status the lead already has changes an
        unqualified lead's reason to a different ``reason`` and is ``STATUS_UNCHANGED`` otherwise.
        """
        lead.ensure_editable()
        from_status = self.statuses[lead.status_id]
        lead.ensure_settable(to_status)
        if to_status.id == lead.status_id:
            if not _changes_reason(lead, to_status, reason):
                what = "; give a different reason to change why" if to_status.kind is StatusKind.UNQUALIFIED else ""
                raise StatusUnchangedError(f"the lead is already {to_status.label!r}: nothing to change{what}",
                                           field="status")
        elif (lead.status_id, to_status.id) not in self.transitions:
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


def _changes_reason(lead: Lead, status: LeadStatus, reason: Reason | None) -> bool:
    """A lead staying in its unqualified status changes only why: to another reason."""
    return status.kind is StatusKind.UNQUALIFIED and reason is not None and reason.id != lead.unqualified_reason_id


def in_graph_order(statuses: Iterable[LeadStatus]) -> list[LeadStatus]:
    """Statuses as a lead meets them: open, working, qualified, unqualified, converted, then by
    their order within a kind (so a status added later sits with its kind, not at the end)."""
    kinds = list(StatusKind)
    return sorted(statuses, key=lambda s: (kinds.index(s.kind), s.order, s.label))


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
