"""``query`` and ``queryAll``: SOQL through ``gateway.query`` (the ``run_query`` use case), one
page of at most 2,000 records, the rest behind ``nextRecordsUrl`` (``query/<locator>``).

Ids are Salesforce's 18 characters both ways (``domain/salesforce/ids.py``); a refused query is
Salesforce's 400 list (``MALFORMED_QUERY`` with its row and column, ``INVALID_FIELD``,
``INVALID_TYPE``, ``INVALID_QUERY_LOCATOR``...), written by ``errors.on_soql_error``.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get

from leadline.salesforce import gateway
from leadline.salesforce.sobjects import json_response
from leadline.salesforce.values import json_value
from leadline.salesforce.versions import checked_version
from leadline.services.context import ServiceContext


def answer(ctx: ServiceContext, actor: int, version: str, resource: str, *, soql: str | None = None,
           locator: str | None = None) -> dict[str, Any]:
    """The body Salesforce answers: ``totalSize``, ``done``, ``records`` and, when more follow,
    ``nextRecordsUrl`` under the same resource (``query`` or ``queryAll``)."""
    base = f"/services/data/{checked_version(version)}"
    result = gateway.query(ctx, actor, soql, locator, include_deleted=resource == "queryAll", base_url=base)
    body: dict[str, Any] = {"totalSize": result.total_size, "done": result.done}
    if result.next_token is not None:
        body["nextRecordsUrl"] = f"{base}/{resource}/{result.next_token}"
    body["records"] = json_value(result.records)
    return body


class QueryController(Controller):
    path = "/services/data/{version:str}"
    include_in_schema = False

    @get("/query", sync_to_thread=True)
    def query(self, version: str, actor: int, ctx: ServiceContext, q: str | None = None) -> Response[bytes]:
        return json_response(answer(ctx, actor, version, "query", soql=q))

    @get("/queryAll", sync_to_thread=True)
    def query_all(self, version: str, actor: int, ctx: ServiceContext, q: str | None = None) -> Response[bytes]:
        return json_response(answer(ctx, actor, version, "queryAll", soql=q))

    @get("/query/{locator:str}", sync_to_thread=True)
    def query_more(self, version: str, actor: int, ctx: ServiceContext, locator: str) -> Response[bytes]:
        return json_response(answer(ctx, actor, version, "query", locator=locator))

    @get("/queryAll/{locator:str}", sync_to_thread=True)
    def query_all_more(self, version: str, actor: int, ctx: ServiceContext, locator: str) -> Response[bytes]:
        return json_response(answer(ctx, actor, version, "queryAll", locator=locator))
