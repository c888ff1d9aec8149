"""The unit of work: one session, one transaction, one commit, owned by a use case.

Repositories stage changes in the session; only ``commit()`` makes them durable, and
leaving the ``with`` block without committing rolls everything back, so a use case
that fails half-way leaves nothing behind.

A broken unique or foreign-key rule is a named ``ConflictError`` (``CONFLICT``, HTTP 409)
however it reached the database: at ``commit``, ``flush``, in a savepoint or
``conflicts_named``, and from a statement run at once (the Core inserts repositories run on
the session's connection, updates, deletes) that leaves the ``with`` block.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from leadline.domain.errors import ConflictError
from leadline.persistence.bulk_rows import BULK_LOAD
from leadline.persistence.configuration.writes import (
    count_configuration_write,
    forget_configuration_writes,
    stored_configuration_version,
    wrote_configuration,
)
from leadline.persistence.database import make_session_factory, write_gate

if TYPE_CHECKING:
    from leadline.persistence.accounts.repositories import AccountRepository, ContactRepository
    from leadline.persistence.activities.repositories import ActivityRepository
    from leadline.persistence.assignment.repositories import AssignmentRepository
    from leadline.persistence.campaigns.repositories import CampaignRepository
    from leadline.persistence.capture.repositories import CaptureRepository
    from leadline.persistence.configuration.repositories import (
        CriteriaRepository,
        CustomFieldRepository,
        FieldMappingRepository,
        ReasonRepository,
        SourceRepository,
        StageRepository,
        StatusRepository,
        TransitionRepository,
    )
    from leadline.persistence.conversion.repositories import ConversionRepository
    from leadline.persistence.duplicates.repositories import DuplicateRepository
    from leadline.persistence.exports import ExportReads
    from leadline.persistence.forecast.pipeline_queries import PipelineQueries
    from leadline.persistence.forecast.queries import ForecastQueries
    from leadline.persistence.forecast.repositories import (
        AdjustmentRepository,
        ExchangeRateRepository,
        QuotaRepository,
        SettingsRepository,
        SnapshotRepository,
    )
    from leadline.persistence.imports.repositories import ImportRepository
    from leadline.persistence.leads.reads import RecordReads
    from leadline.persistence.leads.repositories import LeadRepository
    from leadline.persistence.opportunities.repositories import (
        OpportunityRepository,
        ProductRepository,
        StageHistoryRepository,
    )
    from leadline.persistence.reports.deals import DealQueries
    from leadline.persistence.reports.funnel import FunnelQueries
    from leadline.persistence.salesforce.bulk import BulkJobRepository
    from leadline.persistence.salesforce.queries import SoqlQueries
    from leadline.persistence.saved_views.repositories import SavedViewRepository
    from leadline.persistence.scoring.opportunities import OpportunityScoringRepository
    from leadline.persistence.scoring.repositories import ScoringRepository
    from leadline.persistence.security.deletions import DeletionRepository
    from leadline.persistence.security.repositories import (
        AuditRepository,
        IdempotencyRepository,
        ObjectRightsRepository,
        SharingRepository,
        SignInThrottleRepository,
        TokenRepository,
        UserRepository,
    )

_open = threading.local()

T = TypeVar("T")


class _Repository(Generic[T]):
    """A repository of the unit of work, made on its session at first use and then kept (the
    instance attribute it sets hides this descriptor for the rest of the unit of work).

    Its module (``leadline.persistence.<area>.repositories``) is imported then too, with its
    rows: a command imports and maps only the areas it uses, which is most of its start-up
    (the session maps every row before its first flush: ``database.make_session_factory``)."""

    def __init__(self, area: str, name: str, module: str = "repositories") -> None:
        self._module = f"leadline.persistence.{area}.{module}"
        self._class = name

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, uow: None, owner: type) -> _Repository[T]: ...
    @overload
    def __get__(self, uow: SqlUnitOfWork, owner: type) -> T: ...
    def __get__(self, uow: SqlUnitOfWork | None, owner: type) -> T | _Repository[T]:
        if uow is None:
            return self
        make: Callable[[Session], T] = getattr(importlib.import_module(self._module), self._class)
        made = make(uow.session)
        uow.__dict__[self._name] = made
        return made


class NestedUnitOfWorkError(RuntimeError):
    """A use case opened a second unit of work inside its own: on SQLite that waits on its own
    write lock. A programming error, raised at once instead of a 30-second stall."""


class SqlUnitOfWork:
    """The unit of work on a SQL database; honours ``leadline.services.ports.UnitOfWork``."""

    leads: _Repository[LeadRepository] = _Repository("leads", "LeadRepository")
    accounts: _Repository[AccountRepository] = _Repository("accounts", "AccountRepository")
    contacts: _Repository[ContactRepository] = _Repository("accounts", "ContactRepository")
    opportunities: _Repository[OpportunityRepository] = _Repository("opportunities", "OpportunityRepository")
    users: _Repository[UserRepository] = _Repository("security", "UserRepository")
    statuses: _Repository[StatusRepository] = _Repository("configuration", "StatusRepository")
    sources: _Repository[SourceRepository] = _Repository("configuration", "SourceRepository")
    stages: _Repository[StageRepository] = _Repository("configuration", "StageRepository")
    custom_fields: _Repository[CustomFieldRepository] = _Repository("configuration", "CustomFieldRepository")
    transitions: _Repository[TransitionRepository] = _Repository("configuration", "TransitionRepository")
    reasons: _Repository[ReasonRepository] = _Repository("configuration", "ReasonRepository")
    criteria: _Repository[CriteriaRepository] = _Repository("configuration", "CriteriaRepository")
    field_mappings: _Repository[FieldMappingRepository] = _Repository("configuration", "FieldMappingRepository")
    products: _Repository[ProductRepository] = _Repository("opportunities", "ProductRepository")
    stage_history: _Repository[StageHistoryRepository] = _Repository("opportunities", "StageHistoryRepository")
    activities: _Repository[ActivityRepository] = _Repository("activities", "ActivityRepository")
    campaigns: _Repository[CampaignRepository] = _Repository("campaigns", "CampaignRepository")
    assignment: _Repository[AssignmentRepository] = _Repository("assignment", "AssignmentRepository")
    conversions: _Repository[ConversionRepository] = _Repository("conversion", "ConversionRepository")
    imports: _Repository[ImportRepository] = _Repository("imports", "ImportRepository")
    duplicates: _Repository[DuplicateRepository] = _Repository("duplicates", "DuplicateRepository")
    audit: _Repository[AuditRepository] = _Repository("security", "AuditRepository")
    deletions: _Repository[DeletionRepository] = _Repository("security", "DeletionRepository", "deletions")
    tokens: _Repository[TokenRepository] = _Repository("security", "TokenRepository")
    sharing: _Repository[SharingRepository] = _Repository("security", "SharingRepository")
    rights: _Repository[ObjectRightsRepository] = _Repository("security", "ObjectRightsRepository")
    idempotency: _Repository[IdempotencyRepository] = _Repository("security", "IdempotencyRepository")
    sign_in_throttles: _Repository[SignInThrottleRepository] = _Repository("security", "SignInThrottleRepository")
    saved_views: _Repository[SavedViewRepository] = _Repository("saved_views", "SavedViewRepository")
    settings: _Repository[SettingsRepository] = _Repository("forecast", "SettingsRepository")
    exchange_rates: _Repository[ExchangeRateRepository] = _Repository("forecast", "ExchangeRateRepository")
    quotas: _Repository[QuotaRepository] = _Repository("forecast", "QuotaRepository")
    adjustments: _Repository[AdjustmentRepository] = _Repository("forecast", "AdjustmentRepository")
    snapshots: _Repository[SnapshotRepository] = _Repository("forecast", "SnapshotRepository")
    forecast: _Repository[ForecastQueries] = _Repository("forecast", "ForecastQueries", "queries")
    pipeline: _Repository[PipelineQueries] = _Repository("forecast", "PipelineQueries", "pipeline_queries")
    captures: _Repository[CaptureRepository] = _Repository("capture", "CaptureRepository")
    funnel: _Repository[FunnelQueries] = _Repository("reports", "FunnelQueries", "funnel")
    deal_reports: _Repository[DealQueries] = _Repository("reports", "DealQueries", "deals")
    scoring: _Repository[ScoringRepository] = _Repository("scoring", "ScoringRepository")
    opportunity_scoring: _Repository[OpportunityScoringRepository] = _Repository(
        "scoring", "OpportunityScoringRepository", "opportunities")
    soql: _Repository[SoqlQueries] = _Repository("salesforce", "SoqlQueries", "queries")
    salesforce_bulk: _Repository[BulkJobRepository] = _Repository("salesforce", "BulkJobRepository", "bulk")

    def __init__(self, engine: Engine, session_factory: sessionmaker[Session] | None = None, *,
                 read_only: bool = False) -> None:
        """``read_only`` units of work never commit and, on SQLite, do not take the write lock."""
        self.engine = engine
        self._factory = session_factory or make_session_factory(engine)
        self.read_only = read_only
        self._configuration_hooks: list[Callable[[], None]] = []
        self._session: Session | None = None
        self._reads: RecordReads | None = None
        self._exports: ExportReads | None = None

    def after_configuration_commit(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` after each commit that wrote configuration (persistence/configuration/writes.py);
        never after a rollback or a failed commit."""
        self._configuration_hooks.append(hook)

    def bulk_load(self) -> None:
        """Write this unit of work's inserts of many rows with the database's loader (COPY on
        PostgreSQL, ``bulk_rows.copies``): a large import's blocks. Same rows, same transaction."""
        self.session.info[BULK_LOAD] = True

    def changes_configuration(self) -> bool:
        """Whether this unit of work has written configuration that is not committed yet."""
        return self._session is not None and wrote_configuration(self._session)

    def configuration_version(self) -> int | None:
        """The stored configuration version, read in this unit of work's own transaction: what it
        then loads of the configuration is of the same moment (ADR 0045)."""
        return stored_configuration_version(self.session)

    def __enter__(self) -> SqlUnitOfWork:
        if getattr(_open, "depth", 0):
            raise NestedUnitOfWorkError("a unit of work is already open in this thread")
        # on SQLite a writer queues for the gate when its transaction begins (database.py); a
        # reader never should, but whatever the thread holds is given back when this closes
        self._gate = write_gate(self.engine)
        if self._gate is not None:
            self._gate.reset()
        self._session = None
        self._reads = None
        self._exports = None
        _open.depth = 1
        return self

    @property
    def session(self) -> Session:
        """The unit of work's session, opened on first use (a read served by ``reads`` alone
        never opens one)."""
        if self._session is None:
            session = self._factory()
            if self.read_only:
                session.connection(execution_options={"leadline_read_only": True})
            self._session = session
        return self._session

    @property
    def reads(self) -> RecordReads:
        """Lean single-record reads outside the session (persistence/leads/reads.py)."""
        if self._reads is None:
            from leadline.persistence.leads.reads import RecordReads

            self._reads = RecordReads(self.engine)
        return self._reads

    @property
    def exports(self) -> ExportReads:
        """The read made for export (persistence/exports.py): filters built on this session, the
        statement run on a connection of its own, so the stream outlives this unit of work."""
        if self._exports is None:
            from leadline.persistence.exports import ExportReads

            self._exports = ExportReads(self.session, self.engine)
        return self._exports

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Roll back whatever was not committed; a broken rule leaving the block, raised by a
        statement that ran at once (no flush or commit named it), becomes its ``ConflictError``."""
        try:
            if self._reads is not None:
                self._reads.close()
            if self._session is not None:
                try:
                    self._session.rollback()
                finally:
                    self._session.close()
        finally:
            _open.depth = 0
            if self._gate is not None:
                self._gate.reset()
        if isinstance(exc, IntegrityError):  # rolled back above: nothing of the use case is left
            raise ConflictError(_integrity_message(exc)) from None

    def flush(self) -> None:
        """Send staged writes now, turning a broken unique rule into a named ``ConflictError``."""
        with self.conflicts_named():
            pass

    @contextmanager
    def conflicts_named(self) -> Iterator[None]:
        """A part of the transaction whose writes are sent at its end and whose broken unique or
        foreign-key rule (while it runs or then) is a named ``ConflictError``, the transaction
        then rolled back: an all-or-nothing bulk use case's item, which a savepoint would cost
        two round trips."""
        try:
            yield
            self.session.flush()
        except IntegrityError as error:
            if not self.session.in_nested_transaction():  # a savepoint's owner rolls back only its part
                self.session.rollback()
            raise ConflictError(_integrity_message(error)) from None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the transaction that a failure undoes alone (bulk use cases with a result per
        item); the unit of work still commits once, at the end."""
        nested = self.session.begin_nested()
        try:
            yield
            self.session.flush()
        except IntegrityError as error:
            nested.rollback()
            raise ConflictError(_integrity_message(error)) from None
        except BaseException:
            if nested.is_active:
                nested.rollback()
            raise
        nested.commit()

    def commit(self) -> None:
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        try:
            self.session.flush()  # so that every configuration write is seen before it is counted
            if self.changes_configuration():
                count_configuration_write(self.session)
            self.session.commit()
        except IntegrityError as error:
            self.session.rollback()
            raise ConflictError(_integrity_message(error)) from None
        if self._gate is not None:  # committed: the next writer need not wait for what follows
            self._gate.finish()
        if self.changes_configuration():
            forget_configuration_writes(self.session)
            for hook in self._configuration_hooks:
                hook()

    def joining(self) -> Callable[..., SqlUnitOfWork]:
        """Units of work in this one's transaction and session (``UnitOfWork.joining``)."""
        return lambda read_only=False: _JoinedUnitOfWork(self)


class _JoinedUnitOfWork(SqlUnitOfWork):
    """A use case's unit of work inside another's transaction: the outer session, no write gate of
    its own, ``commit`` a flush; the outer unit of work commits or rolls back everything."""

    def __init__(self, outer: SqlUnitOfWork) -> None:
        super().__init__(outer.engine, outer._factory)
        self._outer = outer
        self._configuration_hooks = outer._configuration_hooks

    def __enter__(self) -> SqlUnitOfWork:
        self._gate = None
        self._session = self._outer.session
        self._reads = None
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """Nothing to give back: the outer unit of work owns the session."""
        if isinstance(exc, IntegrityError):
            raise ConflictError(_integrity_message(exc)) from None

    @property
    def reads(self) -> Any:
        """The record reads through the shared session, so they see the writes not committed yet."""
        return _SessionReads(self)

    def commit(self) -> None:
        self.flush()


class _SessionReads:
    """``RecordReads`` answered by the repositories on a joined unit of work's session."""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self.uow = uow

    def lead(self, lead_id: int) -> Any:
        return self.uow.leads.get(lead_id)

    def custom_values(self, record_id: int, definitions: Any) -> dict[str, Any]:
        values: dict[str, Any] = self.uow.custom_fields.values_for(list(definitions), [record_id]).get(record_id, {})
        return values

    def capture(self, lead_id: int) -> Any:
        return self.uow.captures.attribution(lead_id)

    def lead_score(self, lead_id: int) -> Any:
        return self.uow.scoring.lead_scores([lead_id]).get(lead_id)

    def close(self) -> None:
        """Nothing of its own to close."""


def _integrity_message(error: IntegrityError) -> str:
    text = str(error.orig).splitlines()[0] if error.orig else "integrity rule broken"
    return f"the change conflicts with stored data ({text})"
