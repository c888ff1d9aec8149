"""Fixtures shared by the integration tests (the database ones are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from leadline.services.context import ServiceContext
from leadline.services.opportunities.parts import create_product


@pytest.fixture
def catalogue(ctx: ServiceContext, admin_id: int) -> None:
    """The two products the conversion tests' leads are interested in."""
    create_product(ctx, admin_id, name="Widget")
    create_product(ctx, admin_id, name="Gadget")
