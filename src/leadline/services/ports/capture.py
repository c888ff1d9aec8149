"""Ports of lead capture: forms, attribution, quarantine and the spam defence's stored state."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from leadline.domain.capture.attribution import Attribution
from leadline.domain.capture.forms import CaptureForm
from leadline.domain.capture.quarantine import QuarantinedSubmission, QuarantineState


class CaptureRepository(Protocol):
    def add_form(self, form: CaptureForm) -> None: ...

    def save_form(self, form: CaptureForm) -> None: ...

    def get_form(self, form_id: int) -> CaptureForm | None: ...

    def form_by_key(self, key: str) -> CaptureForm | None: ...

    def forms(self) -> list[CaptureForm]: ...

    def add_attribution(self, attribution: Attribution) -> None: ...

    def save_attribution(self, attribution: Attribution) -> None:
        """Overwrite the stored attribution of the same lead."""
        ...

    def attribution(self, lead_id: int) -> Attribution | None: ...

    def lead_with_fingerprint(self, form_id: int, fingerprint: str, since: datetime) -> int | None:
        """The first lead of the form captured since ``since`` from a submission with this fingerprint."""
        ...

    def referrals(self, *, contact_id: int | None = None, account_id: int | None = None) -> list[int]:
        """Ids of the leads the contact (or account) referred, oldest first."""
        ...

    def remember_token(self, digest: str, form_id: int, at: datetime) -> bool:
        """Record a timing token as used; False when it was already (a replay)."""
        ...

    def forget_tokens_before(self, at: datetime) -> int:
        """Forget the tokens used before ``at``; how many."""
        ...

    def count_hits(self, scopes: Sequence[str], window_start: int) -> dict[str, int]:
        """Count one hit of each scope (distinct) in the fixed window starting at ``window_start``, in
        one statement; the hits so far, by scope."""
        ...

    def forget_windows_before(self, window_start: int) -> int:
        """Forget the counters of windows starting before ``window_start``; how many."""
        ...

    def forget_discarded_before(self, at: datetime) -> int:
        """Delete the quarantine's submissions discarded before ``at``; how many."""
        ...

    def hold(self, submission: QuarantinedSubmission) -> None: ...

    def held(self, submission_id: int, *, for_update: bool = False) -> QuarantinedSubmission | None: ...

    def save_held(self, submission: QuarantinedSubmission) -> None: ...

    def quarantine(self, state: QuarantineState | None, form_id: int | None = None,
                   limit: int = 100) -> list[QuarantinedSubmission]: ...
