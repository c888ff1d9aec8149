"""The composition root: turns settings into an engine, a unit of work and a service context.

Transports (CLI now, API later) call ``build_context`` once and hand the context to use cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from pydantic import ValidationError as PydanticValidationError

from leadline.config import Settings, get_settings
from leadline.domain.errors import ConfigurationError, LeadlineError
from leadline.persistence.configuration.writes import configuration_version
from leadline.persistence.database import make_engine, make_session_factory
from leadline.persistence.schema import current_revision, head_revision, upgrade_to_head
from leadline.persistence.security.rate_counters import MEMORY, RateCounters
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.cache import ConfigCache
from leadline.services.contact_points import LibraryContactPointChecker
from leadline.services.context import ServiceContext
from leadline.services.security.passwords import PasswordHashing


class DatabaseNotReadyError(LeadlineError):
    code = "DATABASE_NOT_READY"


@dataclass
class Application:
    settings: Settings
    context: ServiceContext
    engine: object

    def upgrade_database(self) -> tuple[str | None, str | None]:
        """Create or upgrade the schema; returns (revision before, revision after)."""
        before = current_revision(self.engine)  # type: ignore[arg-type]
        upgrade_to_head(self.engine)  # type: ignore[arg-type]
        return before, current_revision(self.engine)  # type: ignore[arg-type]

    def rate_counters(self) -> RateCounters:
        """The rate limiter's counters: the file ``LEADLINE_RATE_LIMIT_STORE`` names (shared by the
        server's workers), else this process's own (docs/adr/0012)."""
        return RateCounters(self.settings.rate_limit_store or MEMORY)

    def ensure_ready(self) -> None:
        """Refuse to work on a database that is missing or behind the code's schema."""
        current = current_revision(self.engine)  # type: ignore[arg-type]
        if current != head_revision(self.engine):  # type: ignore[arg-type]
            state = "not initialised" if current is None else f"at schema {current}, not the newest"
            raise DatabaseNotReadyError(f"the database is {state}; run `leadline init` first", field="database")


def build_application(settings: Settings | None = None) -> Application:
    """Everything a transport needs. Bad settings raise ``ConfigurationError`` naming the variable."""
    if settings is None:
        try:
            settings = get_settings()
        except PydanticValidationError as error:
            problem = error.errors()[0]
            name = "LEADLINE_" + "_".join(str(p) for p in problem["loc"]).upper() if problem["loc"] else "settings"
            raise ConfigurationError(problem["msg"], field=name) from None
    engine = make_engine(settings.resolved_database_url, echo=settings.echo_sql)
    factory = make_session_factory(engine)
    context = ServiceContext(
        uow_factory=lambda read_only=False: SqlUnitOfWork(engine, factory, read_only=read_only),
        currency=settings.currency,
        phone_region=settings.default_phone_region,
        contact_points=LibraryContactPointChecker(settings.default_phone_region),
        passwords=PasswordHashing(settings.password_hashes),
        cache=ConfigCache(version=partial(configuration_version, engine)),
    )
    return Application(settings, context, engine)
