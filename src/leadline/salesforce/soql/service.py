"""``run_query``: one SOQL query (or its next page) for an acting user, as Salesforce's
``query`` and ``queryAll`` answer it.

Each page is one statement (compiler.py) in one read-only unit of work. The first page also
counts every match (a window count in the same statement); later pages continue after the last
row's sort keys (a keyset, so a page never repeats or skips a row that existed before the query
began). The continuation is an opaque token holding the query, the day and zone its date literals
were resolved in, the rows given and the last keys; the endpoint turns it into
``nextRecordsUrl``. It grants nothing: every page is run again under the actor's visibility.
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

from leadline.salesforce.soql.catalog import LeadlineCatalog, build_objects
from leadline.salesforce.soql.compiler import CompiledQuery, CompileOptions, compile_soql, digits_only
from leadline.salesforce.soql.conditions import IdDecoder
from leadline.salesforce.soql.errors import MALFORMED_QUERY, SoqlError
from leadline.salesforce.soql.records import IdEncoder, RecordShaper, plain_id
from leadline.services.security.access import load_viewer

if TYPE_CHECKING:
    from leadline.services.context import ServiceContext

BATCH_SIZE = 2000
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
        catalog = LeadlineCatalog(viewer, build_objects(custom_fields=ctx.config(uow).custom_fields))
        session: Any = getattr(uow, "session")  # noqa: B009 - the SQL unit of work's session
        dialect = session.get_bind().dialect
        options = CompileOptions(cursor.today, _zone(cursor.zone), cursor.include_deleted, decode_id, dialect.name)
        compiled = compile_soql(cursor.soql, catalog, options)
        shaper = RecordShaper(compiled, dialect, encode_id, base_url)
        if compiled.count_only:
            return QueryResult(_bounded(session.scalar(compiled.base) or 0, compiled), True)
        if compiled.aggregate:
            return _grouped(session, compiled, shaper)
        return _page(session, compiled, shaper, cursor, max(1, min(batch_size, BATCH_SIZE)))


def _bounded(count: int, compiled: CompiledQuery) -> int:
    query = compiled.query
    count = max(0, count - (query.offset or 0))
    return count if query.limit is None else min(count, query.limit)


def _grouped(session: Any, compiled: CompiledQuery, shaper: RecordShaper) -> QueryResult:
    query = compiled.query
    size = BATCH_SIZE + 1 if query.limit is None else min(query.limit, BATCH_SIZE + 1)
    rows = session.execute(compiled.page(None, size, offset=query.offset or 0)).mappings().all()
    if len(rows) > BATCH_SIZE:
        raise SoqlError(MALFORMED_QUERY, "Aggregate query does not support queryMore(), use LIMIT to restrict the "
                        "results to a single batch", query.object_name)
    return QueryResult(len(rows), True, [shaper.shape(row) for row in rows])


def _page(session: Any, compiled: CompiledQuery, shaper: RecordShaper, cursor: _Cursor, batch: int) -> QueryResult:
    first = cursor.total < 0
    query = compiled.query
    wanted = batch if query.limit is None else min(batch, query.limit)
    # a LIMIT within one page needs no count: the page holds every row the query gives
    counted = first and wanted < (query.limit or batch + 1)
    if first:
        statement = compiled.page(None, wanted, offset=query.offset or 0, with_total=counted)
    else:
        statement = compiled.page(cursor.keys, min(batch, cursor.total - cursor.given))
    rows = session.execute(statement).mappings().all()
    if not first:
        total = cursor.total
    elif counted:
        total = _bounded(rows[0]["_total"], compiled) if rows else 0
    else:
        total = len(rows)
    given = cursor.given + len(rows)
    records = [shaper.shape(row) for row in rows]
    if given >= total or not rows:
        return QueryResult(total, True, records)
    keys = tuple(rows[-1][key.label] for key in compiled.keys)
    following = _Cursor(cursor.soql, cursor.include_deleted, cursor.today, cursor.zone, given, total, keys)
    return QueryResult(total, False, records, _encode(following))


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
