"""Opportunities (potential sales), their stages and sales processes.

Won or lost is an *outcome*, kept apart from probability: a 100% opportunity is
not won until someone closes it as won.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from leadline.domain.common import Cleaner, amount_field, date_field, text_field
from leadline.domain.configuration.custom_fields import CustomValue
from leadline.domain.errors import (
    CloseDateInFutureError,
    ConfigurationError,
    OpportunityClosedError,
    PermissionDeniedError,
    ValidationError,
)
from leadline.domain.money import Money, parse_currency


class ForecastCategory(StrEnum):
    """Salesforce's cumulative categories: closed within commit within best case within pipeline."""

    PIPELINE = "pipeline"
    BEST_CASE = "best_case"
    COMMIT = "commit"
    CLOSED = "closed"
    OMITTED = "omitted"


class OpportunityType(StrEnum):
    NEW_BUSINESS = "new_business"
    EXISTING_BUSINESS = "existing_business"
    RENEWAL = "renewal"
    UPSELL = "upsell"


class Outcome(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class ContactRoleKind(StrEnum):
    DECISION_MAKER = "decision_maker"
    ECONOMIC_BUYER = "economic_buyer"
    CHAMPION = "champion"
    INFLUENCER = "influencer"
    EVALUATOR = "evaluator"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class SalesProcess:
    id: int
    name: str
    is_default: bool = False
    is_active: bool = True
    #: opportunities of this type follow this process unless they name another
    opportunity_type: OpportunityType | None = None


@dataclass(frozen=True, slots=True)
class OpportunityStage:
    id: int
    process_id: int
    label: str
    order: int
    probability: int
    forecast_category: ForecastCategory
    is_closed: bool = False
    is_won: bool = False
    is_active: bool = True

    def __post_init__(self) -> None:
        ensure_valid_stage(self)


def ensure_valid_stage(stage: OpportunityStage) -> None:
    if not 0 <= stage.probability <= 100:
        raise ValidationError("must be between 0 and 100", field="probability")
    if stage.is_won and not stage.is_closed:
        raise ValidationError("a won stage must also be closed", field="is_won")
    if stage.is_closed and stage.forecast_category not in (ForecastCategory.CLOSED, ForecastCategory.OMITTED):
        raise ValidationError("a closed stage forecasts as closed or omitted", field="forecast_category")
    if not stage.is_closed and stage.forecast_category is ForecastCategory.CLOSED:
        raise ValidationError("only a closed stage forecasts as closed", field="forecast_category")


#: Default stages of a new-business process: (label, probability, category, closed, won).
DEFAULT_STAGES: tuple[tuple[str, int, ForecastCategory, bool, bool], ...] = (
    ("Prospecting", 10, ForecastCategory.PIPELINE, False, False),
    ("Qualification", 20, ForecastCategory.PIPELINE, False, False),
    ("Needs Analysis", 30, ForecastCategory.PIPELINE, False, False),
    ("Proposal/Quote", 50, ForecastCategory.BEST_CASE, False, False),
    ("Negotiation", 75, ForecastCategory.COMMIT, False, False),
    ("Order", 90, ForecastCategory.COMMIT, False, False),
    ("Closed Won", 100, ForecastCategory.CLOSED, True, True),
    ("Closed Lost", 0, ForecastCategory.OMITTED, True, False),
)


def ensure_usable_process(stages: Iterable[OpportunityStage]) -> None:
    """A sales process needs an open stage to start in, a won stage and a lost stage."""
    active = [s for s in stages if s.is_active]
    if not any(not s.is_closed for s in active):
        raise ConfigurationError("a sales process needs at least one open stage", field="stages")
    if not any(s.is_won for s in active):
        raise ConfigurationError("a sales process needs a closed-won stage", field="stages")
    if not any(s.is_closed and not s.is_won for s in active):
        raise ConfigurationError("a sales process needs a closed-lost stage", field="stages")


def first_open_stage(stages: Iterable[OpportunityStage]) -> OpportunityStage:
    candidates = sorted((s for s in stages if s.is_active and not s.is_closed), key=lambda s: s.order)
    if not candidates:
        raise ConfigurationError("the sales process has no open stage", field="stages")
    return candidates[0]


def parse_forecast_category(value: str) -> ForecastCategory:
    try:
        return ForecastCategory(str(value).strip().lower().replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(c.value for c in ForecastCategory)
        raise ValidationError(f"{value!r} is not a forecast category; use one of {allowed}",
                              field="forecast_category") from None


@dataclass(slots=True)
class Opportunity:
    id: int
    account_id: int
    name: str
    stage_id: int
    probability: int
    forecast_category: ForecastCategory
    created_at: datetime
    updated_at: datetime
    currency: str = "USD"
    amount: Decimal | None = None
    close_date: date | None = None
    type: OpportunityType | None = None
    lead_source_id: int | None = None
    next_step: str | None = None
    description: str | None = None
    owner_id: int | None = None
    originating_lead_id: int | None = None
    outcome: Outcome = Outcome.OPEN
    #: an optional comment on the loss; the reason itself is ``loss_reason_id`` (a configured reason)
    loss_reason: str | None = None
    closed_at: datetime | None = None
    loss_reason_id: int | None = None
    #: set when a rep chose the probability / category instead of taking the stage's
    probability_overridden: bool = False
    category_overridden: bool = False
    #: the primary campaign: the source campaign of the lead it was converted from
    campaign_id: int | None = None
    version: int = 1
    #: custom field values by name, when a use case read them with the record (None: not read)
    custom: dict[str, CustomValue | None] | None = None

    @property
    def money(self) -> Money | None:
        return None if self.amount is None else Money(self.amount, self.currency)

    def is_closed(self) -> bool:
        return self.outcome is not Outcome.OPEN

    def ensure_open(self) -> None:
        if self.is_closed():
            raise OpportunityClosedError(f"opportunity {self.id} is closed {self.outcome.value}; reopen it first",
                                         field="stage")

    def move_to_stage(self, stage: OpportunityStage) -> None:
        """Move an open opportunity to another open stage of its process. Probability and forecast
        category follow the stage unless a rep has overridden them (the override stays)."""
        self.ensure_open()
        if stage.is_closed:
            raise ValidationError(f"{stage.label!r} is a closed stage; close the opportunity as won or lost",
                                  field="stage")
        if not stage.is_active:
            raise ValidationError(f"stage {stage.label!r} is inactive", field="stage")
        self.stage_id = stage.id
        if not self.probability_overridden:
            self.probability = stage.probability
        if not self.category_overridden:
            self.forecast_category = stage.forecast_category

    def override_probability(self, probability: int) -> None:
        """A rep's own probability for an open opportunity; kept through stage moves until cleared."""
        self.ensure_open()
        if not 0 <= probability <= 100:
            raise ValidationError("must be between 0 and 100", field="probability")
        self.probability = probability
        self.probability_overridden = True

    def override_category(self, category: ForecastCategory) -> None:
        """A rep's own forecast category for an open opportunity; closed is reached only by winning."""
        self.ensure_open()
        if category is ForecastCategory.CLOSED:
            raise ValidationError("only a won opportunity forecasts as closed", field="forecast_category")
        self.forecast_category = category
        self.category_overridden = True

    def clear_overrides(self, stage: OpportunityStage) -> None:
        """Take probability and category from the current ``stage`` again."""
        self.probability, self.forecast_category = stage.probability, stage.forecast_category
        self.probability_overridden = self.category_overridden = False

    def can_close_won(self) -> bool:
        return not self.is_closed() and self.amount is not None and self.amount > 0

    def close_won(self, stage: OpportunityStage, at: datetime, *, close_date: date | None = None,
                  may_back_date: bool = False) -> None:
        """Win: needs a positive amount; the close date follows the close rule (``date_close``)."""
        self.ensure_open()
        if not stage.is_won:
            raise ValidationError(f"{stage.label!r} is not a won stage", field="stage")
        if self.amount is None or self.amount <= 0:
            raise ValidationError("a won opportunity needs a positive amount", field="amount")
        self._close(stage, Outcome.WON, at, close_date, may_back_date)

    def close_lost(self, stage: OpportunityStage, reason_id: int, at: datetime, comment: str | None = None, *,
                   close_date: date | None = None, may_back_date: bool = False) -> None:
        """Lose, for a configured reason; the close date follows the close rule (``date_close``)."""
        self.ensure_open()
        if not stage.is_closed or stage.is_won:
            raise ValidationError(f"{stage.label!r} is not a lost stage", field="stage")
        self._close(stage, Outcome.LOST, at, close_date, may_back_date)
        self.loss_reason_id, self.loss_reason = reason_id, comment

    def can_date_close(self, requested: date | None, today: date, *, may_back_date: bool) -> bool:
        """Whether ``date_close`` accepts ``requested`` (see there)."""
        try:
            closing_day(requested, self._closed_on(today), today, may_back_date=may_back_date)
        except (ValidationError, PermissionDeniedError):
            return False
        return True

    def date_close(self, requested: date | None, today: date, *, may_back_date: bool) -> None:
        """The close rule, for every way a won or lost opportunity gets or changes its close date
        (closing, creating it closed, correcting it later): the close date is the day it closed
        (``closed_at``; today for a close happening now) unless an admin back-dates it into the past.
        Never after ``today``: ``CLOSE_DATE_IN_FUTURE``; a back-date by a non-admin:
        ``PERMISSION_DENIED``; no date at all is the day it closed."""
        self.close_date = closing_day(requested, self._closed_on(today), today, may_back_date=may_back_date)

    def ensure_close_date_kept(self, previous: date | None, today: date, *, may_back_date: bool) -> None:
        """After a correction of a won or lost opportunity (its amount, its close date): a changed
        close date goes through the close rule (``date_close``); an unchanged one may not lie after
        ``today`` either (``CLOSE_DATE_IN_FUTURE``: correct it in the same change)."""
        if not self.is_closed():
            return
        if self.close_date != previous:
            self.date_close(self.close_date, today, may_back_date=may_back_date)
        elif previous is not None:
            closing_day(previous, previous, today, may_back_date=True)

    def _closed_on(self, today: date) -> date:
        return self.closed_at.date() if self.closed_at is not None else today

    def ensure_outcome_complete(self) -> None:
        """A won opportunity has a positive amount; a lost one a reason (for records made closed,
        as imports and demo data are)."""
        if self.outcome is Outcome.WON and (self.amount is None or self.amount <= 0):
            raise ValidationError("a won opportunity needs a positive amount", field="amount")
        if self.outcome is Outcome.LOST and self.loss_reason_id is None:
            raise ValidationError("a lost opportunity needs a reason", field="loss_reason_id")

    def _close(self, stage: OpportunityStage, outcome: Outcome, at: datetime, close_date: date | None,
               may_back_date: bool) -> None:
        day = closing_day(close_date, at.date(), at.date(), may_back_date=may_back_date)
        self.stage_id, self.outcome, self.closed_at, self.close_date = stage.id, outcome, at, day
        self.clear_overrides(stage)

    def reopen(self, stage: OpportunityStage) -> None:
        """Back to an open stage: outcome open, no close time, no loss reason (history keeps them)."""
        if not self.is_closed():
            raise ValidationError("the opportunity is already open", field="stage")
        if stage.is_closed or not stage.is_active:
            raise ValidationError(f"{stage.label!r} is not an active open stage", field="stage")
        self.outcome, self.closed_at, self.loss_reason_id, self.loss_reason = Outcome.OPEN, None, None, None
        self.stage_id = stage.id
        self.clear_overrides(stage)

    @classmethod
    def outcome_for(cls, stage: OpportunityStage) -> Outcome:
        """The outcome a stage implies: open stages are open, closed stages won or lost."""
        if not stage.is_closed:
            return Outcome.OPEN
        return Outcome.WON if stage.is_won else Outcome.LOST


def closing_day(requested: date | None, closed_on: date, today: date, *, may_back_date: bool) -> date:
    """The close date of a won or lost opportunity: ``requested`` if the close rule allows it, else
    the day it closed. A day after ``today`` is refused (``CLOSE_DATE_IN_FUTURE``), and only an
    admin (``may_back_date``) dates a close another day than the one it happened on."""
    if requested is None:
        return closed_on
    if requested > today:
        raise CloseDateInFutureError(f"a won or lost opportunity cannot close in the future ({requested.isoformat()}); "
                                     f"its close date is the day it closed ({closed_on.isoformat()}) or, "
                                     "back-dated by an admin, an earlier day", field="close_date")
    if requested != closed_on and not may_back_date:
        raise PermissionDeniedError(f"only an admin back-dates a close; the close date is the day it closed "
                                    f"({closed_on.isoformat()})", field="close_date")
    return requested


def parse_opportunity_type(value: object, name: str = "type") -> OpportunityType | None:
    if value in (None, ""):
        return None
    try:
        return OpportunityType(str(value).strip().lower().replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(t.value for t in OpportunityType)
        raise ValidationError(f"{value!r} is not an opportunity type; use one of {allowed}", field=name) from None


#: The opportunity fields a user sets directly. Stage, outcome and owner have rules of their own.
OPPORTUNITY_FIELD_CLEANERS: dict[str, Cleaner] = {
    "name": text_field(255), "amount": amount_field, "currency": lambda v, n: parse_currency(str(v), field=n),
    "close_date": date_field, "type": parse_opportunity_type, "next_step": text_field(255),
    "description": text_field(32_000),
}


def default_process(processes: Iterable[SalesProcess]) -> SalesProcess:
    """The process new opportunities follow: the one marked default, else the first active one."""
    active = [p for p in processes if p.is_active]
    for process in active:
        if process.is_default:
            return process
    if not active:
        raise ConfigurationError("no active sales process is configured", field="process")
    return active[0]
