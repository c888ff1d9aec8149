"""Rows of lead capture. A form's definition (fields, quiz, spam settings) is one JSON text:
it is read and written whole, never queried by its parts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.capture.attribution import Channel
from leadline.domain.capture.quarantine import QuarantineState
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, UtcDateTime


class CaptureFormRow(Base):
    __tablename__ = "capture_forms"
    id: Mapped[int] = id_column()
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the campaign the form's leads join
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    default_owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    definition: Mapped[str] = mapped_column(Text)


class LeadCaptureRow(Base):
    """Where a captured lead came from (one row per lead captured through a channel)."""

    __tablename__ = "lead_captures"
    __table_args__ = (Index("ix_lead_captures_form_fingerprint", "form_id", "fingerprint"),)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True)
    channel: Mapped[Channel] = mapped_column(EnumText(Channel))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    form_id: Mapped[int | None] = mapped_column(ForeignKey("capture_forms.id", ondelete="SET NULL"))
    utm_source: Mapped[str | None] = mapped_column(String(255))
    utm_medium: Mapped[str | None] = mapped_column(String(255))
    utm_campaign: Mapped[str | None] = mapped_column(String(255))
    utm_term: Mapped[str | None] = mapped_column(String(255))
    utm_content: Mapped[str | None] = mapped_column(String(255))
    click_id: Mapped[str | None] = mapped_column(String(255))
    click_id_kind: Mapped[str | None] = mapped_column(String(20))
    landing_page: Mapped[str | None] = mapped_column(Text)
    referrer: Mapped[str | None] = mapped_column(Text)
    quiz_answers: Mapped[str | None] = mapped_column(Text)
    quiz_points: Mapped[int | None] = mapped_column(Integer)
    social_profile_url: Mapped[str | None] = mapped_column(Text)
    referred_by_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    referred_by_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    fingerprint: Mapped[str | None] = mapped_column(String(64))


class QuarantinedSubmissionRow(Base):
    __tablename__ = "capture_quarantine"
    __table_args__ = (Index("ix_capture_quarantine_state_received", "state", "received_at"),)
    id: Mapped[int] = id_column()
    form_id: Mapped[int] = mapped_column(ForeignKey("capture_forms.id", ondelete="CASCADE"), index=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reasons: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)
    client_address: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[QuarantineState] = mapped_column(EnumText(QuarantineState))
    lead_id: Mapped[int | None] = mapped_column(BigInteger)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class UsedTokenRow(Base):
    """A timing token already submitted once (its SHA-256): a second use is a replay."""

    __tablename__ = "capture_used_tokens"
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    form_id: Mapped[int] = mapped_column(BigInteger)
    used_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class CaptureRateCounterRow(Base):
    """Hits of one scope (a client address on a form, a form) in one fixed window."""

    __tablename__ = "capture_rate_counters"
    scope: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
