"""The duplicates page (admins): the groups the last scan found with their reasons, a scan
button, and per group a merge form (which record survives); after a merge, its undo. Every form
calls the same use cases as the API and the CLI; a refusal is shown on the page with the use
case's own message (``MERGE_REFUSED``, ``NOT_FOUND``...)."""

from __future__ import annotations

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

Form = Body(media_type=RequestEncodingType.URL_ENCODED)


class MergeForm(msgspec.Struct, kw_only=True):
    record_kind: str = ""
    record_ids: str = ""  # space-separated
    keep: str = ""


def _label(ctx: ServiceContext, user: int, kind: str, record_id: int) -> str:
    """A group member as an admin recognises it (name, company, e-mail)."""
    try:
        if kind == "lead":
            lead = lead_service.get_lead(ctx, user, record_id).lead
            return " · ".join(filter(None, (lead.name, lead.company, lead.email)))
        record = records.get_record(ctx, user, kind, record_id)
        return " · ".join(filter(None, (record.name, getattr(record, "email", None))))
    except LeadlineError:
        return str(record_id)


def _page(ctx: ServiceContext, user: int, *, merged: str = "", undone: str = "", error: str | None = None,
          status_code: int = 200) -> Template:
    found: list[tuple[int, DuplicateGroup]] = group_service.list_duplicate_groups(ctx, user)
    shown = [{"id": group_id, "group": group,
              "members": [(rid, _label(ctx, user, group.record_kind.value, rid)) for rid in group.record_ids]}
             for group_id, group in found]
    return Template("duplicates/page.html", status_code=status_code,
                    context={"groups": shown, "merged": merged, "undone": undone, "error": error})


class DuplicatePages(Controller):
    path = "/duplicates"

    @get("/", sync_to_thread=True)
    def duplicates_page(self, ctx: ServiceContext, user: int,
                        merged: Annotated[str, Parameter(max_length=20)] = "",
                        undone: Annotated[str, Parameter(max_length=20)] = "") -> Template:
        return _page(ctx, user, merged=merged, undone=undone)

    @post("/scan", sync_to_thread=True)
    def scan(self, ctx: ServiceContext, user: int) -> Redirect:
        group_service.find_duplicate_groups(ctx, user)
        return Redirect("/duplicates", status_code=303)

    @post("/merge", sync_to_thread=True)
    def merge(self, ctx: ServiceContext, user: int,
              data: Annotated[MergeForm, Form]) -> Response[Any]:
        try:
            done = merge_service.merge_records(ctx, user, data.record_kind, data.record_ids.split(),
                                               keep=data.keep or None)
        except LeadlineError as error:
            return _page(ctx, user, error=str(error), status_code=status_of(error))
        group_service.find_duplicate_groups(ctx, user, [data.record_kind])
        return Redirect(f"/duplicates?merged={done.id}", status_code=303)

    @post("/merges/{merge_id:int}/undo", sync_to_thread=True)
    def undo(self, ctx: ServiceContext, user: int, merge_id: int) -> Response[Any]:
        try:
            done = merge_service.undo_merge(ctx, user, merge_id)
        except LeadlineError as error:
            return _page(ctx, user, error=str(error), status_code=status_of(error))
        group_service.find_duplicate_groups(ctx, user, [done.record_kind])
        return Redirect(f"/duplicates?undone={done.id}", status_code=303)
