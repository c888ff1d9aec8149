"""Checking the next blocks of a lead import while this one is written (ADR 0057, lead rows
checked ahead in a worker).

A lead row's most expensive rules need nothing stored: its cells read by the column plan
(``ColumnPlan.row_values``) and its standard fields checked and normalised
(``clean_lead_fields``: the e-mail address, the phone number in E.164 by ``phonenumbers``). A
``RowsAhead`` gives each block of the file with those answers (``CheckedRow``), or with None
(the block checks its rows itself, as before). Two of them:

* ``RowsInline`` gives every block with None: nothing runs elsewhere (small files, other kinds).
* ``RowsInWorker`` runs ``check_lead_rows`` in one worker process (``ProcessPoolExecutor``,
  spawned) for up to ``DEPTH`` blocks ahead of the one being written, and gives the blocks back
  in file order: rows keep their numbers and order, a row's refusal is the same error raised at
  the same point of ``build_lead``, and at most ``DEPTH + 1`` blocks are held (memory stays flat).

The rules run are the same functions either way; only the process differs.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from leadline.domain.errors import LeadlineError
from leadline.domain.imports.mapping import ColumnPlan
from leadline.domain.leads.lead import ContactPointChecker, clean_lead_fields

Block = list[Any]  # a block of ``file_blocks``: FileRow, or None for a blank row


@dataclass(frozen=True)
class RowReading:
    """What reading a row needs besides its cells (pickled to the worker once per block)."""

    plan: ColumnPlan
    date_format: str | None
    date_fields: frozenset[str]
    standard_dates: frozenset[str]
    checker: ContactPointChecker
    country_hint: str | None


@dataclass(frozen=True)
class CheckedRow:
    """A row's values and custom values as the plan reads them, and its standard fields as
    ``clean_lead_fields`` leaves them, or the refusal it raised (class, message, field)."""

    values: dict[str, str]
    custom: dict[str, str]
    cleaned: dict[str, object] | None
    refusal: tuple[type[LeadlineError], str, str | None] | None = None

    def cleaned_or_raise(self) -> dict[str, object]:
        """The cleaned fields; the refusal raised again, as ``clean_lead_fields`` raised it."""
        if self.refusal is not None:
            kind, message, field = self.refusal
            raise kind(message, field=field)
        assert self.cleaned is not None
        return self.cleaned


def check_lead_rows(reading: RowReading, cells: Sequence[list[str]]) -> list[CheckedRow]:
    """Each row's ``CheckedRow`` (run in the worker)."""
    checked = []
    for row_cells in cells:
        values: dict[str, str] = {}
        custom: dict[str, str] = {}
        try:
            values, custom = reading.plan.row_values(row_cells, date_format=reading.date_format,
                                                     date_fields=reading.date_fields,
                                                     standard_dates=reading.standard_dates)
            cleaned = clean_lead_fields(values, reading.checker, country_hint=reading.country_hint)
        except LeadlineError as error:
            checked.append(CheckedRow(values, custom, None, (type(error), error.message, error.field)))
        else:
            checked.append(CheckedRow(values, custom, cleaned))
    return checked


class RowsAhead(Protocol):
    """Gives each block of the file, in order, with its rows checked ahead or None."""

    def blocks(self, blocks: Iterator[Block]) -> Iterator[tuple[Block, list[CheckedRow] | None]]: ...

    def close(self) -> None: ...


class RowsInline:
    """Nothing checked ahead: every block checks its own rows."""

    def blocks(self, blocks: Iterator[Block]) -> Iterator[tuple[Block, list[CheckedRow] | None]]:
        return ((block, None) for block in blocks)

    def close(self) -> None:
        """Nothing to stop."""


class RowsInWorker:
    """Blocks checked in a worker process, up to ``depth`` ahead of the one being written."""

    DEPTH = 2

    def __init__(self, reading: RowReading, *, depth: int = DEPTH) -> None:
        self.reading, self.depth = reading, depth
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                         initializer=exit_with_parent)

    def blocks(self, blocks: Iterator[Block]) -> Iterator[tuple[Block, list[CheckedRow] | None]]:
        pending: deque[tuple[Block, Future[list[CheckedRow]]]] = deque()
        for block in blocks:
            cells = [row.cells for row in block if row is not None]
            pending.append((block, self._pool.submit(check_lead_rows, self.reading, cells)))
            if len(pending) > self.depth:
                yield self._done(pending.popleft())
        while pending:
            yield self._done(pending.popleft())

    @staticmethod
    def _done(item: tuple[Block, Future[list[CheckedRow]]]) -> tuple[Block, list[CheckedRow]]:
        block, future = item
        return block, future.result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def exit_with_parent() -> None:
    """In the worker: end it as soon as the import's process is gone (killed with SIGKILL, nothing
    of it runs to shut the pool down, and the worker would wait on its queue for ever)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_when_ready, args=(parent.sentinel,), daemon=True).start()


def _exit_when_ready(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


#: rows left to import from which a lead import checks rows in a worker (below, starting the
#: worker costs more than it saves: bench/RESULTS.md, issue 17 item 1)
WORKER_FROM_ROWS = 5_000


def rows_ahead(kind: str, rows_left: int, reading: RowReading, *, cpus: int | None = None) -> RowsAhead:
    """``RowsInWorker`` for a lead import of at least ``WORKER_FROM_ROWS`` rows on a machine of
    two processors or more; else ``RowsInline``."""
    cpus = os.cpu_count() if cpus is None else cpus
    if kind == "lead" and rows_left >= WORKER_FROM_ROWS and (cpus or 1) >= 2:
        return RowsInWorker(reading)
    return RowsInline()
