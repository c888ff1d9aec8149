"""The unit of work: one session, one transaction, one commit, owned by a use case.

Repositories stage changes in the session; only ``commit()`` makes them durable, and
leaving the ``with`` block without committing rolls everything back, so a use case
that fails half-way leaves nothing behind.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from leadline.domain.errors import ConflictError
from leadline.persistence.database import make_session_factory, write_gate
from leadline.persistence.queries_forecast import ForecastQueries
from leadline.persistence.queries_pipeline import PipelineQueries
from leadline.persistence.repositories_config import (
    CustomFieldRepository,
    SourceRepository,
    StageRepository,
    StatusRepository,
    UserRepository,
)
from leadline.persistence.repositories_forecast import (
    AdjustmentRepository,
    ExchangeRateRepository,
    QuotaRepository,
    SettingsRepository,
    SnapshotRepository,
)
from leadline.persistence.repositories_records import (
    AccountRepository,
    ContactRepository,
    LeadRepository,
    OpportunityRepository,
)
from leadline.persistence.repositories_sales import (
    ActivityRepository,
    ProductRepository,
    StageHistoryRepository,
)
from leadline.persistence.repositories_security import (
    AuditRepository,
    IdempotencyRepository,
    SharingRepository,
    TokenRepository,
)
from leadline.persistence.repositories_workflow import (
    ConversionRepository,
    CriteriaRepository,
    FieldMappingRepository,
    ReasonRepository,
    TransitionRepository,
)

_open = threading.local()


class NestedUnitOfWorkError(RuntimeError):
    """A use case opened a second unit of work inside its own: on SQLite that waits on its own
    write lock. A programming error, raised at once instead of a 30-second stall."""


class SqlUnitOfWork:
    def __init__(self, engine: Engine, session_factory: sessionmaker[Session] | None = None, *,
                 read_only: bool = False) -> None:
        """``read_only`` units of work never commit and, on SQLite, do not take the write lock."""
        self.engine = engine
        self._factory = session_factory or make_session_factory(engine)
        self.read_only = read_only

    def __enter__(self) -> SqlUnitOfWork:
        if getattr(_open, "depth", 0):
            raise NestedUnitOfWorkError("a unit of work is already open in this thread")
        self._gate = None if self.read_only else write_gate(self.engine)
        if self._gate is not None:
            self._gate.__enter__()
        try:
            self.session = self._factory()
            if self.read_only:
                self.session.connection(execution_options={"leadline_read_only": True})
        except BaseException:
            if self._gate is not None:
                self._gate.__exit__()
            raise
        _open.depth = 1  # only once fully open: a failed start leaves the thread usable
        session = self.session
        self.users = UserRepository(session)
        self.statuses = StatusRepository(session)
        self.sources = SourceRepository(session)
        self.stages = StageRepository(session)
        self.custom_fields = CustomFieldRepository(session)
        self.audit = AuditRepository(session)
        self.tokens = TokenRepository(session)
        self.sharing = SharingRepository(session)
        self.idempotency = IdempotencyRepository(session)
        self.leads = LeadRepository(session)
        self.accounts = AccountRepository(session)
        self.contacts = ContactRepository(session)
        self.opportunities = OpportunityRepository(session)
        self.products = ProductRepository(session)
        self.stage_history = StageHistoryRepository(session)
        self.activities = ActivityRepository(session)
        self.pipeline = PipelineQueries(session)
        self.transitions = TransitionRepository(session)
        self.reasons = ReasonRepository(session)
        self.criteria = CriteriaRepository(session)
        self.field_mappings = FieldMappingRepository(session)
        self.conversions = ConversionRepository(session)
        self.settings = SettingsRepository(session)
        self.exchange_rates = ExchangeRateRepository(session)
        self.quotas = QuotaRepository(session)
        self.adjustments = AdjustmentRepository(session)
        self.snapshots = SnapshotRepository(session)
        self.forecast = ForecastQueries(session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()
            _open.depth = 0
            if self._gate is not None:
                self._gate.__exit__()

    def flush(self) -> None:
        """Send staged writes now, turning a broken unique rule into a named ``ConflictError``."""
        try:
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
            self.session.commit()
        except IntegrityError as error:
            self.session.rollback()
            raise ConflictError(_integrity_message(error)) from None


def _integrity_message(error: IntegrityError) -> str:
    text = str(error.orig).splitlines()[0] if error.orig else "integrity rule broken"
    return f"the change conflicts with stored data ({text})"
