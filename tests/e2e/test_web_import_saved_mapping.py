"""The import page with a saved mapping (in process, SQLite and PostgreSQL): "Save this mapping
as" refused records no job (the job and the mapping are saved together or neither), and an
import started from a saved mapping reads all of its value mappings, not only those of the
values the page's sample showed, without taking the standard readings as the team's own."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.imports import jobs, listing, mappings
from leadline.web import imports as import_pages
from tests.e2e.test_web_import_upload import CSRF
from tests.e2e.web_support import signed_in_client

FAIR = b"Badge,Firm,Came from\nAmes,A Co,Web\nBose,B Co,Fair\n"
COLUMNS = {"Badge": "last_name", "Firm": "company", "Came from": "source"}


@pytest.fixture
def client(ctx: ServiceContext, engine: Engine, admin_id: int, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient[Any]]:
    monkeypatch.setattr(import_pages, "UPLOADS", tmp_path / "uploads")
    monkeypatch.setattr(import_pages, "_run", lambda ctx, job_id, source: None)  # the job is read, not run
    with signed_in_client(ctx, engine, admin_id) as client:
        yield client


def _mapping_page(client: TestClient[Any], mapping: str = "") -> tuple[str, str]:
    csrf = CSRF.search(client.get("/imports").text)
    assert csrf is not None
    page = client.post("/imports/upload", data={"_csrf_token": csrf.group(1), "kind": "lead", "mapping": mapping},
                       files={"file": ("fair.csv", FAIR, "text/csv")})
    assert page.status_code == 200, page.text
    return csrf.group(1), page.text


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found is not None, name
    return found.group(1)


def _start(client: TestClient[Any], csrf: str, page: str, **more: str) -> Any:
    data = {"_csrf_token": csrf, "token": _hidden(page, "token"), "kind": "lead", "file_name": "fair.csv",
            "mapping": _hidden(page, "mapping"), "column_0": "last_name", "column_1": "company",
            "column_2": "source", **more}
    return client.post("/imports/start", data=data)


def test_save_this_mapping_as_refused_records_no_job(
    client: TestClient[Any], ctx: ServiceContext, admin_id: int
) -> None:
    csrf, page = _mapping_page(client)
    refused = _start(client, csrf, page, save_as="hubspot")
    assert refused.status_code == 422
    assert "hubspot&#39; is a built-in mapping" in refused.text
    assert listing.list_imports(ctx, admin_id) == []


def test_an_import_from_a_saved_mapping_reads_its_value_mappings_beyond_the_page_s_sample(
    client: TestClient[Any], ctx: ServiceContext, admin_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    mappings.save_import_mapping(ctx, admin_id, "fair", COLUMNS, values={"source": {"Fair": "Trade show"}})
    monkeypatch.setattr(mappings, "VALUES_READ", 1)  # the page's sample: the first row only ("Web")
    csrf, page = _mapping_page(client, "fair")
    assert _hidden(page, "mapping") == "fair" and _hidden(page, "value_from_0") == "Web"
    assert 'name="value_from_1"' not in page  # "Fair" is beyond the sample
    started = _start(client, csrf, page, value_field_0="source", value_from_0="Web", value_to_0="Website form",
                     save_as="fair copy")
    assert started.status_code == 200, started.text
    job = jobs.get_import(ctx, admin_id, int(started.url.path.rsplit("/", 1)[1]))
    assert job.options.team_values == {"source": {"Fair": "Trade show"}}  # Web -> Website form: standard
    assert job.options.value_map["source"]["fair"] == "Trade show"
    assert mappings.get_import_mapping(ctx, admin_id, "fair copy").values == {"source": {"Fair": "Trade show"}}
