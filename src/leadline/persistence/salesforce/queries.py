"""``SoqlQueries``: one SOQL page as one statement on the unit of work's session.

The first page also counts every match (a window count in the same statement) unless the
query's LIMIT fits one page; a continuation selects the rows after the last row's sort keys (a
keyset). ``COUNT()`` is one count; an aggregate query is one page that may not exceed a batch.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from leadline.domain.salesforce.soql.errors import MALFORMED_QUERY, SoqlError
from leadline.domain.salesforce.soql.request import BATCH_SIZE, SoqlPage, SoqlRequest
from leadline.domain.security.access import Viewer
from leadline.persistence.salesforce.soql.catalog import LeadlineCatalog, build_objects
from leadline.persistence.salesforce.soql.compiler import CompiledQuery, CompileOptions, compile_soql
from leadline.persistence.salesforce.soql.records import RecordShaper


class SoqlQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def page(self, viewer: Viewer | None, request: SoqlRequest) -> SoqlPage:
        catalog = LeadlineCatalog(viewer, build_objects(custom_fields=request.custom_fields))
        dialect = self.session.get_bind().dialect
        options = CompileOptions(request.today, request.zone, request.include_deleted, request.decode_id,
                                 dialect.name)
        compiled = compile_soql(request.soql, catalog, options)
        shaper = RecordShaper(compiled, dialect, request.encode_id, request.base_url)
        if compiled.count_only:
            return SoqlPage(_bounded(self.session.scalar(compiled.base) or 0, compiled))
        if compiled.aggregate:
            return self._grouped(compiled, shaper)
        return self._page(compiled, shaper, request, max(1, min(request.batch_size, BATCH_SIZE)))

    def _grouped(self, compiled: CompiledQuery, shaper: RecordShaper) -> SoqlPage:
        query = compiled.query
        size = BATCH_SIZE + 1 if query.limit is None else min(query.limit, BATCH_SIZE + 1)
        rows: list[Any] = list(self.session.execute(compiled.page(None, size, offset=query.offset or 0)).mappings())
        if len(rows) > BATCH_SIZE:
            raise SoqlError(MALFORMED_QUERY, "Aggregate query does not support queryMore(), use LIMIT to restrict "
                            "the results to a single batch", query.object_name)
        return SoqlPage(len(rows), [shaper.shape(row) for row in rows])

    def _page(self, compiled: CompiledQuery, shaper: RecordShaper, request: SoqlRequest, batch: int) -> SoqlPage:
        first = request.after is None
        query = compiled.query
        wanted = batch if query.limit is None else min(batch, query.limit)
        # a LIMIT within one page needs no count: the page holds every row the query gives
        counted = first and wanted < (query.limit or batch + 1)
        if request.after is None:
            statement = compiled.page(None, wanted, offset=query.offset or 0, with_total=counted)
        else:
            statement = compiled.page(request.after, min(batch, request.total - request.given))
        rows: list[Any] = list(self.session.execute(statement).mappings())
        total: int
        if not first:
            total = request.total
        elif counted:
            total = _bounded(rows[0]["_total"], compiled) if rows else 0
        else:
            total = len(rows)
        records = [shaper.shape(row) for row in rows]
        if request.given + len(rows) >= total or not rows:
            return SoqlPage(total, records)
        return SoqlPage(total, records, tuple(rows[-1][key.label] for key in compiled.keys))


def _bounded(count: int, compiled: CompiledQuery) -> int:
    query = compiled.query
    count = max(0, count - (query.offset or 0))
    return count if query.limit is None else min(count, query.limit)
