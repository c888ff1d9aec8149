"""A form submission split into what it carries: the lead's fields, the quiz answers and the
attribution, and checked against the form (the lead rules themselves are the lead's)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from leadline.domain.capture.attribution import ATTRIBUTION_FIELDS, attribution_values
from leadline.domain.capture.forms import CaptureForm, clean_web_address
from leadline.domain.capture.quiz import QuestionKind, score_answers
from leadline.domain.errors import ValidationError
from leadline.domain.leads.lead import NOT_GIVEN


@dataclass(slots=True)
class Submission:
    fields: dict[str, object] = field(default_factory=dict)
    quiz: dict[str, object] = field(default_factory=dict)
    attribution: dict[str, object] = field(default_factory=dict)

    def as_payload(self) -> dict[str, object]:
        return {"fields": self.fields, "quiz": self.quiz, "attribution": self.attribution}

    @classmethod
    def from_payload(cls, payload: Mapping[str, object]) -> Submission:
        return cls(dict(payload.get("fields") or {}), dict(payload.get("quiz") or {}),  # type: ignore[call-overload]
                   dict(payload.get("attribution") or {}))  # type: ignore[call-overload]


def split_submission(form: CaptureForm, posted: Mapping[str, object]) -> Submission:
    """The parts of ``posted`` the form knows; other names (a page's own fields) are left out.
    A list stands for a repeated name; only multiple-choice answers keep more than one."""
    multiple = {q.key for q in form.questions if q.kind is QuestionKind.MULTIPLE}
    quiz_keys = {q.key for q in form.questions}
    out = Submission()
    for name, value in posted.items():
        if name in form.fields:
            out.fields[name] = _one(value)
        elif name in quiz_keys:
            out.quiz[name] = list(value) if name in multiple and isinstance(value, list | tuple) else _one(value)
    out.attribution = attribution_values({k: v for k, v in posted.items() if k in ATTRIBUTION_FIELDS})
    social = _one(posted.get("social_profile_url"))
    if social:
        out.attribution["social_profile_url"] = social
    return out


def lead_values(form: CaptureForm, submission: Submission) -> tuple[dict[str, object], int | None]:
    """The values to create the lead with, and the quiz points (None without a quiz): the
    form's required fields checked, its source and fixed company added, and the rating its quiz
    sets. Raises ``ValidationError`` naming the field or ``quiz.<key>``."""
    values: dict[str, object] = {k: v for k, v in submission.fields.items() if isinstance(v, str) and v.strip()}
    for name in form.required:
        if name not in values and not (name == "company" and form.fixed_company):
            raise ValidationError("is required", field=name)
    if form.fixed_company and "company" not in values:
        values["company"] = form.fixed_company
    if form.source:
        values["source"] = form.source
    points = None
    if form.questions:
        scored = score_answers(form.questions, submission.quiz)
        submission.quiz = scored.answers
        points = scored.points
        values["rating"] = form.thresholds.rating_for(points).value
    if submission.attribution.get("social_profile_url"):
        submission.attribution["social_profile_url"] = clean_web_address(
            submission.attribution["social_profile_url"], "social_profile_url")
    return values, points


def _one(value: object) -> object:
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value




def call_lead_values(values: Mapping[str, object]) -> dict[str, object]:
    """A phone-call lead needs little: a last name or a company, and a phone; the missing one of
    the two is marked ``[not provided]`` (a lead is a person at a company)."""
    out = {k: v for k, v in values.items() if v not in (None, "")}
    if not str(out.get("phone") or "").strip():
        raise ValidationError("a call lead needs the caller's phone", field="phone")
    last, company = (str(out.get(k) or "").strip() for k in ("last_name", "company"))
    if not last and not company:
        raise ValidationError("a call lead needs a last name or a company", field="last_name")
    out["last_name"] = last or NOT_GIVEN
    out["company"] = company or NOT_GIVEN
    return out
