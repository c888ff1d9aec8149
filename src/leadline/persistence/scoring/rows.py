"""Rows of scoring: the trained models (versioned, kept) and each lead's current score."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from leadline.persistence.base import Base, id_column
from leadline.persistence.types import UtcDateTime


class ScoringModelRow(Base):
    __tablename__ = "scoring_models"
    __table_args__ = (Index("ix_scoring_models_subject_trained", "subject", "trained_at"),)
    id: Mapped[int] = id_column()
    subject: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    trained_at: Mapped[datetime] = mapped_column(UtcDateTime)
    outcomes: Mapped[int] = mapped_column(Integer)
    positives: Mapped[int] = mapped_column(Integer)
    #: JSON: {"backtest": {kind: roc_auc}, "notes": [...]}
    summary: Mapped[str] = mapped_column(Text)
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class ScoreColumns:
    """The columns every stored score has (``LeadScoreRow``, ``OpportunityScoreRow``): the score,
    how sure it is, the model version it names, and its reasons."""

    score: Mapped[int] = mapped_column(Integer)
    probability: Mapped[float] = mapped_column(Float)
    confident: Mapped[bool] = mapped_column(Boolean)
    model_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("scoring_models.id", ondelete="CASCADE"),
                                          index=True)
    model_version: Mapped[str] = mapped_column(String(48))
    scored_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: JSON: {"up": [[feature, value, positives, total, effect, text], ...], "down": [...]}
    reasons: Mapped[str] = mapped_column(Text)


class LeadScoreRow(ScoreColumns, Base):
    __tablename__ = "lead_scores"
    __table_args__ = (Index("ix_lead_scores_score", "score", "lead_id"),)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True)
