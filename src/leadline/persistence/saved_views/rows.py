"""The saved views table: one row a view, its filters as JSON text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from leadline.domain.saved_views import ViewList
from leadline.persistence.base import Base, id_column
from leadline.persistence.types import EnumText, UtcDateTime


class SavedViewRow(Base):
    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("user_id", "list_name", "name"),)
    id: Mapped[int] = id_column()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    list_name: Mapped[ViewList] = mapped_column(EnumText(ViewList))
    name: Mapped[str] = mapped_column(String(80))
    filters: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
