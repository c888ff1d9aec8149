"""Rows of sign-in throttling: the failed sign-ins of each account and client address
(domain/sign_in.py). Kept in the database so every worker and process sees the same counts and
they survive a restart."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.sign_in import ThrottleKind
from leadline.persistence.base import Base
from leadline.persistence.types import EnumText, UtcDateTime


class SignInThrottleRow(Base):
    __tablename__ = "sign_in_throttles"
    kind: Mapped[ThrottleKind] = mapped_column(EnumText(ThrottleKind), primary_key=True)
    key: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
