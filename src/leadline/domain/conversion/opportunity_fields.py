"""The opportunity's own fields a conversion may be given (its name, amount, close date and
stage) instead of those the planner works out (docs/adr/0025: from the lead's company and first
product, its product lines or budget, its purchase timeframe, the default process's first open
stage). Parsed and checked before anything is read; the stage is checked against the process
in ``opening_stage_of``, when the configuration is at hand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from leadline.domain.common import amount_field, date_field, text_field
from leadline.domain.errors import ValidationError
from leadline.domain.opportunities.opportunity import OpportunityStage

#: Each field as the transports name it (the use case's ``field`` of a refusal).
NAME, AMOUNT = "opportunity_name", "opportunity_amount"
CLOSE_DATE, STAGE = "opportunity_close_date", "opportunity_stage"
_NAME = text_field(255)


@dataclass(frozen=True, slots=True)
class OpportunityFields:
    """What the user set on the new opportunity; None: as the planner works it out."""

    name: str | None = None
    amount: Decimal | None = None
    close_date: date | None = None
    #: a stage of the default process, by label or id: an open, active one
    stage: str | None = None

    @classmethod
    def parse(cls, *, name: object = None, amount: object = None, close_date: object = None,
              stage: object = None) -> OpportunityFields:
        """From plain values (texts as typed; empty is not given): ``VALIDATION_FAILED`` naming the
        field for a name over 255 characters, an amount that is not a non-negative number, a close
        date that is not YYYY-MM-DD."""
        parsed_name = _NAME(name, NAME) if name not in (None, "") else None
        if name not in (None, "") and not parsed_name:
            raise ValidationError("must not be blank", field=NAME)
        parsed_stage = str(stage).strip() if stage not in (None, "") else None
        return cls(name=str(parsed_name) if parsed_name else None, amount=amount_field(amount, AMOUNT),
                   close_date=date_field(close_date, CLOSE_DATE), stage=parsed_stage or None)

    def is_given(self) -> bool:
        return any(v is not None for v in (self.name, self.amount, self.close_date, self.stage))

    def names_one_opportunity(self) -> bool:
        """A name or an amount belongs to one opportunity: not to one per product, nor to a bulk conversion."""
        return self.name is not None or self.amount is not None

    def given_field(self) -> str:
        """The first field given (what a refusal of all of them names)."""
        for value, field in ((self.name, NAME), (self.amount, AMOUNT), (self.close_date, CLOSE_DATE),
                             (self.stage, STAGE)):
            if value is not None:
                return field
        return NAME


def opening_stage_of(stages: Iterable[OpportunityStage], default: OpportunityStage, chosen: str | None
                     ) -> OpportunityStage:
    """The stage a converted opportunity opens in: ``chosen`` (label or id) among the open, active
    stages of the default process (``default`` is its first open stage), else ``default``.
    ``VALIDATION_FAILED`` (opportunity_stage) for another, listing those it may be."""
    if chosen is None:
        return default
    allowed = sorted((s for s in stages if s.process_id == default.process_id and s.is_active and not s.is_closed),
                     key=lambda s: s.order)
    for stage in allowed:
        if chosen == str(stage.id) or chosen.casefold() == stage.label.casefold():
            return stage
    raise ValidationError(f"{chosen!r} is not an open stage of the default sales process; use one of "
                          + ", ".join(s.label for s in allowed), field=STAGE)
