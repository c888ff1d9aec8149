"""Each open opportunity's current predicted chance of winning, naming its model version."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadline.persistence.base import Base
from leadline.persistence.types import UtcDateTime


class OpportunityScoreRow(Base):
    __tablename__ = "opportunity_scores"
    __table_args__ = (Index("ix_opportunity_scores_score", "score", "opportunity_id"),)
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"),
                                                primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    probability: Mapped[float] = mapped_column(Float)
    confident: Mapped[bool] = mapped_column(Boolean)
    model_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("scoring_models.id", ondelete="CASCADE"),
                                          index=True)
    model_version: Mapped[str] = mapped_column(String(48))
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: JSON: {"up": [[feature, value, won, total, effect, text], ...], "down": [...]}
    reasons: Mapped[str] = mapped_column(Text)
