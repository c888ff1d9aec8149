"""The web import job page (in process, no browser) links the error list and the matched rows,
and both download as CSV, the matches as the very file the API gives, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy.engine import Engine

from leadline.domain.imports.job import ImportJob
from leadline.domain.leads.lead import Lead
from leadline.services.context import ServiceContext
from leadline.services.imports import leads as imports
from leadline.services.imports.files import inspect_file
from leadline.services.leads.records import create_lead
from tests.e2e.api_support import token_for
from tests.e2e.web_support import signed_in_client


def imported_beside_a_stored_lead(ctx: ServiceContext, admin_id: int, path: Path, rows: str) -> tuple[Lead, ImportJob]:
    """A stored lead (``s@acme.example``), then an import of ``rows`` (after the header LastName,
    Company, Email) written to ``path``."""
    stored = create_lead(ctx, admin_id, {"last_name": "Stored", "company": "Acme", "email": "s@acme.example"}).lead
    path.write_text("LastName,Company,Email\n" + rows, encoding="utf-8")
    return stored, imports.import_leads(ctx, admin_id, inspect_file(path))


def test_the_job_page_links_every_error_and_the_matched_rows_and_both_download(
        ctx: ServiceContext, engine: Engine, admin_id: int, tmp_path: Path) -> None:
    stored, job = imported_beside_a_stored_lead(ctx, admin_id, tmp_path / "leads.csv",
                                                "Again,Acme,s@acme.example\n,Acme,bad\n")
    assert (job.counts.skipped, job.counts.failed) == (1, 1)
    with signed_in_client(ctx, engine, admin_id) as web:
        page = web.get(f"/imports/{job.id}").text
        assert f'href="/imports/{job.id}/errors?each=1"' in page and f'href="/imports/{job.id}/matches"' in page
        each = list(csv.reader(io.StringIO(web.get(f"/imports/{job.id}/errors?each=1").text)))
        assert [line[:3] for line in each] == [["row", "field", "value"], ["3", "email", "bad"],
                                               ["3", "last_name", ""]]
        matched = list(csv.reader(io.StringIO(web.get(f"/imports/{job.id}/matches").text)))
        assert matched[1][:4] == ["2", "skipped", str(stored.id), "stored"]


def test_the_page_and_the_api_download_the_same_matches_file(
        ctx: ServiceContext, engine: Engine, admin_id: int, tmp_path: Path) -> None:
    stored, job = imported_beside_a_stored_lead(ctx, admin_id, tmp_path / "leads.csv",
                                                "Again,Acme,s@acme.example\nÉlan,Acme,S@ACME.example\n")
    bearer = {"Authorization": f"Bearer {token_for(ctx, admin_id, admin_id)}"}
    with signed_in_client(ctx, engine, admin_id) as web:
        page = web.get(f"/imports/{job.id}/matches")
        api = web.get(f"/api/v1/imports/{job.id}/matches", headers=bearer)
        missing = web.get("/imports/1/matches"), web.get("/api/v1/imports/1/matches", headers=bearer)

    assert (page.status_code, api.status_code) == (200, 200)
    assert page.content == api.content
    assert [line[:3] for line in csv.reader(io.StringIO(page.text))] == [
        ["row", "outcome", "record_id"], ["2", "skipped", str(stored.id)], ["3", "skipped", str(stored.id)]]
    for name in ("content-type", "content-disposition"):
        assert page.headers[name] == api.headers[name], name
    assert page.headers["content-type"] == "text/csv; charset=utf-8"
    assert page.headers["content-disposition"] == f'attachment; filename="import-{job.id}-matches.csv"'
    assert [answer.status_code for answer in missing] == [404, 404]
