"""/api/v1/duplicate-rules, /api/v1/duplicates/..., /api/v1/merges and the exports
(/api/v1/{leads,accounts,contacts,opportunities}/export): thin handlers over the use cases of
services/duplicates/ and services/exports.py.

Reading the id of a merged record (``GET /leads/{id}`` and the others) answers 200 with the
survivor, whose ``id`` differs from the one asked for: a client that kept the old id keeps
working, and sees the new one (docs/adr/0031-merge-tombstones-and-undo.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.params import Parameter
from litestar.response import Stream

from leadline.api.routes import PROBLEMS, RecordId, api_get, api_post, api_put
from leadline.api.schemas import DuplicatePublic, Text, duplicates_public
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.merge import MergeRecord
from leadline.domain.duplicates.rules import DuplicateRule
from leadline.domain.queries import RecordQuery
from leadline.services.context import ServiceContext
from leadline.services.custom_values import resolve_custom_filters
from leadline.services.duplicates import check, groups, merge, rules
from leadline.services.exports import csv_chunks, export_table, parse_format, write_xlsx
from leadline.services.leads import records as lead_service
from leadline.services.security.users import resolve_query_owners

export_get = partial(get, sync_to_thread=True, responses=PROBLEMS)
KIND_PATTERN = r"^(lead|contact|account)$"
MATCH_PATTERN = r"^(email|phone|domain_company|person_at_company)$"
Kind = Annotated[str, msgspec.Meta(pattern=KIND_PATTERN, description="lead, contact or account.")]


class DuplicateRulePublic(msgspec.Struct, kw_only=True):
    record_kind: str
    match: str
    action: str
    threshold: int
    active: bool


class DuplicateRuleChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    action: Text | None = None
    threshold: int | None = None
    active: bool | None = None


class DuplicateCheckIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The values of a lead, contact (with ``account_id``) or account that may be created."""

    record_kind: Kind
    values: dict[str, Text | None]


class DuplicateCheckPublic(msgspec.Struct, kw_only=True):
    duplicates: list[DuplicatePublic]


class DuplicateGroupPublic(msgspec.Struct, kw_only=True):
    id: str
    record_kind: str
    record_ids: list[str]
    score: int
    reasons: list[str]


class MergeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``fields``: field name (``custom.<name>`` for a custom field) -> the id of the record whose
    value it keeps; the others keep the newest non-empty value. ``keep``: default the oldest."""

    record_kind: Kind
    record_ids: Annotated[list[Annotated[str, msgspec.Meta(max_length=20)]], msgspec.Meta(max_length=10)]
    keep: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    fields: dict[str, Annotated[str, msgspec.Meta(max_length=20)]] = msgspec.field(default_factory=dict)


class MergePublic(msgspec.Struct, kw_only=True):
    id: str
    record_kind: str
    survivor_id: str
    merged_ids: list[str]
    merged_at: datetime
    undone_at: datetime | None


def _rule(rule: DuplicateRule) -> DuplicateRulePublic:
    return DuplicateRulePublic(record_kind=rule.record_kind.value, match=rule.match.value, action=rule.action.value,
                               threshold=rule.threshold, active=rule.active)


def _merge(record: MergeRecord) -> MergePublic:
    return MergePublic(id=str(record.id), record_kind=record.record_kind, survivor_id=str(record.survivor_id),
                       merged_ids=[str(i) for i in record.merged_ids], merged_at=record.merged_at,
                       undone_at=record.undone_at)


class DuplicateController(Controller):
    path = "/"
    tags = ["duplicates"]

    @api_get("/duplicate-rules", summary="List the duplicate rules in force")
    def list_rules(self, ctx: ServiceContext, actor: int) -> list[DuplicateRulePublic]:
        return [_rule(r) for r in rules.list_duplicate_rules(ctx, actor)]

    @api_put("/duplicate-rules/{record_kind:str}/{match:str}", summary="Change a duplicate rule (admins)")
    def change_rule(self, ctx: ServiceContext, actor: int,
                    record_kind: Annotated[str, Parameter(pattern=KIND_PATTERN)],
                    match: Annotated[str, Parameter(pattern=MATCH_PATTERN)],
                    data: DuplicateRuleChange) -> DuplicateRulePublic:
        return _rule(rules.set_duplicate_rule(ctx, actor, record_kind, match, action=data.action,
                                              threshold=data.threshold, active=data.active))

    @api_post("/duplicates/check", summary="Find what a record would duplicate", status_code=200)
    def check_duplicates(self, ctx: ServiceContext, actor: int, data: DuplicateCheckIn) -> DuplicateCheckPublic:
        found = check.find_duplicates(ctx, actor, data.record_kind, data.values)
        return DuplicateCheckPublic(duplicates=duplicates_public(found))

    @api_post("/duplicates/scan", summary="Find and store the duplicate groups (admins)", status_code=200)
    def scan(self, ctx: ServiceContext, actor: int) -> dict[str, int]:
        return {kind.value: count for kind, count in groups.find_duplicate_groups(ctx, actor).items()}

    @api_get("/duplicates/groups", summary="The duplicate groups the last scan found (admins)")
    def list_groups(self, ctx: ServiceContext, actor: int,
                    record_kind: Annotated[str | None, Parameter(pattern=KIND_PATTERN)] = None,
                    limit: Annotated[int, Parameter(ge=1, le=500)] = 100) -> list[DuplicateGroupPublic]:
        return [DuplicateGroupPublic(id=str(i), record_kind=g.record_kind.value,
                                     record_ids=[str(r) for r in g.record_ids], score=g.score, reasons=list(g.reasons))
                for i, g in groups.list_duplicate_groups(ctx, actor, record_kind, limit)]

    @api_post("/merges", summary="Merge two or more leads, contacts or accounts", status_code=201)
    def merge_records(self, ctx: ServiceContext, actor: int, data: MergeIn) -> MergePublic:
        return _merge(merge.merge_records(ctx, actor, data.record_kind, data.record_ids, keep=data.keep,
                                          fields=data.fields))

    @api_post("/merges/{merge_id:int}/undo", summary="Undo a merge while nothing depends on it", status_code=200)
    def undo_merge(self, ctx: ServiceContext, actor: int, merge_id: RecordId) -> MergePublic:
        return _merge(merge.undo_merge(ctx, actor, merge_id))


Multi = Annotated[list[str] | None, Parameter(description="Repeatable.")]
FormatParam = Annotated[str, Parameter(pattern=r"^(csv|xlsx)$", description="csv (default) or xlsx.")]

_MEDIA = {"csv": "text/csv",  # Litestar adds "; charset=utf-8" to a text type
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _stream(ctx: ServiceContext, actor: int, kind: str, query: Any, file_format: str) -> Stream:
    chosen = parse_format(file_format)
    table = export_table(ctx, actor, kind, query)
    body: Iterator[str | bytes] = csv_chunks(table) if chosen == "csv" else _xlsx_chunks(table)
    name = "opportunities" if kind == "opportunity" else f"{kind}s"
    return Stream(body, media_type=_MEDIA[chosen],
                  headers={"Content-Disposition": f'attachment; filename="{name}.{chosen}"'})


def _xlsx_chunks(table: Any) -> Iterator[bytes]:
    """An .xlsx is a zip written at the end: it goes through a temporary file, sent in chunks."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xlsx"
        write_xlsx(table, path)
        with path.open("rb") as stream:
            while chunk := stream.read(1 << 16):
                yield chunk


class ExportController(Controller):
    path = "/"
    tags = ["exports"]

    @export_get("/leads/export", summary="Export leads (CSV or .xlsx, streamed)")
    def export_leads(self, ctx: ServiceContext, actor: int, format: FormatParam = "csv",  # noqa: A002
                     status: Multi = None, source: Multi = None, owner: Multi = None,
                     q: Annotated[str | None, Parameter(max_length=200)] = None,
                     created_from: datetime | None = None, created_to: datetime | None = None,
                     updated_from: datetime | None = None, updated_to: datetime | None = None,
                     custom: Multi = None) -> Stream:
        """Every lead ``GET /leads`` with the same filters lists (all pages), with custom fields;
        the header holds the lead's field names. Cells a spreadsheet would run are neutralised."""
        query = lead_service.resolve_lead_query(
            ctx, statuses=status or [], sources=source or [], owners=owner or [], search=q, custom=custom or [],
            created_from=created_from, created_to=created_to, updated_from=updated_from, updated_to=updated_to)
        return _stream(ctx, actor, "lead", query, format)

    @export_get("/accounts/export", summary="Export accounts (CSV or .xlsx, streamed)")
    def export_accounts(self, ctx: ServiceContext, actor: int, format: FormatParam = "csv",  # noqa: A002
                        owner: Multi = None, q: Annotated[str | None, Parameter(max_length=200)] = None,
                        custom: Multi = None) -> Stream:
        return _stream(ctx, actor, "account", _records_query(ctx, "account", owner, q, custom), format)

    @export_get("/contacts/export", summary="Export contacts (CSV or .xlsx, streamed)")
    def export_contacts(self, ctx: ServiceContext, actor: int, format: FormatParam = "csv",  # noqa: A002
                        owner: Multi = None, q: Annotated[str | None, Parameter(max_length=200)] = None,
                        custom: Multi = None) -> Stream:
        return _stream(ctx, actor, "contact", _records_query(ctx, "contact", owner, q, custom), format)

    @export_get("/opportunities/export", summary="Export opportunities (CSV or .xlsx, streamed)")
    def export_opportunities(self, ctx: ServiceContext, actor: int, format: FormatParam = "csv",  # noqa: A002
                             owner: Multi = None, q: Annotated[str | None, Parameter(max_length=200)] = None,
                             custom: Multi = None) -> Stream:
        return _stream(ctx, actor, "opportunity", _records_query(ctx, "opportunity", owner, q, custom), format)


def _records_query(ctx: ServiceContext, kind: str, owner: list[str] | None, q: str | None,
                   custom: list[str] | None) -> RecordQuery:
    return RecordQuery(owner_ids=resolve_query_owners(ctx, owner or []), search=q,
                       custom=resolve_custom_filters(ctx, RecordType(kind), custom or []))
