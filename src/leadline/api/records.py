"""/api/v1/accounts, /contacts and /opportunities: the same five verbs for each, plus history."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response
from litestar.di import Provide
from litestar.params import Parameter

from leadline.api.deps import etag, expected_version
from leadline.api.idempotency import idempotent
from leadline.api.routes import RecordId, api_delete, api_get, api_patch, api_post
from leadline.api.schemas import (
    AccountFields,
    AccountPublic,
    ContactFields,
    ContactPublic,
    DuplicatePublic,
    FieldChangePublic,
    OpportunityCreate,
    OpportunityPublic,
    OpportunityScorePublic,
    OpportunityScoreReasonPublic,
    OpportunityUpdate,
    Page,
    duplicates_public,
    given,
    present,
)
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.ids import parse_record_id
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.queries import OPPORTUNITY_SORTS, RecordQuery
from leadline.domain.queries import Page as PageQuery
from leadline.domain.scoring.interface import Reason
from leadline.domain.scoring.opportunity import OpportunityScore
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.custom_values import resolve_custom_filters
from leadline.services.duplicates.check import DuplicateReport
from leadline.services.opportunities.queries import StageName, opportunity_query, stage_names
from leadline.services.scoring.opportunity_reads import get_opportunity_score_or_reason, list_scored_opportunities
from leadline.services.security.access import fields_of
from leadline.services.security.users import resolve_query_owners

Limit = Annotated[int, Parameter(ge=1, le=500, description="Page size.")]
Search = Annotated[str | None, Parameter(max_length=200, description="Text in the name (and contacts' e-mail).")]
Owners = Annotated[list[str] | None, Parameter(description="Owner e-mail or id; repeatable.")]
CursorParam = Annotated[str | None, Parameter(max_length=500)]
Custom = Annotated[list[str] | None, Parameter(
    description="NAME=VALUE: only records whose custom field NAME holds VALUE (text ignoring case); repeatable.")]
#: The lists' filters on when a record was created and last changed (``times``), by name.
Times = dict[str, datetime | None]
SORTS = {"account": ("id", "created_at", "updated_at", "name"), "contact": ("id", "created_at", "updated_at",
         "last_name"), "opportunity": OPPORTUNITY_SORTS}


def provide_times(actor: int, created_from: datetime | None = None, created_to: datetime | None = None,
                  updated_from: datetime | None = None, updated_to: datetime | None = None) -> Times:
    """The ``times`` every record list takes: created and last changed from and to (both ends
    included), as ``RecordQuery`` names them. It depends on ``actor`` so that a request without a
    valid token is refused (401) before its filters are read, as on every other endpoint."""
    return {"created_from": created_from, "created_to": created_to, "updated_from": updated_from,
            "updated_to": updated_to}


def opportunity_public(opportunity: Opportunity, names: Mapping[int, StageName]) -> OpportunityPublic:
    """An opportunity as every opportunity endpoint renders it (``category_overridden`` is
    named after the field it concerns), with its stage's and process's names beside their ids."""
    fields = fields_of(opportunity)
    fields["forecast_category_overridden"] = fields.pop("category_overridden")
    name = names.get(opportunity.stage_id)
    if name is not None:
        fields.update(stage=name.stage, process_id=name.process_id, process=name.process)
    return msgspec.convert(present(fields), OpportunityPublic)


def opportunity_score_public(score: OpportunityScore | None) -> OpportunityScorePublic | None:
    if score is None:
        return None

    def reasons(found: tuple[Reason, ...]) -> list[OpportunityScoreReasonPublic]:
        return [OpportunityScoreReasonPublic(feature=r.feature, value=r.value, won=r.converted, total=r.total,
                                             text=r.text) for r in found]

    return OpportunityScorePublic(score=score.score, probability=round(score.probability, 4),
                                  confident=score.confident, model_version=score.model_version,
                                  scored_at=score.scored_at, up=reasons(score.up), down=reasons(score.down))


def _public(kind: str, record: Any, names: Mapping[int, StageName]) -> Any:
    if kind == "opportunity":
        return opportunity_public(record, names)
    schema = {"account": AccountPublic, "contact": ContactPublic}[kind]
    return msgspec.convert(present(fields_of(record)), schema)


def _names(ctx: ServiceContext, kind: str) -> Mapping[int, StageName]:
    return stage_names(ctx) if kind == "opportunity" else {}


def _one(ctx: ServiceContext, kind: str, record: Any, status_code: int = 200) -> Response[Any]:
    return _rendered(kind, record, _names(ctx, kind), status_code)


def _rendered(kind: str, record: Any, names: Mapping[int, StageName], status_code: int = 200,
              duplicates: list[DuplicatePublic] | None = None) -> Response[Any]:
    headers = {"ETag": etag(record.version)}
    if status_code == 201:
        headers["Location"] = f"/api/v1/{kind}s/{record.id}".replace("opportunitys", "opportunities")
    public = _public(kind, record, names)
    if duplicates:
        public = msgspec.structs.replace(public, duplicates=duplicates)
    return Response(public, status_code=status_code, headers=headers)


def _list(ctx: ServiceContext, actor: int, kind: str, owner: list[str] | None, q: str | None, account_id: str | None,
          times: Times, sort: str, limit: int, cursor: str | None,
          custom: list[str] | None = None) -> Page:
    """A page of accounts or contacts."""
    query = _list_query(ctx, kind, RecordQuery(), owner, q, account_id, times, custom)
    page = PageQuery.parse(limit, sort, cursor, allowed=SORTS[kind])
    rows = records.list_records(ctx, actor, kind, query, page)
    return Page(items=[_public(kind, r, {}) for r in rows],
                next_cursor=page.cursor_after(rows[-1]) if len(rows) == limit else None)


def _list_query(ctx: ServiceContext, kind: str, query: RecordQuery, owner: list[str] | None, q: str | None,
                account_id: str | None, times: Times, custom: list[str] | None) -> RecordQuery:
    """``query`` (the filters of ``kind`` alone) with the owner, text, account, custom value and time filters."""
    account = parse_record_id(account_id, field="account_id") if account_id else None
    return dataclasses.replace(query, owner_ids=resolve_query_owners(ctx, owner or []), search=q, account_id=account,
                               custom=resolve_custom_filters(ctx, RecordType(kind), custom or []), **times)


def _history(ctx: ServiceContext, actor: int, kind: str, record_id: RecordId) -> list[FieldChangePublic]:
    return [FieldChangePublic.of(c) for c in records.record_history(ctx, actor, kind, record_id)]


def _create(request: Request[Any, Any, Any], body: bytes, ctx: ServiceContext, actor: int, kind: str,
            data: msgspec.Struct, renamed: dict[str, str] | None = None) -> Response[Any]:
    values = {(renamed or {}).get(k, k): v for k, v in given(data).items()}
    names = _names(ctx, kind)
    if kind == "opportunity":
        return idempotent(request, body, ctx, actor,
                          lambda claim: records.create_opportunity(ctx, actor, values, claim=claim),
                          lambda record: _rendered(kind, record, names, 201))
    creator = records.create_account if kind == "account" else records.create_contact
    found = DuplicateReport()  # filled before the commit that renders the answer kept for retries
    return idempotent(request, body, ctx, actor, lambda claim: creator(ctx, actor, values, claim=claim,
                                                                        duplicates=found),
                      lambda record: _rendered(kind, record, names, 201, duplicates_public(found.check)))


def _update(request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, kind: str, record_id: RecordId,
            data: msgspec.Struct) -> Response[Any]:
    record = records.update_record(ctx, actor, kind, record_id, given(data),
                                   expected_version=expected_version(request))
    return _one(ctx, kind, record)


AccountId = Annotated[str | None, Parameter(pattern=r"^[0-9]{1,19}$", description="Only this account's records.")]


class AccountController(Controller):
    path = "/accounts"
    tags = ["accounts"]
    dependencies = {"times": Provide(provide_times, sync_to_thread=False)}

    @api_get("/", summary="List accounts")
    def list_accounts(self, ctx: ServiceContext, actor: int, times: Times, owner: Owners = None, q: Search = None,
                      sort: Annotated[str, Parameter(pattern=r"^-?(id|created_at|updated_at|name)$")] = "-created_at",
                      limit: Limit = 50, cursor: CursorParam = None, custom: Custom = None) -> Page:
        return _list(ctx, actor, "account", owner, q, None, times, sort, limit, cursor, custom)

    @api_post("/", summary="Create an account", status_code=201)
    def create_account(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, data: AccountFields,
                       body: bytes) -> Response[AccountPublic]:
        return _create(request, body, ctx, actor, "account", data)

    @api_get("/{record_id:int}", summary="Read an account")
    def get_account(self, ctx: ServiceContext, actor: int, record_id: RecordId) -> Response[AccountPublic]:
        return _one(ctx, "account", records.get_record(ctx, actor, "account", record_id))

    @api_patch("/{record_id:int}", summary="Change an account")
    def update_account(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, record_id: RecordId,
                       data: AccountFields) -> Response[AccountPublic]:
        return _update(request, ctx, actor, "account", record_id, data)

    @api_delete("/{record_id:int}", summary="Delete an account", status_code=204)
    def delete_account(
        self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, record_id: RecordId
    ) -> None:
        records.delete_record(ctx, actor, "account", record_id, expected_version=expected_version(request))

    @api_get("/{record_id:int}/history", summary="Field history of an account")
    def account_history(self, ctx: ServiceContext, actor: int, record_id: RecordId) -> list[FieldChangePublic]:
        return _history(ctx, actor, "account", record_id)


class ContactController(Controller):
    path = "/contacts"
    tags = ["contacts"]
    dependencies = {"times": Provide(provide_times, sync_to_thread=False)}

    @api_get("/", summary="List contacts")
    def list_contacts(self, ctx: ServiceContext, actor: int, times: Times, owner: Owners = None, q: Search = None,
                      account_id: AccountId = None,
                      sort: Annotated[str, Parameter(pattern=r"^-?(id|created_at|updated_at|last_name)$")] =
                      "-created_at", limit: Limit = 50, cursor: CursorParam = None, custom: Custom = None) -> Page:
        return _list(ctx, actor, "contact", owner, q, account_id, times, sort, limit, cursor, custom)

    @api_post("/", summary="Create a contact", status_code=201)
    def create_contact(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, data: ContactFields,
                       body: bytes) -> Response[ContactPublic]:
        return _create(request, body, ctx, actor, "contact", data)

    @api_get("/{record_id:int}", summary="Read a contact")
    def get_contact(self, ctx: ServiceContext, actor: int, record_id: RecordId) -> Response[ContactPublic]:
        return _one(ctx, "contact", records.get_record(ctx, actor, "contact", record_id))

    @api_patch("/{record_id:int}", summary="Change a contact")
    def update_contact(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, record_id: RecordId,
                       data: ContactFields) -> Response[ContactPublic]:
        return _update(request, ctx, actor, "contact", record_id, data)

    @api_delete("/{record_id:int}", summary="Delete a contact", status_code=204)
    def delete_contact(
        self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, record_id: RecordId
    ) -> None:
        records.delete_record(ctx, actor, "contact", record_id, expected_version=expected_version(request))

    @api_get("/{record_id:int}/history", summary="Field history of a contact")
    def contact_history(self, ctx: ServiceContext, actor: int, record_id: RecordId) -> list[FieldChangePublic]:
        return _history(ctx, actor, "contact", record_id)


class OpportunityController(Controller):
    path = "/opportunities"
    tags = ["opportunities"]
    dependencies = {"times": Provide(provide_times, sync_to_thread=False)}

    @api_get("/", summary="List opportunities")
    def list_opportunities(
        self, ctx: ServiceContext, actor: int, times: Times, owner: Owners = None, q: Search = None,
        account_id: AccountId = None,
        stage: Annotated[list[str] | None, Parameter(description="Stage label or id; repeatable.")] = None,
        process: Annotated[list[str] | None, Parameter(description="Sales process name or id; repeatable.")] = None,
        outcome: Annotated[list[str] | None, Parameter(description="open, won or lost; repeatable.")] = None,
        close_from: date | None = None, close_to: date | None = None,
        amount_from: Annotated[str | None, Parameter(max_length=40, description="In the deal's currency.")] = None,
        amount_to: Annotated[str | None, Parameter(max_length=40, description="In the deal's currency.")] = None,
        min_score: Annotated[int | None, Parameter(
            ge=0, le=100, description="Only predicted-win scores from this (0-100).")] = None,
        max_score: Annotated[int | None, Parameter(
            ge=0, le=100, description="Only predicted-win scores up to this (0-100).")] = None,
        sort: Annotated[str, Parameter(pattern=r"^-?(id|created_at|updated_at|name|close_date|amount|score)$",
                                       description=("A field, '-' in front for descending; 'score': the stored "
                                                    "predicted-win score, unscored opportunities last."))] =
        "-created_at", limit: Limit = 50, cursor: CursorParam = None, custom: Custom = None,
    ) -> Page:
        """Opportunities the caller may see, filtered (ranges include both ends), sorted and
        paginated, each with its stored predicted-win ``score`` (null when unscored)."""
        query = _list_query(ctx, "opportunity", opportunity_query(
            ctx, stages=stage or [], processes=process or [], outcomes=outcome or [], close_from=close_from,
            close_to=close_to, amount_from=amount_from, amount_to=amount_to, min_score=min_score,
            max_score=max_score), owner, q, account_id, times, custom)
        page = PageQuery.parse(limit, sort, cursor, allowed=OPPORTUNITY_SORTS)
        found = list_scored_opportunities(ctx, actor, query, page)
        names = stage_names(ctx)
        return Page(items=[msgspec.structs.replace(opportunity_public(o, names),
                                                   score=opportunity_score_public(found.scores.get(o.id)))
                           for o in found.rows], next_cursor=found.next_cursor(page))

    @api_post("/", summary="Create an opportunity", status_code=201)
    def create_opportunity(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int,
                           data: OpportunityCreate, body: bytes) -> Response[OpportunityPublic]:
        return _create(request, body, ctx, actor, "opportunity", data, renamed={"loss_reason_id": "loss_reason"})

    @api_get("/{record_id:int}", summary="Read an opportunity")
    def get_opportunity(self, ctx: ServiceContext, actor: int, record_id: RecordId) -> Response[OpportunityPublic]:
        record = records.get_record(ctx, actor, "opportunity", record_id)
        score, note = get_opportunity_score_or_reason(ctx, actor, record.id)
        public = msgspec.structs.replace(opportunity_public(record, stage_names(ctx)),
                                         score=opportunity_score_public(score),
                                         score_note=msgspec.UNSET if note is None else note)
        return Response(public, headers={"ETag": etag(record.version)})

    @api_patch("/{record_id:int}", summary="Change an opportunity")
    def update_opportunity(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int, record_id: RecordId,
                           data: OpportunityUpdate) -> Response[OpportunityPublic]:
        """Change the fields sent; ``probability`` and ``forecast_category`` are your overrides of
        the stage's figures. A closed opportunity refuses a stage, probability or category
        (OPPORTUNITY_CLOSED: reopen it first); its other fields may still be corrected, a won one
        keeping a positive amount."""
        return _update(request, ctx, actor, "opportunity", record_id, data)

    @api_delete("/{record_id:int}", summary="Delete an opportunity", status_code=204)
    def delete_opportunity(self, request: Request[Any, Any, Any], ctx: ServiceContext, actor: int,
                           record_id: RecordId) -> None:
        records.delete_record(ctx, actor, "opportunity", record_id, expected_version=expected_version(request))

    @api_get("/{record_id:int}/history", summary="Field history of an opportunity")
    def opportunity_history(self, ctx: ServiceContext, actor: int, record_id: RecordId) -> list[FieldChangePublic]:
        return _history(ctx, actor, "opportunity", record_id)
