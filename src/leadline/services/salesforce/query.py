"""``run_query``: one SOQL query (or its next page) for an acting user, as Salesforce's
``query`` and ``queryAll`` answer it.

Each page is one statement (the ``soql`` port, persistence/salesforce/queries.py) in one
read-only unit of work. The first page also counts every match (a window count in the same
statement); later pages continue after the last row's sort keys (a keyset, so a page never
repeats or skips a row that existed before the query began). The continuation is an opaque
token holding the query, the day and zone its date literals were resolved in, the rows given and
the last keys; the endpoint turns it into ``nextRecordsUrl``. It grants nothing: every page is
run again under the actor's visibility.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from leadline.domain.salesforce.soql.errors import MALFORMED_QUERY, SoqlError
from leadline.domain.salesforce.soql.request import (
    BATCH_SIZE,
    IdDecoder,
    IdEncoder,
    SoqlRequest,
    digits_only,
    plain_id,
)
from leadline.services.security.access import load_viewer

if TYPE_CHECKING:
    from leadline.services.context import ServiceContext

__all__ = ["BATCH_SIZE", "INVALID_QUERY_LOCATOR", "QueryResult", "run_query"]

INVALID_QUERY_LOCATOR = "INVALID_QUERY_LOCATOR"


@dataclass(frozen=True, slots=True)
class QueryResult:
    """``total_size``: every record the query matches (within its LIMIT); ``records`` this page;
    ``next_token`` the continuation when ``done`` is false."""

    total_size: int
    done: bool
    records: list[dict[str, Any]] = field(default_factory=list)
    next_token: str | None = None


@dataclass(frozen=True, slots=True)
class _Cursor:
    soql: str
    include_deleted: bool
    today: date
    zone: str
    given: int
    total: int
    keys: tuple[Any, ...]


def run_query(ctx: ServiceContext, actor_id: int, soql: str | None = None, page_token: str | None = None, *,
              include_deleted: bool = False, zone: str = "UTC", batch_size: int = BATCH_SIZE,
              encode_id: IdEncoder = plain_id, decode_id: IdDecoder = digits_only,
              base_url: str = "/services/data/v59.0") -> QueryResult:
    """The first page of ``soql`` (``include_deleted``: queryAll, merged tombstones included), or
    the page ``page_token`` continues. Raises ``SoqlError`` (MALFORMED_QUERY, INVALID_FIELD,
    INVALID_TYPE, INVALID_QUERY_FILTER_OPERATOR, INVALID_QUERY_LOCATOR for a bad token) and
    ``NotFoundError`` for an unknown actor.

    Example: ``run_query(ctx, rep, "SELECT Id, Name FROM Account WHERE CreatedDate = TODAY")``.
    """
    cursor = _decode(page_token) if page_token else None
    if cursor is None:
        if not soql:
            raise SoqlError(MALFORMED_QUERY, "a query is required", soql or "")
        cursor = _Cursor(soql, include_deleted, ctx.clock().astimezone(_zone(zone)).date(), zone, 0, -1, ())
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        request = SoqlRequest(cursor.soql, cursor.today, _zone(cursor.zone), cursor.include_deleted,
                              ctx.config(uow).custom_fields, cursor.keys if cursor.total >= 0 else None,
                              cursor.given, cursor.total, batch_size, encode_id, decode_id, base_url)
        page = uow.soql.page(viewer, request)
    if page.last_keys is None:
        return QueryResult(page.total_size, True, page.records)
    following = _Cursor(cursor.soql, cursor.include_deleted, cursor.today, cursor.zone,
                        cursor.given + len(page.records), page.total_size, page.last_keys)
    return QueryResult(page.total_size, False, page.records, _encode(following))


def _zone(name: str) -> tzinfo:
    return UTC if name.upper() == "UTC" else ZoneInfo(name)


def _tagged(value: Any) -> Any:
    if isinstance(value, Decimal):
        return {"$n": str(value)}
    if isinstance(value, datetime):
        return {"$t": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    return getattr(value, "value", value)


def _untagged(value: Any) -> Any:
    if isinstance(value, dict):
        tag, text = next(iter(value.items()))
        if tag == "$n":
            return Decimal(text)
        return datetime.fromisoformat(text) if tag == "$t" else date.fromisoformat(text)
    return value


def _encode(cursor: _Cursor) -> str:
    body = {"q": cursor.soql, "a": cursor.include_deleted, "d": cursor.today.isoformat(), "z": cursor.zone,
            "n": cursor.given, "t": cursor.total, "k": [_tagged(v) for v in cursor.keys]}
    packed = zlib.compress(json.dumps(body, separators=(",", ":")).encode())
    return base64.urlsafe_b64encode(packed).decode().rstrip("=")


def _decode(token: str) -> _Cursor:
    try:
        body = json.loads(zlib.decompress(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))))
        keys: Sequence[Any] = body["k"]
        return _Cursor(str(body["q"]), bool(body["a"]), date.fromisoformat(body["d"]), str(body["z"]),
                       int(body["n"]), int(body["t"]), tuple(_untagged(v) for v in keys))
    except (ValueError, KeyError, TypeError, StopIteration, zlib.error, binascii.Error):
        raise SoqlError(INVALID_QUERY_LOCATOR, "invalid query locator", token) from None
