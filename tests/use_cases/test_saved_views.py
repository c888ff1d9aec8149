"""Saved views on the in-memory fake: a user keeps the leads list's filters under a name, opens
and deletes them; the name and the filters are checked on save; no one else sees them."""

from __future__ import annotations

import pytest

from leadline.domain.errors import ConflictError, InvalidStatusError, NotFoundError, ValidationError
from leadline.domain.saved_views import MAX_VIEWS, LeadViewFilters
from leadline.services import saved_views as views
from leadline.services.context import ServiceContext
from leadline.services.security.users import add_user
from tests.unit.builders import raises_error

HOT_OPEN = LeadViewFilters.parse(status=["Open"], rating=["hot"], created_from="2026-01-01", q="acme",
                                 sort="last_name")


@pytest.fixture
def rep(ctx: ServiceContext, admin_id: int) -> int:
    return add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com").id


def test_a_saved_view_is_opened_with_the_filters_it_was_saved_with(ctx: ServiceContext, rep: int) -> None:
    saved = views.save_view(ctx, rep, "leads", "  Hot and open ", HOT_OPEN)

    opened = views.get_view(ctx, rep, saved.id)

    assert opened.name == "Hot and open"
    assert opened.filters == HOT_OPEN
    assert opened.filters.as_pairs() == [("status", "Open"), ("rating", "hot"), ("created_from", "2026-01-01"),
                                         ("q", "acme"), ("sort", "last_name")]
    assert [v.name for v in views.list_views(ctx, rep, "leads")] == ["Hot and open"]


def test_another_user_neither_lists_nor_opens_nor_deletes_a_view(ctx: ServiceContext, admin_id: int,
                                                                 rep: int) -> None:
    saved = views.save_view(ctx, rep, "leads", "Mine", HOT_OPEN)

    assert views.list_views(ctx, admin_id, "leads") == []  # not even an admin
    with raises_error(NotFoundError, code="NOT_FOUND", field="view"):
        views.get_view(ctx, admin_id, saved.id)
    with raises_error(NotFoundError, code="NOT_FOUND", field="view"):
        views.delete_view(ctx, admin_id, saved.id)
    assert views.get_view(ctx, rep, saved.id) == saved


def test_a_deleted_view_is_gone(ctx: ServiceContext, rep: int) -> None:
    saved = views.save_view(ctx, rep, "leads", "Mine", HOT_OPEN)

    views.delete_view(ctx, rep, saved.id)

    assert views.list_views(ctx, rep, "leads") == []
    with raises_error(NotFoundError, code="NOT_FOUND", field="view"):
        views.get_view(ctx, rep, saved.id)


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, "tab\x00bed"])
def test_a_name_must_be_1_to_80_characters_of_text(ctx: ServiceContext, rep: int, name: str) -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="name"):
        views.save_view(ctx, rep, "leads", name, HOT_OPEN)
    assert views.list_views(ctx, rep, "leads") == []


def test_a_name_is_unique_per_user_and_list_whatever_its_case(ctx: ServiceContext, admin_id: int, rep: int) -> None:
    views.save_view(ctx, rep, "leads", "Hot", HOT_OPEN)

    with raises_error(ConflictError, code="CONFLICT", field="name"):
        views.save_view(ctx, rep, "leads", "HOT", LeadViewFilters())
    views.save_view(ctx, admin_id, "leads", "Hot", LeadViewFilters())  # another user's own name space

    assert [v.filters for v in views.list_views(ctx, rep, "leads")] == [HOT_OPEN]


def test_filters_are_checked_on_save_as_the_list_checks_them(ctx: ServiceContext, rep: int) -> None:
    with raises_error(InvalidStatusError, code="INVALID_STATUS", field="status"):
        views.save_view(ctx, rep, "leads", "Ghosts", LeadViewFilters.parse(status=["Haunted"]))
    with raises_error(NotFoundError, code="NOT_FOUND", field="owner"):
        views.save_view(ctx, rep, "leads", "Nobody's", LeadViewFilters.parse(owner=["nobody@example.com"]))
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="list"):
        views.save_view(ctx, rep, "deals", "Elsewhere", HOT_OPEN)
    assert views.list_views(ctx, rep, "leads") == []


def test_a_user_keeps_at_most_a_set_number_of_views_per_list(ctx: ServiceContext, rep: int) -> None:
    for index in range(MAX_VIEWS):
        views.save_view(ctx, rep, "leads", f"View {index}", LeadViewFilters())
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="name"):
        views.save_view(ctx, rep, "leads", "One too many", LeadViewFilters())
