"""The quarantine of suspicious submissions, reviewed by admins: list, release (the lead is
created then, as the submission would have made it, owned as the assigner says), discard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadline.domain.capture.quarantine import QuarantinedSubmission, QuarantineState
from leadline.domain.capture.spam import Reason, fingerprint
from leadline.domain.capture.submission import Submission, lead_values
from leadline.domain.errors import NotFoundError, ValidationError
from leadline.services.capture.submissions import create_captured_lead
from leadline.services.context import ServiceContext
from leadline.services.security.access import audit_changed, load_viewer, require_admin

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def list_quarantine(ctx: ServiceContext, actor_id: int, *, state: str | None = "held", form_id: int | None = None,
                    limit: int = 100) -> list[QuarantinedSubmission]:
    """Submissions in quarantine, newest first: those still held by default, ``state=None`` for all."""
    wanted = _state(state)
    with ctx.reader() as uow:
        require_admin(load_viewer(uow, actor_id, ctx).user)
        return uow.captures.quarantine(wanted, form_id, limit)


def release_submission(ctx: ServiceContext, actor_id: int, submission_id: int) -> QuarantinedSubmission:
    """Create the lead of a held submission (``CONFLICT`` if already decided; the lead rules
    still apply: ``VALIDATION_FAILED`` leaves it held). A submission held for a blocking duplicate
    rule is released as that rule's override: the lead's history keeps ``duplicate_override``."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
        held = _held(uow, submission_id)
        held.ensure_held()
        form = uow.captures.get_form(held.form_id)
        if form is None:
            raise NotFoundError(f"there is no form {held.form_id}", field="form")
        submission = Submission.from_payload(held.payload)
        values, points = lead_values(form, submission)
        now = ctx.now()
        print_ = fingerprint(form.id, {**submission.fields, **submission.quiz})
        overridden = None  # a release overrides the block rule that held the submission: the lead's history says so
        if Reason.DUPLICATE_BLOCKED.value in held.reasons:
            overridden = f"released from quarantine (submission {held.id}) by {viewer.user.name}"
        lead_id = create_captured_lead(ctx, uow, viewer, form, submission, values, points, print_, now,
                                       override_reason=overridden)
        held.release(lead_id, viewer.id, now)
        uow.captures.save_held(held)
        audit_changed(uow, "capture_submission", held.id, viewer.id, now, {"state": "held", "lead_id": None},
                      {"state": held.state.value, "lead_id": lead_id})
        uow.commit()
        return held


def discard_submission(ctx: ServiceContext, actor_id: int, submission_id: int) -> QuarantinedSubmission:
    """Mark a held submission discarded (kept for the record; makes nothing)."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
        held = _held(uow, submission_id)
        now = ctx.now()
        held.discard(viewer.id, now)
        uow.captures.save_held(held)
        audit_changed(uow, "capture_submission", held.id, viewer.id, now, {"state": "held"},
                      {"state": held.state.value})
        uow.commit()
        return held


def _held(uow: UnitOfWork, submission_id: int) -> QuarantinedSubmission:
    held = uow.captures.held(submission_id, for_update=True)
    if held is None:
        raise NotFoundError(f"there is no submission {submission_id} in quarantine", field="submission")
    return held


def _state(state: str | None) -> QuarantineState | None:
    if state in (None, "", "all"):
        return None
    try:
        return QuarantineState(str(state).strip().lower())
    except ValueError:
        raise ValidationError(f"{state!r} is not held, released, discarded or all", field="state") from None
