"""The shapes of selling an opportunity: stage moves, overrides, closing and reopening."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

import msgspec

from leadline.api.forecast.schemas import Amount, Category
from leadline.api.schemas import Label


class StageMoveIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An open stage of the opportunity's sales process, by label or id."""

    stage: Label


class CloseIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``won`` needs a positive amount: the opportunity's, or ``amount`` here (the final amount,
    set in the same change; not for an opportunity with line items, nor when losing). ``lost``
    needs a ``reason`` from the ``opportunity_lost`` list (``comment`` is free text beside it).
    ``stage`` picks among several won or lost stages (default: the first). ``close_date``: an
    admin's back-date (today or earlier; default today)."""

    outcome: Literal["won", "lost"]
    reason: Label | None = None
    comment: Annotated[str, msgspec.Meta(max_length=255)] | None = None
    stage: Label | None = None
    amount: Amount | None = None
    close_date: date | None = None


class ReopenIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``stage`` defaults to the last open stage the opportunity was in."""

    stage: Label | None = None


class ForecastOverrideIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The rep's own figures, kept through stage moves until cleared; a field left out keeps its
    current value. At least one is required; ``closed`` is reached only by winning."""

    probability: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    forecast_category: Category | None = None
