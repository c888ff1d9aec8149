"""The unit of work as use cases see it: one transaction, its repositories, one commit.

``with ctx.uow_factory() as uow: ... uow.commit()``: what is not committed when the block
ends is rolled back, so a use case failing half-way leaves nothing behind. A broken unique or
foreign-key rule is a named ``ConflictError`` wherever it surfaces (commit, flush, savepoint,
``conflicts_named``, the end of the block). SqlUnitOfWork (persistence) is the real one; tests
have an in-memory one (tests/fakes); mypy checks both against this Protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from types import TracebackType
from typing import Any, Protocol, Self

from leadline.domain.capture.attribution import Attribution
from leadline.domain.leads.lead import Lead
from leadline.domain.scoring.records import LeadScore
from leadline.services.ports.accounts import AccountRepository, ContactRepository
from leadline.services.ports.activities import ActivityRepository
from leadline.services.ports.assignment import AssignmentRepository
from leadline.services.ports.campaigns import CampaignRepository
from leadline.services.ports.capture import CaptureRepository
from leadline.services.ports.configuration import (
    CriteriaRepository,
    CustomFieldRepository,
    FieldMappingRepository,
    ReasonRepository,
    SourceRepository,
    StageRepository,
    StatusRepository,
    TransitionRepository,
)
from leadline.services.ports.conversion import ConversionRepository
from leadline.services.ports.duplicates import DuplicateRepository
from leadline.services.ports.exports import ExportReads
from leadline.services.ports.forecast import (
    AdjustmentRepository,
    ExchangeRateRepository,
    ForecastQueries,
    PipelineQueries,
    QuotaRepository,
    SettingsRepository,
    SnapshotRepository,
)
from leadline.services.ports.imports import ImportRepository
from leadline.services.ports.leads import LeadRepository
from leadline.services.ports.opportunities import OpportunityRepository, ProductRepository, StageHistoryRepository
from leadline.services.ports.opportunity_scoring import OpportunityScoringRepository
from leadline.services.ports.reports import DealQueries, FunnelQueries
from leadline.services.ports.salesforce import SoqlQueries
from leadline.services.ports.salesforce_bulk import BulkJobRepository
from leadline.services.ports.saved_views import SavedViewRepository
from leadline.services.ports.scoring import ScoringRepository
from leadline.services.ports.security import (
    AuditRepository,
    DeletionRepository,
    IdempotencyRepository,
    ObjectRightsRepository,
    SharingRepository,
    SignInThrottleRepository,
    TokenRepository,
    UserRepository,
)


class RecordReads(Protocol):
    """Lean single-record reads outside the transaction (what get-lead needs, nothing locked)."""

    def lead(self, lead_id: int) -> Lead | None: ...

    def custom_values(self, record_id: int, definitions: Sequence[Any]) -> dict[str, Any]: ...

    def capture(self, lead_id: int) -> Attribution | None:
        """Where a lead came from (lead capture); None for a lead typed in."""
        ...

    def lead_score(self, lead_id: int) -> LeadScore | None:
        """The lead's stored score (read with the lead); None when unscored."""
        ...


class UnitOfWork(Protocol):
    """One transaction and the repositories that stage its writes; nothing is kept without ``commit``."""

    def __enter__(self) -> Self: ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None: ...

    def commit(self) -> None:
        """Make every staged write durable (``CONFLICT`` on a broken rule, then nothing is kept)."""
        ...

    def after_configuration_commit(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` after each commit that wrote configuration (users, statuses, sources,
        stages, custom-field definitions, workflow, tokens, sharing, settings); never after a
        rollback. ``ServiceContext`` registers its cache's ``invalidate`` here."""
        ...

    def changes_configuration(self) -> bool:
        """Whether configuration was written and not committed yet (reads must not be cached)."""
        ...

    def bulk_load(self) -> None:
        """Write this unit of work's inserts of many rows with the database's bulk loader (COPY on
        PostgreSQL): the same rows in the same transaction, for a large import's blocks."""
        ...

    def configuration_version(self) -> int | None:
        """The stored configuration version as this unit of work sees it (ADR 0045); None: unknown."""
        ...

    def joining(self) -> Callable[..., UnitOfWork]:
        """A factory of units of work that join this one's transaction (``uow_factory`` of a
        ``ServiceContext`` for use cases run together): their ``commit`` sends their writes (a
        broken rule is its ``ConflictError``), their readers see them, and only this unit's
        ``commit`` keeps them, all or none (``services/all_or_none.py``)."""
        ...

    def flush(self) -> None:
        """Send staged writes now, so a broken unique rule is a named ``ConflictError`` here."""
        ...

    def savepoint(self) -> AbstractContextManager[None]:
        """A part of the transaction that a failure undoes alone; the unit of work still commits once."""
        ...

    def conflicts_named(self) -> AbstractContextManager[None]:
        """A part whose broken rule is a named ``ConflictError``, the whole transaction then rolled back."""
        ...

    @property
    def reads(self) -> RecordReads: ...

    @property
    def exports(self) -> ExportReads:
        """The read made for export: one streamed statement, on a connection of its own."""
        ...

    # records
    @property
    def leads(self) -> LeadRepository: ...
    @property
    def accounts(self) -> AccountRepository: ...
    @property
    def contacts(self) -> ContactRepository: ...
    @property
    def opportunities(self) -> OpportunityRepository: ...

    # configuration
    @property
    def users(self) -> UserRepository: ...
    @property
    def statuses(self) -> StatusRepository: ...
    @property
    def sources(self) -> SourceRepository: ...
    @property
    def stages(self) -> StageRepository: ...
    @property
    def custom_fields(self) -> CustomFieldRepository: ...
    @property
    def transitions(self) -> TransitionRepository: ...
    @property
    def reasons(self) -> ReasonRepository: ...
    @property
    def criteria(self) -> CriteriaRepository: ...
    @property
    def field_mappings(self) -> FieldMappingRepository: ...

    # sales
    @property
    def products(self) -> ProductRepository: ...
    @property
    def stage_history(self) -> StageHistoryRepository: ...
    @property
    def activities(self) -> ActivityRepository: ...

    # campaigns and assignment
    @property
    def campaigns(self) -> CampaignRepository: ...
    @property
    def assignment(self) -> AssignmentRepository: ...

    # conversion
    @property
    def conversions(self) -> ConversionRepository: ...

    # imports
    @property
    def imports(self) -> ImportRepository: ...

    # duplicates and merges
    @property
    def duplicates(self) -> DuplicateRepository: ...

    # security
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def deletions(self) -> DeletionRepository: ...
    @property
    def tokens(self) -> TokenRepository: ...
    @property
    def sharing(self) -> SharingRepository: ...
    @property
    def rights(self) -> ObjectRightsRepository: ...
    @property
    def idempotency(self) -> IdempotencyRepository: ...
    @property
    def sign_in_throttles(self) -> SignInThrottleRepository: ...

    # what users keep for themselves
    @property
    def saved_views(self) -> SavedViewRepository: ...

    # forecast and pipeline
    @property
    def settings(self) -> SettingsRepository: ...
    @property
    def exchange_rates(self) -> ExchangeRateRepository: ...
    @property
    def quotas(self) -> QuotaRepository: ...
    @property
    def adjustments(self) -> AdjustmentRepository: ...
    @property
    def snapshots(self) -> SnapshotRepository: ...
    @property
    def forecast(self) -> ForecastQueries: ...
    @property
    def pipeline(self) -> PipelineQueries: ...

    # lead capture
    @property
    def captures(self) -> CaptureRepository: ...
    # funnel and sales reports
    @property
    def funnel(self) -> FunnelQueries: ...
    @property
    def deal_reports(self) -> DealQueries: ...
    # predictive scoring
    @property
    def scoring(self) -> ScoringRepository: ...
    @property
    def opportunity_scoring(self) -> OpportunityScoringRepository: ...
    # the Salesforce-compatible API's queries
    @property
    def soql(self) -> SoqlQueries: ...
    @property
    def salesforce_bulk(self) -> BulkJobRepository: ...
