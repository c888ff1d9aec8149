"""What every use case is handed: a way to open a unit of work, a clock and the org's defaults.

Use cases never read settings, the environment or the wall clock themselves, so tests pin
time and storage, and the CLI, the API and imports share one behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from leadline.domain.leads import ContactPointChecker
from leadline.services.contact_points import LibraryContactPointChecker


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ServiceContext:
    #: Opens a unit of work (leadline.persistence.unit_of_work.SqlUnitOfWork in production);
    #: ``uow_factory(read_only=True)`` for use cases that only read.
    uow_factory: Callable[..., Any]
    clock: Callable[[], datetime] = utc_now
    currency: str = "USD"
    phone_region: str = "US"
    contact_points: ContactPointChecker = field(default_factory=lambda: LibraryContactPointChecker("US"))

    def now(self) -> datetime:
        return self.clock()

    def reader(self) -> Any:
        """A unit of work for a use case that only reads (no write lock on SQLite, no commit)."""
        return self.uow_factory(read_only=True)
