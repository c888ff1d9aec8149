"""Lean reads of one record for the hottest path, reading a lead (``GET /leads/{id}``).

A session costs more than the query it runs: creating it, checking a connection out through it,
``BEGIN`` and the rollback at the end are several times the cost of one indexed select. These
reads run one statement compiled once per database on a pooled driver connection, outside any
transaction (one statement is one consistent snapshot on both databases), and turn the values
into domain records with the column types' own result processors, so they give exactly what the
repositories give. The unit of work hands them out as ``uow.reads`` (docs/adr/0009).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from sqlalchemy import Engine, bindparam, select

from leadline.domain.capture.attribution import Attribution
from leadline.domain.leads.lead import Lead, ProductInterest
from leadline.domain.scoring.records import LeadScore
from leadline.persistence.availability import unavailability
from leadline.persistence.bulk_rows import record_columns, result_processors
from leadline.persistence.configuration.custom_values import VALUE_COLUMN
from leadline.persistence.configuration.rows import CustomFieldValueRow
from leadline.persistence.leads.rows import LeadProductInterestRow, LeadRow
from leadline.persistence.mapping import record_builder
from leadline.persistence.scoring.repositories import SCORE_COLUMNS, lead_score_of

_LEAD_COLUMNS = record_columns(LeadRow, Lead)[0]
_PRODUCT_FIELDS = tuple(f.name for f in fields(ProductInterest))
_MAKE_LEAD = record_builder(Lead, _LEAD_COLUMNS)
_VALUE_COLUMNS = ("text_value", "number_value", "date_value", "bool_value")


@dataclass
class _Compiled:
    """One statement compiled for one database, with its result processors once first run."""

    sql: str
    positional: bool
    columns: tuple[Any, ...]
    processors: list[tuple[int, Callable[[Any], Any]]] | None = None  # (column, processor), those with one

    def parameters(self, record_id: int) -> Any:
        return (record_id,) if self.positional else {"id": record_id}


def _lead_statement() -> Any:
    """The lead, its product lines (a row each), where it came from and its score (at most one
    row each, joined so reading a lead stays one statement: tests/e2e/test_api_query_budgets.py)."""
    from leadline.persistence.capture.rows import LeadCaptureRow
    from leadline.persistence.scoring.repositories import SCORE_COLUMNS
    from leadline.persistence.scoring.rows import LeadScoreRow

    lead, line, capture = LeadRow.__table__, LeadProductInterestRow.__table__, LeadCaptureRow.__table__
    score = LeadScoreRow.__table__
    columns = (*(lead.c[name] for name in _LEAD_COLUMNS), *(line.c[name] for name in _PRODUCT_FIELDS),
               *capture.c, *(score.c[name] for name in SCORE_COLUMNS))
    joined = (lead.outerjoin(line, line.c.lead_id == lead.c.id).outerjoin(capture, capture.c.lead_id == lead.c.id)
              .outerjoin(score, score.c.lead_id == lead.c.id))
    return select(*columns).select_from(joined).where(lead.c.id == bindparam("id")).order_by(line.c.position), columns


def _custom_statement() -> Any:
    table = CustomFieldValueRow.__table__
    columns = (table.c.field_id, *(table.c[name] for name in _VALUE_COLUMNS))
    return select(*columns).where(table.c.record_id == bindparam("id")), columns


def _capture_statement() -> Any:
    from leadline.persistence.capture.rows import LeadCaptureRow

    table = LeadCaptureRow.__table__
    columns = tuple(table.c)
    return select(*columns).where(table.c.lead_id == bindparam("id")), columns


def _capture_names() -> tuple[str, ...]:
    from leadline.persistence.capture.rows import LeadCaptureRow

    return tuple(c.name for c in LeadCaptureRow.__table__.c)


_CAPTURE_NAMES = _capture_names()


def _attribution(names: Sequence[str], values: Sequence[Any]) -> Attribution | None:
    found = dict(zip(names, values, strict=True))
    if found["lead_id"] is None:
        return None
    answers = found.pop("quiz_answers")
    return Attribution(**found, quiz_answers=json.loads(answers) if answers else {})


def _score_statement() -> Any:
    from leadline.persistence.scoring.rows import LeadScoreRow

    table = LeadScoreRow.__table__
    columns = tuple(table.c[name] for name in SCORE_COLUMNS)
    return select(*columns).where(table.c.lead_id == bindparam("id")), columns


_STATEMENTS = {"lead": _lead_statement, "custom": _custom_statement, "capture": _capture_statement,
               "score": _score_statement}
_COMPILED: dict[tuple[str, str], _Compiled] = {}
_LOCK = threading.Lock()


def _compiled(engine: Engine, name: str) -> _Compiled:
    key = (engine.dialect.name, name)
    found = _COMPILED.get(key)
    if found is None:
        statement, columns = _STATEMENTS[name]()
        compiled = statement.compile(dialect=engine.dialect)
        found = _Compiled(compiled.string, bool(compiled.positional), columns)
        with _LOCK:
            found = _COMPILED.setdefault(key, found)
    return found


class RecordReads:
    """Reads for one unit of work; the driver connection is taken on first use and given back by
    ``close`` (the unit of work closes it on exit)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Any = None
        self._captures: dict[int, Attribution | None] = {}
        self._scores: dict[int, LeadScore | None] = {}

    def lead(self, lead_id: int) -> Lead | None:
        """The lead with its product lines, as ``LeadRepository.get`` reads it; None if none."""
        rows = self._run(_compiled(self._engine, "lead"), lead_id)
        if not rows:
            return None
        width, lines = len(_LEAD_COLUMNS), len(_LEAD_COLUMNS) + len(_PRODUCT_FIELDS)
        first = rows[0]
        values = first[:width]
        lead = _MAKE_LEAD(values)
        lead.products = [ProductInterest(*row[width:lines]) for row in rows if row[width] is not None]
        scored = len(first) - len(SCORE_COLUMNS)
        self._captures[lead_id] = _attribution(_CAPTURE_NAMES, first[lines:scored])
        self._scores[lead_id] = lead_score_of(first[scored:])
        return lead

    def custom_values(self, record_id: int, definitions: Sequence[Any]) -> dict[str, Any]:
        """The custom values of one record under ``definitions`` (``{name: value}``, set ones only),
        as ``CustomFieldRepository.values_for`` gives them."""
        if not definitions:
            return {}
        by_id: Mapping[int, Any] = {d.id: d for d in definitions}
        result: dict[str, Any] = {}
        for field_id, *values in self._run(_compiled(self._engine, "custom"), record_id):
            definition = by_id.get(field_id)
            if definition is not None:
                result[definition.name] = values[_VALUE_COLUMNS.index(VALUE_COLUMN[definition.type.value])]
        return result

    def capture(self, lead_id: int) -> Attribution | None:
        """Where the lead came from (``CaptureRepository.attribution``); None for a lead typed in.
        Read with the lead by ``lead`` (no statement of its own then)."""
        if lead_id in self._captures:
            return self._captures[lead_id]
        compiled = _compiled(self._engine, "capture")
        rows = self._run(compiled, lead_id)
        return _attribution(_CAPTURE_NAMES, rows[0]) if rows else None

    def lead_score(self, lead_id: int) -> LeadScore | None:
        """The lead's stored score, read with the lead by ``lead`` (else by the scoring repository's query)."""
        if lead_id in self._scores:
            return self._scores[lead_id]
        rows = self._run(_compiled(self._engine, "score"), lead_id)
        return lead_score_of(rows[0]) if rows else None

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            if self._engine.dialect.name == "postgresql":
                connection.dbapi_connection.autocommit = False  # as the pool's other users expect it
            connection.close()

    def _run(self, compiled: _Compiled, record_id: int) -> list[tuple[Any, ...]]:
        try:
            return self._run_on_driver(compiled, record_id)
        except Exception as error:  # the driver's own errors: name an unreachable database
            named = unavailability(error)
            if named is None:
                raise
            self._drop_connections(error)
            raise named from error

    def _drop_connections(self, error: Exception) -> None:
        """After a lost database, invalidate this connection and the pool's older ones, as
        SQLAlchemy does for its own statements: the first reads after the database returns
        reconnect instead of failing on connections it dropped."""
        connection, self._connection = self._connection, None
        if connection is not None:
            self._engine.pool._invalidate(connection, error)  # noqa: SLF001 - SQLAlchemy's own step

    def _run_on_driver(self, compiled: _Compiled, record_id: int) -> list[tuple[Any, ...]]:
        if self._connection is None:
            self._connection = self._engine.raw_connection()
            if self._engine.dialect.name == "postgresql":
                # no BEGIN and ROLLBACK round trips around a single select
                self._connection.dbapi_connection.autocommit = True
        cursor = self._connection.cursor()
        try:
            cursor.execute(compiled.sql, compiled.parameters(record_id))
            rows = cursor.fetchall()
            processors = compiled.processors
            if processors is None:
                processors = compiled.processors = _processors(self._engine, compiled.columns, cursor.description)
        finally:
            cursor.close()
        if not processors:
            return [tuple(row) for row in rows]
        processed = []
        for row in rows:
            values = list(row)
            for index, process in processors:
                if values[index] is not None:
                    values[index] = process(values[index])
            processed.append(tuple(values))
        return processed


def _processors(engine: Engine, columns: Sequence[Any],
                description: Sequence[Any]) -> list[tuple[int, Callable[[Any], Any]]]:
    found = result_processors(engine.dialect, columns, description)
    return [(index, process) for index, process in enumerate(found) if process is not None]
