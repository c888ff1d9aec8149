"""The users a picker offers (the leads list's owner filter) come from the configuration cache:
the same users as ``list_users``, by name, without a query of their own once the cache is warm."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from leadline.domain.errors import NotFoundError
from leadline.services.context import ServiceContext
from leadline.services.security import users
from tests.query_counts import statements_of


def test_the_choices_are_every_user_by_name_read_from_the_cache(ctx: ServiceContext, engine: Engine,
                                                                 admin_id: int) -> None:
    ctx.cache.ttl = 3600.0
    for name in ("Zoe Last", "Adam First", "Mia Middle"):
        users.add_user(ctx, admin_id, name=name, email=f"{name.split()[0].lower()}@choices.example")
    users.user_choices(ctx, admin_id)  # the cache filled

    statements = statements_of(engine, lambda: users.user_choices(ctx, admin_id))
    choices = users.user_choices(ctx, admin_id)

    assert [u.name for u in choices] == sorted(u.name for u in users.list_users(ctx, admin_id))
    assert {u.id for u in choices} == {u.id for u in users.list_users(ctx, admin_id)}
    assert statements == []


def test_an_unknown_actor_gets_no_choices(ctx: ServiceContext, admin_id: int) -> None:
    with pytest.raises(NotFoundError):
        users.user_choices(ctx, 424242)
