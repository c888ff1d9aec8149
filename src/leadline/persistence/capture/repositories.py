"""The capture repository: forms, attribution, quarantine, used tokens and rate counters. It
never commits. Used tokens and rate counters are single statements (``ON CONFLICT``) so that
concurrent workers on either database count and remember exactly once."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from leadline.domain.capture.attribution import Attribution
from leadline.domain.capture.forms import CaptureForm, SpamSettings
from leadline.domain.capture.quarantine import QuarantinedSubmission, QuarantineState
from leadline.domain.capture.quiz import Option, Question, QuestionKind, RatingThresholds
from leadline.persistence.capture.rows import (
    CaptureFormRow,
    CaptureRateCounterRow,
    LeadCaptureRow,
    QuarantinedSubmissionRow,
    UsedTokenRow,
)
from leadline.persistence.mapping import to_domain, to_row


def _definition(form: CaptureForm) -> str:
    return json.dumps({
        "fields": list(form.fields), "required": list(form.required), "source": form.source,
        "fixed_company": form.fixed_company, "redirect_url": form.redirect_url,
        "thank_you_message": form.thank_you_message, "allowed_origins": list(form.allowed_origins),
        "questions": [q.as_dict() for q in form.questions],
        "thresholds": {"hot": form.thresholds.hot, "warm": form.thresholds.warm}, "spam": form.spam.as_dict(),
    })


def _question(data: dict[str, Any]) -> Question:
    return Question(data["key"], data["label"], QuestionKind(data["kind"]),
                    tuple(Option(o["value"], o["label"], o["points"]) for o in data["options"]),
                    data["required"], Decimal(data["points_per_unit"]), data["max_points"])


def _form(row: CaptureFormRow) -> CaptureForm:
    data = json.loads(row.definition)
    return CaptureForm(
        id=row.id, key=row.key, name=row.name, created_at=row.created_at, created_by_id=row.created_by_id,
        campaign_id=row.campaign_id, default_owner_id=row.default_owner_id, is_active=row.is_active,
        fields=tuple(data["fields"]), required=tuple(data["required"]), source=data["source"],
        fixed_company=data["fixed_company"], redirect_url=data["redirect_url"],
        thank_you_message=data["thank_you_message"], allowed_origins=tuple(data["allowed_origins"]),
        questions=tuple(_question(q) for q in data["questions"]),
        thresholds=RatingThresholds(**data["thresholds"]), spam=SpamSettings(**data["spam"]),
    )


def _form_values(form: CaptureForm) -> dict[str, Any]:
    return {"id": form.id, "key": form.key, "name": form.name, "created_at": form.created_at,
            "created_by_id": form.created_by_id, "campaign_id": form.campaign_id,
            "default_owner_id": form.default_owner_id, "is_active": form.is_active,
            "definition": _definition(form)}


def _upsert(session: Session) -> Any:
    return (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert


class CaptureRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # forms
    def add_form(self, form: CaptureForm) -> None:
        self.session.add(CaptureFormRow(**_form_values(form)))
        self.session.flush()

    def save_form(self, form: CaptureForm) -> None:
        values = _form_values(form)
        self.session.execute(update(CaptureFormRow.__table__).where(CaptureFormRow.id == form.id).values(**values))

    def get_form(self, form_id: int) -> CaptureForm | None:
        row = self.session.get(CaptureFormRow, form_id)
        return None if row is None else _form(row)

    def form_by_key(self, key: str) -> CaptureForm | None:
        row = self.session.scalars(select(CaptureFormRow).where(CaptureFormRow.key == key)).first()
        return None if row is None else _form(row)

    def forms(self) -> list[CaptureForm]:
        return [_form(r) for r in self.session.scalars(select(CaptureFormRow).order_by(CaptureFormRow.id))]

    # attribution and referrals
    def add_attribution(self, attribution: Attribution) -> None:
        row = to_row(LeadCaptureRow, attribution)
        row.quiz_answers = json.dumps(attribution.quiz_answers) if attribution.quiz_answers else None
        self.session.add(row)
        self.session.flush()

    def save_attribution(self, attribution: Attribution) -> None:
        """Write every field of an attribution stored before (a Core update)."""
        values = {c.name: getattr(attribution, c.name) for c in LeadCaptureRow.__table__.c if c.name != "lead_id"}
        values["quiz_answers"] = json.dumps(attribution.quiz_answers) if attribution.quiz_answers else None
        self.session.execute(update(LeadCaptureRow.__table__)
                             .where(LeadCaptureRow.lead_id == attribution.lead_id).values(**values))

    def attribution(self, lead_id: int) -> Attribution | None:
        row = self.session.execute(select(*LeadCaptureRow.__table__.c).where(LeadCaptureRow.lead_id == lead_id)
                                   ).first()
        if row is None:
            return None
        answers = json.loads(row.quiz_answers) if row.quiz_answers else {}
        return to_domain(Attribution, row, quiz_answers=answers)

    def lead_with_fingerprint(self, form_id: int, fingerprint: str, since: datetime) -> int | None:
        """The first lead of ``form_id`` captured since ``since`` from a submission with ``fingerprint``."""
        c = LeadCaptureRow
        found = self.session.scalars(select(c.lead_id).where(
            c.form_id == form_id, c.fingerprint == fingerprint, c.created_at >= since)
            .order_by(c.created_at, c.lead_id).limit(1)).first()
        return int(found) if found is not None else None

    def referrals(self, *, contact_id: int | None = None, account_id: int | None = None) -> list[int]:
        """Ids of the leads referred by the contact or account, oldest first."""
        c = LeadCaptureRow
        where = c.referred_by_contact_id == contact_id if contact_id is not None \
            else c.referred_by_account_id == account_id
        return [int(i) for i in self.session.scalars(select(c.lead_id).where(where).order_by(c.created_at, c.lead_id))]

    # spam defence state
    def remember_token(self, digest: str, form_id: int, at: datetime) -> bool:
        """Record a token as used; False when it already was (a replay)."""
        statement = _upsert(self.session)(UsedTokenRow.__table__).values(
            digest=digest, form_id=form_id, used_at=at).on_conflict_do_nothing(index_elements=["digest"])
        return self.session.execute(statement.returning(UsedTokenRow.__table__.c.digest)).first() is not None

    def forget_tokens_before(self, at: datetime) -> int:
        return _deleted(self.session.execute(delete(UsedTokenRow.__table__).where(UsedTokenRow.used_at < at)))

    def count_hits(self, scopes: Sequence[str], window_start: int) -> dict[str, int]:
        """One more hit of each scope in the window starting at ``window_start`` (one multi-row
        upsert); the hits so far, by scope."""
        if not scopes:
            return {}
        table = CaptureRateCounterRow.__table__
        insert = _upsert(self.session)(table).values(
            [{"scope": scope, "window_start": window_start, "hits": 1} for scope in scopes])
        statement = insert.on_conflict_do_update(
            index_elements=["scope", "window_start"], set_={"hits": table.c.hits + 1})
        rows = self.session.execute(statement.returning(table.c.scope, table.c.hits)).all()
        return {str(scope): int(hits) for scope, hits in rows}

    def forget_windows_before(self, window_start: int) -> int:
        table = CaptureRateCounterRow.__table__
        return _deleted(self.session.execute(delete(table).where(table.c.window_start < window_start)))

    def forget_discarded_before(self, at: datetime) -> int:
        t = QuarantinedSubmissionRow.__table__
        return _deleted(self.session.execute(delete(t).where(
            t.c.state == QuarantineState.DISCARDED, t.c.decided_at < at)))

    # quarantine
    def hold(self, submission: QuarantinedSubmission) -> None:
        row = QuarantinedSubmissionRow(
            id=submission.id, form_id=submission.form_id, received_at=submission.received_at,
            reasons=json.dumps(submission.reasons), payload=json.dumps(submission.payload),
            client_address=submission.client_address, state=submission.state, lead_id=submission.lead_id)
        self.session.add(row)
        self.session.flush()

    def held(self, submission_id: int, *, for_update: bool = False) -> QuarantinedSubmission | None:
        query = select(QuarantinedSubmissionRow).where(QuarantinedSubmissionRow.id == submission_id)
        row = self.session.scalars(query.with_for_update() if for_update else query).first()
        return None if row is None else _held(row)

    def save_held(self, submission: QuarantinedSubmission) -> None:
        t = QuarantinedSubmissionRow
        self.session.execute(update(t.__table__).where(t.id == submission.id).values(
            state=submission.state, lead_id=submission.lead_id, decided_by_id=submission.decided_by_id,
            decided_at=submission.decided_at))

    def quarantine(self, state: QuarantineState | None, form_id: int | None = None,
                   limit: int = 100) -> list[QuarantinedSubmission]:
        t = QuarantinedSubmissionRow
        query = select(t).order_by(t.received_at.desc(), t.id.desc()).limit(limit)
        if state is not None:
            query = query.where(t.state == state)
        if form_id is not None:
            query = query.where(t.form_id == form_id)
        return [_held(r) for r in self.session.scalars(query)]


def _deleted(result: Any) -> int:
    return int(result.rowcount or 0)


def _held(row: QuarantinedSubmissionRow) -> QuarantinedSubmission:
    return QuarantinedSubmission(
        id=row.id, form_id=row.form_id, received_at=row.received_at, reasons=json.loads(row.reasons),
        payload=json.loads(row.payload), client_address=row.client_address, state=row.state, lead_id=row.lead_id,
        decided_by_id=row.decided_by_id, decided_at=row.decided_at)


__all__: Sequence[str] = ("CaptureRepository",)
