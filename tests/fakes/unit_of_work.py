"""``FakeUnitOfWork``: the unit of work of the use-case tests, in memory, honouring the port.

``FakeDatabase`` holds the committed tables; ``FakeUnitOfWork(database)`` works on a copy taken
when its block opens and hands it back on ``commit``. Savepoints and ``conflicts_named`` undo
their part when it raises; leaving the block without a commit drops everything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from leadline.domain.leads.lead import Lead
from leadline.domain.scoring.records import LeadScore
from leadline.services.ports import UnitOfWork
from tests.fakes import (
    campaigns,
    capture,
    configuration,
    conversion,
    duplicates,
    forecast,
    imports,
    opportunity_scoring,
    records,
    reports,
    sales,
    saved_views,
    scoring,
    security,
)
from tests.fakes.tables import Tables, copied

#: the tables of the configuration cache (persistence/configuration/writes.py on SQL)
CONFIGURATION_TABLES = ("users", "password_hashes", "statuses", "sources", "reasons", "processes", "stages",
                        "custom_fields", "transitions", "criteria", "field_mappings", "tokens", "sharing", "rights",
                        "settings", "duplicate_rules")


@dataclass
class FakeDatabase:
    """The committed state; ``commits`` counts the commits (a use case commits once)."""

    tables: Tables = field(default_factory=Tables)
    commits: int = 0


class FakeReads:
    """``RecordReads`` on the unit of work's copy."""

    def __init__(self, tables: Tables, custom: configuration.CustomFieldRepository) -> None:
        self._tables, self._custom = tables, custom

    def lead(self, lead_id: int) -> Lead | None:
        lead = self._tables.leads.get(lead_id)
        return copied(lead)

    def custom_values(self, record_id: int, definitions: Sequence[Any]) -> dict[str, Any]:
        return self._custom.values_for(list(definitions), [record_id])[record_id]

    def capture(self, lead_id: int) -> Any:
        return copied(self._tables.capture["attributions"].get(lead_id))

    def lead_score(self, lead_id: int) -> LeadScore | None:
        return copied(self._tables.lead_scores.get(lead_id))


class FakeUnitOfWork:
    """An in-memory ``UnitOfWork``: changes are seen by others after ``commit`` only."""

    def __init__(self, database: FakeDatabase, *, read_only: bool = False) -> None:
        self.database, self.read_only = database, read_only
        self.tables = Tables()
        t = self.tables
        self.leads = records.LeadRepository(t)
        self.accounts = records.AccountRepository(t)
        self.contacts = records.ContactRepository(t)
        self.opportunities = records.OpportunityRepository(t)
        self.users = configuration.UserRepository(t)
        self.statuses = configuration.StatusRepository(t)
        self.sources = configuration.SourceRepository(t)
        self.reasons = configuration.ReasonRepository(t)
        self.stages = configuration.StageRepository(t)
        self.custom_fields = configuration.CustomFieldRepository(t)
        self.transitions = configuration.TransitionRepository(t)
        self.criteria = configuration.CriteriaRepository(t)
        self.field_mappings = configuration.FieldMappingRepository(t)
        self.products = sales.ProductRepository(t)
        self.stage_history = sales.StageHistoryRepository(t)
        self.activities = sales.ActivityRepository(t)
        self.campaigns = campaigns.CampaignRepository(t)
        self.assignment = campaigns.AssignmentRepository(t)
        self.conversions = conversion.ConversionRepository(t, self)
        self.imports = imports.ImportRepository(t)
        self.duplicates = duplicates.DuplicateRepository(t)
        self.audit = security.AuditRepository(t)
        self.deletions = security.DeletionRepository(t)
        self.tokens = security.TokenRepository(t)
        self.sharing = security.SharingRepository(t)
        self.rights = security.ObjectRightsRepository(t)
        self.idempotency = security.IdempotencyRepository(t)
        self.sign_in_throttles = security.SignInThrottleRepository(t)
        self.saved_views = saved_views.SavedViewRepository(t)
        self.settings = forecast.SettingsRepository(t)
        self.exchange_rates = forecast.ExchangeRateRepository(t)
        self.quotas = forecast.QuotaRepository(t)
        self.adjustments = forecast.AdjustmentRepository(t)
        self.snapshots = forecast.SnapshotRepository(t)
        self.forecast = forecast.ForecastQueries()
        self.pipeline = forecast.PipelineQueries()
        self.captures = capture.CaptureRepository(t)
        self.funnel = reports.FunnelQueries()
        self.deal_reports = reports.DealQueries()
        self.scoring = scoring.ScoringRepository(t)
        self.opportunity_scoring = opportunity_scoring.OpportunityScoringRepository(t)
        self.soql = reports.SoqlQueries()
        self.salesforce_bulk = reports.BulkJobs()
        self.reads = FakeReads(t, self.custom_fields)
        self._configuration_hooks: list[Callable[[], None]] = []

    def after_configuration_commit(self, hook: Callable[[], None]) -> None:
        self._configuration_hooks.append(hook)

    def bulk_load(self) -> None:
        """Nothing to choose: the fake stores rows one way."""

    def joining(self) -> Callable[..., FakeUnitOfWork]:
        """Units of work on this one's copy: entering keeps the copy, commit keeps nothing yet."""
        return lambda read_only=False: _JoinedFakeUnitOfWork(self)

    @property
    def exports(self) -> Any:
        """The export's streamed statement is SQL through and through: it is tested on both
        databases (tests/integration/test_export_reads.py), never on the fakes."""
        raise NotImplementedError("exports run on a SQL database only")

    def configuration_version(self) -> int | None:
        """Unknown: the fake's contexts forget their cache every second, as without a stored version."""
        return None

    def changes_configuration(self) -> bool:
        """Whether a configuration table of the copy differs from the committed one."""
        return any(getattr(self.tables, name) != getattr(self.database.tables, name) for name in CONFIGURATION_TABLES)

    def __enter__(self) -> Self:
        self.tables.restore(copied(self.database.tables))
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.tables.restore(Tables())  # what was not committed is gone

    def commit(self) -> None:
        if self.read_only:
            raise RuntimeError("a read-only unit of work cannot commit")
        changed = self.changes_configuration()
        self.database.tables = copied(self.tables)
        self.database.commits += 1
        if changed:
            for hook in self._configuration_hooks:
                hook()

    def flush(self) -> None:
        """Nothing is staged: every write is applied to the copy at once."""

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        before = copied(self.tables)
        try:
            yield
        except BaseException:
            self.tables.restore(before)
            raise

    @contextmanager
    def conflicts_named(self) -> Iterator[None]:
        with self.savepoint():
            yield


def fake_unit_of_work(database: FakeDatabase) -> UnitOfWork:
    """mypy checks here that ``FakeUnitOfWork`` honours the port."""
    return FakeUnitOfWork(database)


class _JoinedFakeUnitOfWork(FakeUnitOfWork):
    """A use case's unit of work inside another's (``FakeUnitOfWork.joining``): the outer one's copy."""

    def __init__(self, outer: FakeUnitOfWork) -> None:
        self.__dict__.update(outer.__dict__)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """The outer unit of work drops or keeps the copy."""

    def commit(self) -> None:
        """Kept by the outer unit of work's commit."""
