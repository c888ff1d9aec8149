"""Each open opportunity's current predicted chance of winning, naming its model version."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from leadline.persistence.base import Base
from leadline.persistence.scoring.rows import ScoreColumns


class OpportunityScoreRow(ScoreColumns, Base):
    __tablename__ = "opportunity_scores"
    __table_args__ = (
        Index("ix_opportunity_scores_score", "score", "opportunity_id"),
        # the forecast's "predicted" figure: each open opportunity's chance read from the index alone
        Index("ix_opportunity_scores_probability", "opportunity_id", "probability"),
    )
    opportunity_id: Mapped[int] = mapped_column(ForeignKey("opportunities.id", ondelete="CASCADE"),
                                                primary_key=True)
