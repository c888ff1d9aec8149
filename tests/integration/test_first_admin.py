"""Setting up an organisation creates its first admin once; asking again for another keeps the
first and says so (issue 13)."""

from __future__ import annotations

import dataclasses

from leadline.domain.errors import ConflictError
from leadline.domain.security.users import Role
from leadline.services.configuration.setup import initialise_organisation
from leadline.services.context import ServiceContext
from leadline.services.security import users
from tests.unit.builders import raises_error


def test_setup_with_another_admin_email_keeps_the_first_admin_and_adds_nobody(ctx: ServiceContext,
                                                                               admin_id: int) -> None:
    again = initialise_organisation(ctx, admin_name="Other", admin_email="Other@Example.com")
    assert (again.admin and again.admin.id, again.admin_created, again.admin_not_added) == (
        admin_id, False, "other@example.com")
    assert "first admin" not in again.seeded
    assert [u.email for u in users.list_users(ctx, admin_id) if u.role is Role.ADMIN] == ["ada@example.com"]


def test_setup_naming_an_admin_that_exists_keeps_that_one(ctx: ServiceContext, admin_id: int) -> None:
    second = users.add_user(ctx, admin_id, name="Bo", email="bo@example.com", role="admin")
    kept = initialise_organisation(ctx, admin_email="bo@example.com")
    assert (kept.admin and kept.admin.id, kept.admin_created, kept.admin_not_added) == (second.id, False, None)


def test_setup_without_an_admin_email_creates_none_and_says_there_is_none(ctx: ServiceContext) -> None:
    result = initialise_organisation(ctx)
    assert (result.admin, result.admin_created) == (None, False)
    first = initialise_organisation(ctx, admin_name="Ada", admin_email="ada@example.com")
    assert first.admin_created and first.seeded == ["first admin"]


def test_setup_refuses_to_make_an_existing_user_who_is_not_an_admin_the_first_admin(ctx: ServiceContext,
                                                                                    admin_id: int) -> None:
    users.add_user(ctx, admin_id, name="Sam", email="sam@example.com")
    with ctx.uow_factory() as uow:  # no active admin: what only a damaged database holds
        ada = uow.users.get(admin_id)
        assert ada is not None
        uow.users.save(dataclasses.replace(ada, role=Role.MANAGER))
        uow.commit()
    with raises_error(ConflictError, code="CONFLICT", field="admin_email"):
        initialise_organisation(ctx, admin_email="sam@example.com")
