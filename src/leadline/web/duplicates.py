"""The duplicates page (admins; each handler refuses anyone else first, with the 403 page, so
nothing is read or written for them): the groups the last scan found with their reasons, a scan
button, and per group a merge form (which record survives) and a link to the merge dialog,
which offers the survivor and each differing field's value record by record (posting each
record's version: one changed since is refused with ``STALE_RECORD``); after a merge, its undo.
Every form calls the same use cases as the API and the CLI; a refusal is shown on the page with
the use case's own message (``MERGE_REFUSED``, ``NOT_FOUND``...)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from leadline.domain.duplicates.groups import DuplicateGroup
from leadline.domain.errors import LeadlineError
from leadline.http_status import status_of
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.duplicates import groups as group_service
from leadline.services.duplicates import merge as merge_service
from leadline.services.leads import records as lead_service
from leadline.web.settings.forms import ensure_admin

Form = Body(media_type=RequestEncodingType.URL_ENCODED)


#: a field choice of the merge dialog is posted as ``field.<name>`` = the record whose value it keeps
FIELD = "field."
#: the merge dialog posts each record's version as ``version.<id>`` (``STALE_RECORD`` if it changed since)
VERSION = "version."
#: the record pages, by kind
PAGES = {"lead": "/leads", "contact": "/contacts", "account": "/accounts"}


class MergeForm(msgspec.Struct, kw_only=True):
    record_kind: str = ""
    record_ids: str = ""  # space-separated
    keep: str = ""

    @classmethod
    def of(cls, data: Mapping[str, Any]) -> tuple[MergeForm, dict[str, str], dict[str, str]]:
        """The form, its field choices (``field.<name>``) and the versions the dialog showed
        (``version.<id>``), from what the browser posted."""
        one = {k: v[0] if isinstance(v, list) else v for k, v in data.items()}
        form = cls(record_kind=str(one.get("record_kind", "")), record_ids=str(one.get("record_ids", "")),
                   keep=str(one.get("keep", "")))
        return (form, {k.removeprefix(FIELD): str(v) for k, v in one.items() if k.startswith(FIELD) and v},
                {k.removeprefix(VERSION): str(v) for k, v in one.items() if k.startswith(VERSION)})


def field_label(name: str) -> str:
    """A merged field's name as the dialog shows it: ``lead_source_id`` -> "Lead source"."""
    return name.removeprefix("custom.").removesuffix("_id").replace("_", " ").capitalize()


def _label(ctx: ServiceContext, user: int, kind: str, record_id: int) -> str:
    """A group member as an admin recognises it (name, company, e-mail)."""
    try:
        if kind == "lead":
            lead = lead_service.get_lead(ctx, user, record_id).lead
            return " · ".join(filter(None, (lead.name, lead.company, lead.email)))
        record = records.get_record(ctx, user, kind, record_id)
        told = (record.name, getattr(record, "email", None), getattr(record, "website", None),
                f"created {record.created_at:%Y-%m-%d}")  # two records of one name told apart
        return " · ".join(filter(None, told))
    except LeadlineError:
        return str(record_id)


def _page(ctx: ServiceContext, user: int, *, merged: str = "", undone: str = "",
          error: LeadlineError | None = None, status_code: int = 200) -> Template:
    """The page; with ``error``, its message and each of its reasons (why an undo is refused)."""
    found: list[tuple[int, DuplicateGroup]] = group_service.list_duplicate_groups(ctx, user)
    shown = [{"id": group_id, "group": group,
              "members": [(rid, _label(ctx, user, group.record_kind.value, rid)) for rid in group.record_ids]}
             for group_id, group in found]
    merges = merge_service.list_merges(ctx, user)
    survivors = {m.id: _label(ctx, user, m.record_kind, m.survivor_id) for m in merges}  # names, not ids
    return Template("duplicates/page.html", status_code=status_code,
                    context={"groups": shown, "merged": merged, "undone": undone, "error": error,
                             "pages": PAGES, "merges": merges, "survivors": survivors})


class DuplicatePages(Controller):
    path = "/duplicates"

    @get("/", sync_to_thread=True)
    def duplicates_page(self, ctx: ServiceContext, user: int,
                        merged: Annotated[str, Parameter(max_length=20)] = "",
                        undone: Annotated[str, Parameter(max_length=20)] = "") -> Template:
        ensure_admin(ctx, user)  # the page is for admins: refused before anything is read or written
        return _page(ctx, user, merged=merged, undone=undone)

    @post("/scan", sync_to_thread=True)
    def scan(self, ctx: ServiceContext, user: int) -> Redirect:
        ensure_admin(ctx, user)  # the page is for admins: refused before anything is read or written
        group_service.find_duplicate_groups(ctx, user)
        return Redirect("/duplicates", status_code=303)

    @get("/merge", sync_to_thread=True)
    def merge_dialog(self, ctx: ServiceContext, user: int,
                     record_kind: Annotated[str, Parameter(max_length=20)] = "",
                     record_ids: Annotated[str, Parameter(max_length=220)] = "") -> Template:
        """The merge dialog: the records side by side, which one survives and, for each field
        whose values differ, which record's value it keeps (preset as the merge would choose)."""
        ensure_admin(ctx, user)  # the page is for admins: refused before anything is read or written
        try:
            preview = merge_service.preview_merge(ctx, user, record_kind, record_ids.split())
        except LeadlineError as error:
            return _page(ctx, user, error=error, status_code=status_of(error))
        kind = preview.record_kind.value
        return Template("duplicates/merge.html", context={
            "preview": preview, "kind": kind, "page": PAGES[kind], "label": field_label,
            "members": {i: _label(ctx, user, kind, i) for i in preview.record_ids}})

    @post("/merge", sync_to_thread=True)
    def merge(self, ctx: ServiceContext, user: int,
              data: Annotated[dict[str, Any], Form]) -> Response[Any]:
        ensure_admin(ctx, user)  # the page is for admins: refused before anything is read or written
        form, fields, versions = MergeForm.of(data)
        try:
            done = merge_service.merge_records(ctx, user, form.record_kind, form.record_ids.split(),
                                               keep=form.keep or None, fields=fields, if_versions=versions)
        except LeadlineError as error:
            return _page(ctx, user, error=error, status_code=status_of(error))
        group_service.find_duplicate_groups(ctx, user, [form.record_kind])
        return Redirect(f"/duplicates?merged={done.id}", status_code=303)

    @post("/merges/{merge_id:int}/undo", sync_to_thread=True)
    def undo(self, ctx: ServiceContext, user: int, merge_id: int) -> Response[Any]:
        ensure_admin(ctx, user)  # the page is for admins: refused before anything is read or written
        try:
            done = merge_service.undo_merge(ctx, user, merge_id)
        except LeadlineError as error:
            return _page(ctx, user, error=error, status_code=status_of(error))
        group_service.find_duplicate_groups(ctx, user, [done.record_kind])
        return Redirect(f"/duplicates?undone={done.id}", status_code=303)
