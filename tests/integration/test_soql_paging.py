"""SOQL pages of 2,000 over more than 5,000 leads imported through the importer: every row once,
in the query's order (nulls included), under LIMIT and OFFSET, only the rows the actor may read."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from leadline.domain.imports.job import ImportOptions
from leadline.domain.salesforce.soql.errors import SoqlError
from leadline.services.context import ServiceContext
from leadline.services.imports.files import inspect_file
from leadline.services.imports.leads import import_leads
from leadline.services.salesforce.query import INVALID_QUERY_LOCATOR, QueryResult, run_query
from leadline.services.security.users import add_user

ROWS = 5_001


def imported(ctx: ServiceContext, actor: int, path: Path, count: int, prefix: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["LastName", "Company", "Email", "Title"])
        for n in range(count):
            title = "" if n % 7 == 0 else f"t{n % 50:02d}"
            writer.writerow([f"{prefix} {n}", f"{prefix} Company {n}", f"{prefix}{n}@paging.example", title])
    job = import_leads(ctx, actor, inspect_file(path), options=ImportOptions())
    assert job.counts.imported == count


@pytest.fixture
def reps(ctx: ServiceContext, admin_id: int, tmp_path: Path) -> tuple[int, int]:
    rep_a = add_user(ctx, admin_id, name="Rep A", email="a@example.com").id
    rep_b = add_user(ctx, admin_id, name="Rep B", email="b@example.com").id
    imported(ctx, rep_a, tmp_path / "a.csv", ROWS, "a")
    imported(ctx, rep_b, tmp_path / "b.csv", 30, "b")
    return rep_a, rep_b


def every_page(ctx: ServiceContext, actor: int, soql: str) -> list[QueryResult]:
    pages = [run_query(ctx, actor, soql)]
    while not pages[-1].done:
        assert pages[-1].next_token is not None
        pages.append(run_query(ctx, actor, page_token=pages[-1].next_token))
    return pages


def test_pages_of_2000_give_every_readable_row_once_in_order_with_its_nulls(ctx, reps):
    rep_a, _ = reps
    pages = every_page(ctx, rep_a, "SELECT Id, LastName FROM Lead")
    assert [len(p.records) for p in pages] == [2000, 2000, 1001]
    assert {p.total_size for p in pages} == {ROWS}
    names = [r["LastName"] for p in pages for r in p.records]
    assert len(set(names)) == ROWS and all(name.startswith("a ") for name in names)

    pages = every_page(ctx, rep_a, "SELECT Title, LastName FROM Lead ORDER BY Title DESC NULLS FIRST, LastName")
    titles = [r["Title"] for p in pages for r in p.records]
    nulls = sum(1 for n in range(ROWS) if n % 7 == 0)
    assert titles[:nulls] == [None] * nulls
    assert titles[nulls:] == sorted(titles[nulls:], reverse=True)
    assert len({r["LastName"] for p in pages for r in p.records}) == ROWS


def test_limit_and_offset_bound_the_pages(ctx, reps):
    rep_a, _ = reps
    pages = every_page(ctx, rep_a, "SELECT Id FROM Lead ORDER BY LastName LIMIT 4500")
    assert [len(p.records) for p in pages] == [2000, 2000, 500] and pages[0].total_size == 4500
    pages = every_page(ctx, rep_a, "SELECT LastName FROM Lead ORDER BY Email DESC LIMIT 2100 OFFSET 10")
    assert [len(p.records) for p in pages] == [2000, 100] and pages[0].total_size == 2100
    everything = every_page(ctx, rep_a, "SELECT LastName FROM Lead ORDER BY Email DESC")
    assert ([r["LastName"] for p in pages for r in p.records]
            == [r["LastName"] for p in everything for r in p.records][10:2110])


def test_a_page_token_that_was_tampered_with_is_refused(ctx, admin_id):
    with pytest.raises(SoqlError) as caught:
        run_query(ctx, admin_id, page_token="not-a-token")
    assert caught.value.error_code == INVALID_QUERY_LOCATOR
