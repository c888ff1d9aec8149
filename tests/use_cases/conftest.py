"""The use-case rule matrices (lead workflow, qualification, conversion options, forecast rules)
run here against the in-memory fake unit of work (tests/fakes): the same use cases, in
milliseconds. What storage does (repositories, queries, migrations, locks) keeps its tests on
SQLite and PostgreSQL in tests/integration, through the ``engine`` fixture."""

from __future__ import annotations

import pytest

from leadline.services.context import ServiceContext
from leadline.services.opportunities.parts import create_product
from tests.conftest import FakeClock
from tests.fakes.context import fake_context


@pytest.fixture
def ctx(clock: FakeClock) -> ServiceContext:
    return fake_context(clock)


@pytest.fixture
def catalogue(ctx: ServiceContext, admin_id: int) -> None:
    """The two products the conversion tests' leads are interested in."""
    create_product(ctx, admin_id, name="Widget")
    create_product(ctx, admin_id, name="Gadget")
