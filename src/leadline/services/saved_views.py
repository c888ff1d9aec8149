"""Saved views: a user keeps the filters, search and sort of a list under a name, opens them again
and deletes them. A view is its user's alone: another user's view is ``NOT_FOUND`` to them, as if
it did not exist, and never listed (domain/saved_views.py has the rules)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadline.domain.errors import ConflictError, NotFoundError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.saved_views import (
    MAX_VIEWS,
    LeadViewFilters,
    SavedView,
    clean_view_name,
    parse_view_list,
)
from leadline.services.context import ServiceContext
from leadline.services.leads.list_filters import lead_query_of
from leadline.services.security.access import load_viewer

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def save_view(ctx: ServiceContext, actor_id: int, list_name: str, name: str, filters: LeadViewFilters) -> SavedView:
    """Keep ``filters`` as the actor's view ``name`` of ``list_name`` (``leads``).

    Refuses (nothing written): a name empty, over 80 characters or with control characters
    (``VALIDATION_FAILED``, field ``name``); a name the actor already gave a view of that list,
    whatever the letter case (``CONFLICT``, field ``name``); filters the list would refuse (a
    status, source or owner that does not exist, a bad rating or range: the parameter's error);
    more than ``MAX_VIEWS`` views of one list.
    """
    kind = parse_view_list(list_name)
    clean_name = clean_view_name(name)
    lead_query_of(ctx, filters)  # the same checks as the list makes (its own read, before the write)
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        mine = uow.saved_views.list_for(viewer.id, kind)
        if any(view.is_named(clean_name) for view in mine):
            raise ConflictError(f"you already have a view named {clean_name!r}", field="name")
        if len(mine) >= MAX_VIEWS:
            raise ValidationError(f"at most {MAX_VIEWS} views per list; delete one first", field="name")
        view = SavedView(new_id(), viewer.id, kind, clean_name, filters, ctx.now())
        uow.saved_views.add(view)
        uow.commit()
        return view


def list_views(ctx: ServiceContext, actor_id: int, list_name: str) -> list[SavedView]:
    """The actor's own views of ``list_name``, by name."""
    kind = parse_view_list(list_name)
    with ctx.reader() as uow:
        return list(uow.saved_views.list_for(load_viewer(uow, actor_id, ctx).id, kind))


def get_view(ctx: ServiceContext, actor_id: int, view_id: int) -> SavedView:
    """One of the actor's views; ``NOT_FOUND`` for a view that is not theirs or does not exist."""
    with ctx.reader() as uow:
        return _own_view(uow, ctx, actor_id, view_id)


def delete_view(ctx: ServiceContext, actor_id: int, view_id: int) -> SavedView:
    """Delete one of the actor's views and return it; ``NOT_FOUND`` as ``get_view``."""
    with ctx.uow_factory() as uow:
        view = _own_view(uow, ctx, actor_id, view_id)
        uow.saved_views.delete(view.id)
        uow.commit()
        return view


def _own_view(uow: UnitOfWork, ctx: ServiceContext, actor_id: int, view_id: int) -> SavedView:
    viewer = load_viewer(uow, actor_id, ctx)
    view = uow.saved_views.get(view_id)
    if view is None or view.user_id != viewer.id:
        raise NotFoundError(f"there is no view {view_id}", field="view")
    return view
