"""The in-memory fake unit of work clears the configuration cache as the SQL one does: the same
configuration changes (tests/integration/test_configuration_cache_clearing.py) are what the
next read serves at once, and a change rolled back is never served."""

from __future__ import annotations

import dataclasses

import pytest

from leadline.services.context import ServiceContext
from tests.integration.test_configuration_cache_clearing import (
    CHANGES,
    CountingCache,
    served_at_once,
    test_a_configuration_change_rolled_back_is_never_served_and_clears_nothing,
    test_a_revoked_token_is_refused_at_once,
    test_a_use_case_that_only_writes_records_leaves_the_cache_alone,
)

__all__ = ["test_a_configuration_change_rolled_back_is_never_served_and_clears_nothing",
           "test_a_revoked_token_is_refused_at_once",
           "test_a_use_case_that_only_writes_records_leaves_the_cache_alone"]


@pytest.fixture
def cached(ctx: ServiceContext) -> ServiceContext:
    return dataclasses.replace(ctx, cache=CountingCache())


@pytest.mark.parametrize("name", list(CHANGES))
def test_each_configuration_change_on_the_fake_is_what_the_next_read_serves(cached: ServiceContext, admin_id: int,
                                                                           name: str) -> None:
    served_at_once(cached, admin_id, name)
