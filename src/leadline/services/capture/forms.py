"""Web-to-lead forms: an admin defines them; anyone may be served one's timing token.

Every form has a random public key (its address is ``/f/<key>``); its id stays internal.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING

from leadline.domain.capture.forms import CaptureForm
from leadline.domain.capture.snippet import render_snippet
from leadline.domain.capture.spam import issue_token
from leadline.domain.configuration.sources import ensure_selectable, find_source
from leadline.domain.errors import NotFoundError
from leadline.domain.ids import new_id
from leadline.services.campaigns.records import resolve_campaign
from leadline.services.context import ServiceContext
from leadline.services.security.access import audit_created, load_viewer, require_admin
from leadline.services.security.users import resolve_user

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def add_form(ctx: ServiceContext, actor_id: int, values: Mapping[str, object]) -> CaptureForm:
    """Define a form (admins only). ``values``: name, fields, required, source (label), campaign_id,
    default_owner (e-mail or id), fixed_company, redirect_url, thank_you_message, allowed_origins,
    questions, thresholds and spam (see ``domain.capture.forms.parse_form_definition``).

    Raises ``ValidationError`` naming the bad part; ``PERMISSION_DENIED`` for a non-admin."""
    from leadline.domain.capture.forms import parse_form_definition

    definition = parse_form_definition(values)
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
        if definition["source"]:
            source = find_source(ctx.config(uow).sources, str(definition["source"]))
            ensure_selectable(source)
            definition["source"] = source.label
        resolve_campaign(uow, definition["campaign_id"])  # the lead rule: a campaign that exists
        owner = resolve_user(uow, values.get("default_owner"), field="default_owner")  # type: ignore[arg-type]
        if owner is not None:
            viewer.ensure_can_assign(owner)
        form = CaptureForm(id=new_id(), key=secrets.token_urlsafe(12), created_at=ctx.now(),
                           created_by_id=viewer.id, default_owner_id=owner.id if owner else None,
                           **definition)  # type: ignore[arg-type]
        uow.captures.add_form(form)
        audit_created(uow, "capture_form", form.id, viewer.id, form.created_at,
                      {"name": form.name, "key": form.key, "fields": ",".join(form.fields)})
        uow.commit()
        return form


PREVIEW_KEY = "preview"


def preview_form(ctx: ServiceContext, actor_id: int, values: Mapping[str, object]) -> str:
    """The embeddable HTML of a draft form (``values`` as ``add_form`` takes them), as it will look,
    without its script, posting nowhere real: what the form builder shows while the admin edits.
    Nothing is stored. Raises what ``add_form`` would for the same values' own rules (the lead
    source and owner, which need the configuration, are left to ``add_form``)."""
    from leadline.domain.capture.forms import parse_form_definition

    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
    definition = parse_form_definition(values)
    form = CaptureForm(id=0, key=PREVIEW_KEY, created_at=ctx.now(), created_by_id=viewer.id,
                       **definition)  # type: ignore[arg-type]
    return render_snippet(form, base_url="", token=PREVIEW_KEY, embed_script=False)


def set_form_active(ctx: ServiceContext, actor_id: int, form_id: int, active: bool) -> CaptureForm:
    """Switch a form off (its public address answers 404) or back on."""
    with ctx.uow_factory() as uow:
        require_admin(load_viewer(uow, actor_id, ctx).user)
        form = _form(uow, form_id)
        form = dataclasses.replace(form, is_active=active)
        uow.captures.save_form(form)
        uow.commit()
        return form


def list_forms(ctx: ServiceContext, actor_id: int) -> list[CaptureForm]:
    with ctx.reader() as uow:
        require_admin(load_viewer(uow, actor_id, ctx).user)
        return uow.captures.forms()


def get_form(ctx: ServiceContext, actor_id: int, form_id: int) -> CaptureForm:
    with ctx.reader() as uow:
        require_admin(load_viewer(uow, actor_id, ctx).user)
        return _form(uow, form_id)


def form_snippet(ctx: ServiceContext, actor_id: int, form_id: int, *, secret: str, base_url: str) -> str:
    """The HTML to paste into a web page: the form, posting to ``<base_url>/f/<key>``, with a
    timing token issued now and the script that fetches a fresh one on each page view."""
    form = get_form(ctx, actor_id, form_id)
    return render_snippet(form, base_url=base_url, token=issue_token(secret, form.id, ctx.now()))


def public_form(ctx: ServiceContext, key: str) -> CaptureForm:
    """The active form with public key ``key`` (``NOT_FOUND`` otherwise), for the public endpoint."""
    with ctx.reader() as uow:
        return active_form(ctx, uow, key)


def active_form(ctx: ServiceContext, uow: UnitOfWork, key: str) -> CaptureForm:
    """The active form ``key`` (``NOT_FOUND`` otherwise) from the per-process configuration cache:
    every public post and token asks for its form, and forms change rarely. The active forms are
    one entry (read whole, at most once a second per process), so unknown keys cost no query
    and no memory. A form's change is seen at once by this process (``capture_forms`` is a
    configuration table) and within the cache's second by the others (docs/adr/0006)."""
    active = ctx.cached(uow, "capture_forms", lambda: MappingProxyType(
        {form.key: form for form in uow.captures.forms() if form.is_active}))
    form = active.get(key)
    if form is None:
        raise NotFoundError("there is no such form", field="form")
    return form


def form_token(ctx: ServiceContext, key: str, *, secret: str) -> str:
    """A fresh timing token for the active form ``key`` (what the embed script asks on page view)."""
    return issue_token(secret, public_form(ctx, key).id, ctx.now())


def _form(uow: UnitOfWork, form_id: int) -> CaptureForm:
    form = uow.captures.get_form(form_id)
    if form is None:
        raise NotFoundError(f"there is no form {form_id}", field="form")
    return form
