"""A ``ServiceContext`` whose units of work are in-memory fakes on one ``FakeDatabase``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from leadline.services.contact_points import LibraryContactPointChecker
from leadline.services.context import ServiceContext
from tests.fakes.unit_of_work import FakeDatabase, FakeUnitOfWork


def fake_context(clock: Callable[[], datetime], database: FakeDatabase | None = None) -> ServiceContext:
    """Use cases on ``database`` (a new empty one without), the clock pinned as in the SQL tests."""
    stored = database or FakeDatabase()
    return ServiceContext(uow_factory=lambda read_only=False: FakeUnitOfWork(stored, read_only=read_only),
                          clock=clock, currency="USD", phone_region="US",
                          contact_points=LibraryContactPointChecker("US"))
