"""In-memory repository of lead capture (``services/ports/capture.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from leadline.domain.capture.attribution import Attribution
from leadline.domain.capture.forms import CaptureForm
from leadline.domain.capture.quarantine import QuarantinedSubmission, QuarantineState
from tests.fakes.tables import Tables, copied


class CaptureRepository:
    def __init__(self, tables: Tables) -> None:
        self.tables = tables

    @property
    def _t(self) -> dict[str, dict]:  # type: ignore[type-arg]
        return self.tables.capture

    def add_form(self, form: CaptureForm) -> None:
        self._t["forms"][form.id] = copied(form)

    def save_form(self, form: CaptureForm) -> None:
        self._t["forms"][form.id] = copied(form)

    def get_form(self, form_id: int) -> CaptureForm | None:
        return copied(self._t["forms"].get(form_id))

    def form_by_key(self, key: str) -> CaptureForm | None:
        return copied(next((f for f in self._t["forms"].values() if f.key == key), None))

    def forms(self) -> list[CaptureForm]:
        return [copied(f) for _, f in sorted(self._t["forms"].items())]

    def add_attribution(self, attribution: Attribution) -> None:
        self._t["attributions"][attribution.lead_id] = copied(attribution)

    def save_attribution(self, attribution: Attribution) -> None:
        self._t["attributions"][attribution.lead_id] = copied(attribution)

    def attribution(self, lead_id: int) -> Attribution | None:
        return copied(self._t["attributions"].get(lead_id))

    def lead_with_fingerprint(self, form_id: int, fingerprint: str, since: datetime) -> int | None:
        found = sorted((a.created_at, a.lead_id) for a in self._t["attributions"].values()
                       if a.form_id == form_id and a.fingerprint == fingerprint and a.created_at >= since)
        return found[0][1] if found else None

    def referrals(self, *, contact_id: int | None = None, account_id: int | None = None) -> list[int]:
        return [a.lead_id for a in sorted(self._t["attributions"].values(), key=lambda a: (a.created_at, a.lead_id))
                if (contact_id is not None and a.referred_by_contact_id == contact_id)
                or (contact_id is None and a.referred_by_account_id == account_id)]

    def remember_token(self, digest: str, form_id: int, at: datetime) -> bool:
        if digest in self._t["tokens"]:
            return False
        self._t["tokens"][digest] = (form_id, at)
        return True

    def forget_tokens_before(self, at: datetime) -> int:
        before = len(self._t["tokens"])
        self._t["tokens"] = {k: v for k, v in self._t["tokens"].items() if v[1] >= at}
        return before - len(self._t["tokens"])

    def count_hits(self, scopes: Sequence[str], window_start: int) -> dict[str, int]:
        counters = self._t["counters"]
        for scope in scopes:
            counters[(scope, window_start)] = counters.get((scope, window_start), 0) + 1
        return {scope: int(counters[(scope, window_start)]) for scope in scopes}

    def forget_windows_before(self, window_start: int) -> int:
        before = len(self._t["counters"])
        self._t["counters"] = {k: v for k, v in self._t["counters"].items() if k[1] >= window_start}
        return before - len(self._t["counters"])

    def forget_discarded_before(self, at: datetime) -> int:
        old = [k for k, q in self._t["quarantine"].items()
               if q.state is QuarantineState.DISCARDED and q.decided_at is not None and q.decided_at < at]
        for key in old:
            del self._t["quarantine"][key]
        return len(old)

    def hold(self, submission: QuarantinedSubmission) -> None:
        self._t["quarantine"][submission.id] = copied(submission)

    def held(self, submission_id: int, *, for_update: bool = False) -> QuarantinedSubmission | None:
        return copied(self._t["quarantine"].get(submission_id))

    def save_held(self, submission: QuarantinedSubmission) -> None:
        self._t["quarantine"][submission.id] = copied(submission)

    def quarantine(self, state: QuarantineState | None, form_id: int | None = None,
                   limit: int = 100) -> list[QuarantinedSubmission]:
        rows = [q for q in self._t["quarantine"].values()
                if (state is None or q.state is state) and (form_id is None or q.form_id == form_id)]
        rows.sort(key=lambda q: (q.received_at, q.id), reverse=True)
        return [copied(q) for q in rows[:limit]]
