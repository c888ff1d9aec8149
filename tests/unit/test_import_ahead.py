"""Lead rows checked ahead (services/imports/ahead.py): the same answers as checking them in the
block, refusals included, blocks given back in file order, and the worker chosen only where it pays."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from typing import Any

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.imports.mapping import ColumnPlan
from leadline.domain.leads.lead import clean_lead_fields
from leadline.services.contact_points import LibraryContactPointChecker
from leadline.services.imports.ahead import (
    WORKER_FROM_ROWS,
    RowReading,
    RowsInline,
    RowsInWorker,
    check_lead_rows,
    rows_ahead,
)
from leadline.services.imports.blocks import FileRow
from tests.unit.builders import raises_error

HEADERS = ("LastName", "Company", "Email", "Phone", "Country")
PLAN = ColumnPlan.of(HEADERS, {"LastName": "last_name", "Company": "company", "Email": "email", "Phone": "phone",
                               "Country": "country"})
READING = RowReading(PLAN, None, frozenset(), frozenset({"purchase_timeframe"}), LibraryContactPointChecker("US"),
                     "US")
ROWS = [["Lovelace", "Analytical", "Ada@Engine.example", "+1 415 555 0100", ""],
        ["Bad", "Acme", "not-an-email", "", ""],
        ["Hopper", "Cobol", "", "020 7946 0018", "GB"],
        ["Short", "Acme", "", "12", ""]]


def test_a_row_checked_ahead_holds_what_the_block_would_have_cleaned() -> None:
    checked = check_lead_rows(READING, ROWS[:1] + ROWS[2:3])
    for row, cells in zip(checked, ROWS[:1] + ROWS[2:3], strict=True):
        values, custom = PLAN.row_values(cells)
        assert (row.values, row.custom) == (values, custom)
        assert row.cleaned_or_raise() == clean_lead_fields(values, READING.checker, country_hint="US")
    assert checked[1].cleaned_or_raise()["phone"] == "+442079460018"


def test_a_row_refused_ahead_raises_the_same_error_when_the_block_builds_it() -> None:
    # given the rows a worker checked, sent back through a pipe
    checked = pickle.loads(pickle.dumps(check_lead_rows(READING, ROWS)))

    # then each refused row raises what clean_lead_fields raised, class, code, field and message
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="email") as refused:
        checked[1].cleaned_or_raise()
    assert refused.value.message.startswith("'not-an-email' is not a valid e-mail address")
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="phone") as refused:
        checked[3].cleaned_or_raise()
    assert refused.value.message == "'12' is not a valid phone number for US"


def test_the_worker_gives_every_block_back_in_file_order_with_its_own_rows() -> None:
    blocks = [[FileRow(2 + 3 * b + i, list(ROWS[(b + i) % len(ROWS)])) if i != 1 else None for i in range(3)]
              for b in range(7)]
    worker = RowsInWorker(READING, depth=2)
    try:
        given = list(worker.blocks(iter(blocks)))
    finally:
        worker.close()
    assert [block for block, _ in given] == blocks
    for block, checked in given:
        rows = [row for row in block if row is not None]
        assert checked is not None and len(checked) == len(rows)
        assert [c.values for c in checked] == [PLAN.row_values(row.cells)[0] for row in rows]


def _blocks(count: int) -> Iterator[list[Any]]:
    return iter([[FileRow(n, ["x"])] for n in range(count)])


def test_small_imports_other_kinds_and_one_processor_check_their_rows_in_the_block() -> None:
    assert isinstance(rows_ahead("lead", WORKER_FROM_ROWS - 1, READING, cpus=2), RowsInline)
    assert isinstance(rows_ahead("contact", 10 * WORKER_FROM_ROWS, READING, cpus=2), RowsInline)
    assert isinstance(rows_ahead("lead", 10 * WORKER_FROM_ROWS, READING, cpus=1), RowsInline)
    assert [checked for _, checked in RowsInline().blocks(_blocks(3))] == [None, None, None]


@pytest.mark.parametrize("cpus", [2, 8])
def test_a_large_lead_import_on_several_processors_checks_rows_in_a_worker(cpus: int) -> None:
    chosen = rows_ahead("lead", WORKER_FROM_ROWS, READING, cpus=cpus)
    try:
        assert isinstance(chosen, RowsInWorker)
    finally:
        chosen.close()
