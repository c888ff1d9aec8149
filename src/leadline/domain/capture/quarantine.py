"""The quarantine: suspicious submissions kept, never lost, until a person decides.

A held submission is released (its lead is created as if it had passed) or discarded (kept,
marked, makes nothing); either decision is final.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from leadline.domain.errors import ConflictError


class QuarantineState(StrEnum):
    HELD = "held"
    RELEASED = "released"
    DISCARDED = "discarded"


@dataclass(slots=True)
class QuarantinedSubmission:
    id: int
    form_id: int
    received_at: datetime
    reasons: list[str]
    #: the submitted fields as received (the lead's fields, quiz answers, attribution)
    payload: dict[str, object] = field(default_factory=dict)
    client_address: str | None = None
    state: QuarantineState = QuarantineState.HELD
    lead_id: int | None = None
    decided_by_id: int | None = None
    decided_at: datetime | None = None

    def is_held(self) -> bool:
        return self.state is QuarantineState.HELD

    def ensure_held(self) -> None:
        if not self.is_held():
            raise ConflictError(f"submission {self.id} was already {self.state.value}", field="submission")

    def release(self, lead_id: int, by: int, at: datetime) -> None:
        self.ensure_held()
        self.state, self.lead_id, self.decided_by_id, self.decided_at = QuarantineState.RELEASED, lead_id, by, at

    def discard(self, by: int, at: datetime) -> None:
        self.ensure_held()
        self.state, self.decided_by_id, self.decided_at = QuarantineState.DISCARDED, by, at
