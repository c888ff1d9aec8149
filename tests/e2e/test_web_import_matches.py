"""The web import job page (in process, no browser) links the error list and the matched rows,
and both download as CSV, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.imports import leads as imports
from leadline.services.imports.files import inspect_file
from leadline.services.leads.records import create_lead
from tests.e2e.web_support import signed_in_client


def test_the_job_page_links_every_error_and_the_matched_rows_and_both_download(
        ctx: ServiceContext, engine: Engine, admin_id: int, tmp_path: Path) -> None:
    stored = create_lead(ctx, admin_id, {"last_name": "Stored", "company": "Acme", "email": "s@acme.example"}).lead
    path = tmp_path / "leads.csv"
    path.write_text("LastName,Company,Email\nAgain,Acme,s@acme.example\n,Acme,bad\n", encoding="utf-8")
    job = imports.import_leads(ctx, admin_id, inspect_file(path))
    assert (job.counts.skipped, job.counts.failed) == (1, 1)
    with signed_in_client(ctx, engine, admin_id) as web:
        page = web.get(f"/imports/{job.id}").text
        assert f'href="/imports/{job.id}/errors?each=1"' in page and f'href="/imports/{job.id}/matches"' in page
        each = list(csv.reader(io.StringIO(web.get(f"/imports/{job.id}/errors?each=1").text)))
        assert [line[:3] for line in each] == [["row", "field", "value"], ["3", "email", "bad"],
                                               ["3", "last_name", ""]]
        matched = list(csv.reader(io.StringIO(web.get(f"/imports/{job.id}/matches").text)))
        assert matched[1][:4] == ["2", "skipped", str(stored.id), "stored"]
