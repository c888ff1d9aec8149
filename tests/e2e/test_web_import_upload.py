"""The import page's upload (in process, SQLite): it takes files as large as the API's import
(``LEADLINE_IMPORT_MAX_BYTES``), not the small body limit of the other pages, and keeps the CSRF
check; the file is never held whole, because Litestar's multipart parser (which the CSRF check
runs before the handler) writes a file part to disk beyond 1 MiB, which the first test guards
(docs/adr/0070-web-import-upload-spooled-to-disk.md). No body is read before the session is
known, and an upload is pruned by age only while it is not started."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import msgspec
import pytest
from litestar import Litestar, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.web import imports as import_pages
from tests.e2e.web_support import signed_in_client

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


class _Form(msgspec.Struct):
    file: UploadFile


@post("/spooled", request_max_body_size=None)
async def _spooled(data: Annotated[_Form, Body(media_type=RequestEncodingType.MULTI_PART)]) -> dict[str, Any]:
    content = await data.file.read()
    return {"on_disk": data.file.rolled_to_disk, "size": len(content)}


def test_litestar_writes_an_uploaded_file_part_beyond_a_mebibyte_to_disk() -> None:
    """What the page relies on: were this to change with a Litestar upgrade, the page would hold
    each upload whole in memory again."""
    with TestClient(Litestar([_spooled])) as client:
        answer = client.post("/spooled", files={"file": ("big.csv", b"x" * (3 << 20), "text/csv")})
    assert answer.json() == {"on_disk": True, "size": 3 << 20}


@pytest.fixture
def client(ctx: ServiceContext, engine: Engine, admin_id: int) -> Iterator[TestClient[Any]]:
    with signed_in_client(ctx, engine, admin_id, max_body_bytes=16_384, import_max_bytes=262_144) as client:
        yield client


def _csv(size: int) -> bytes:
    row = b"Archer,Acme,ann@acme.example\n"
    return b"LastName,Company,Email\n" + row * (size // len(row))


@SQLITE_ONLY
def test_the_upload_takes_a_file_up_to_the_import_limit_beyond_the_pages_body_limit(
        client: TestClient[Any]) -> None:
    token = CSRF.search(client.get("/imports").text)
    assert token is not None
    form = {"_csrf_token": token.group(1), "kind": "lead"}

    taken = client.post("/imports/upload", data=form, files={"file": ("fair.csv", _csv(200_000), "text/csv")})
    assert taken.status_code == 200 and "Import leads from fair.csv" in taken.text
    too_large = client.post("/imports/upload", data=form, files={"file": ("fair.csv", _csv(300_000), "text/csv")})
    assert too_large.status_code == 413
    # the other pages keep the small limit of every request body
    assert client.post("/imports/start", data={**form, "notes": "x" * 20_000}).status_code == 413


@SQLITE_ONLY
def test_the_upload_without_the_csrf_token_is_refused(client: TestClient[Any]) -> None:
    refused = client.post("/imports/upload", data={"kind": "lead"},
                          files={"file": ("fair.csv", _csv(1_000), "text/csv")})
    assert refused.status_code == 403


@SQLITE_ONLY
def test_an_upload_left_on_its_mapping_page_for_a_day_is_deleted_by_the_next_upload(
        client: TestClient[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    monkeypatch.setattr(import_pages, "UPLOADS", uploads)
    left, recent = uploads / "1-left", uploads / "1-recent"
    left.write_bytes(b"old")
    recent.write_bytes(b"new")
    a_day_ago = time.time() - import_pages.ABANDONED_AFTER_SECONDS - 60
    os.utime(left, (a_day_ago, a_day_ago))
    token = CSRF.search(client.get("/imports").text)
    assert token is not None
    taken = client.post("/imports/upload", data={"_csrf_token": token.group(1), "kind": "lead"},
                        files={"file": ("fair.csv", _csv(1_000), "text/csv")})
    assert taken.status_code == 200
    assert not left.exists() and recent.exists() and len(list(uploads.iterdir())) == 2  # and the new one


def _post_upload(client: TestClient[Any], cookies: str, body: bytes) -> tuple[int, dict[str, str], int]:
    """``POST /imports/upload`` straight to the application with ``cookies``: its status, its
    headers, and how many chunks of the body the application asked for."""
    boundary = "leadlineboundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode()
    chunks = [head, *(body[i:i + 16_384] for i in range(0, len(body), 16_384)), f"\r\n--{boundary}--\r\n".encode()]
    asked = 0
    answer: dict[str, Any] = {}

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        return {"type": "http.request", "body": chunks[asked - 1], "more_body": asked < len(chunks)}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer.update(status=message["status"],
                          headers={k.decode(): v.decode() for k, v in message["headers"]})

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/imports/upload", "raw_path": b"/imports/upload", "root_path": "",
             "query_string": b"", "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
             "headers": [(b"host", b"testserver"), (b"cookie", cookies.encode()),
                         (b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
                         (b"content-length", str(sum(map(len, chunks))).encode())]}
    client.blocking_portal.call(client.app, scope, receive, send)
    return answer["status"], answer["headers"], asked


@SQLITE_ONLY
def test_an_upload_from_no_one_signed_in_is_sent_to_sign_in_before_its_body_is_read(
        client: TestClient[Any]) -> None:
    """The CSRF check parses a multipart body whole to find its token, before the handler's
    dependencies: the session is checked ahead of it, or anyone could have a body of the import
    limit spooled to disk (ADR 0070). With a CSRF cookie got anonymously, without, signed out."""
    csrf = client.get("/sign-in").cookies.get("leadline_csrf") or client.cookies.get("leadline_csrf")
    assert csrf
    session = client.cookies["leadline_session"]
    for cookies in ("", f"leadline_csrf={csrf}", f"leadline_csrf={csrf}; leadline_session=1.ll_forged"):
        status, headers, asked = _post_upload(client, cookies, _csv(200_000))
        assert (status, headers["location"], asked) == (303, "/sign-in?next=/imports/upload", 0)
    # signed in, the same request is read and answered: the CSRF check is still there (no token)
    status, _, asked = _post_upload(client, f"leadline_csrf={csrf}; leadline_session={session}", _csv(200_000))
    assert status == 403 and asked > 1


def _uploaded(client: TestClient[Any], size: int = 1_000) -> tuple[str, str]:
    """An upload kept for its mapping page: the CSRF token and the upload's token."""
    csrf = CSRF.search(client.get("/imports").text)
    assert csrf is not None
    taken = client.post("/imports/upload", data={"_csrf_token": csrf.group(1), "kind": "lead"},
                        files={"file": ("fair.csv", _csv(size), "text/csv")})
    token = re.search(r'name="token" value="([0-9a-f]+)"', taken.text)
    assert token is not None
    return csrf.group(1), token.group(1)


@SQLITE_ONLY
def test_an_upload_started_late_is_not_deleted_by_the_next_upload_before_its_job_reads_it(
        client: TestClient[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only uploads never started are pruned by age: one started a day after it was uploaded is
    its job's, which deletes it when it ends."""
    uploads = tmp_path / "uploads"
    monkeypatch.setattr(import_pages, "UPLOADS", uploads)
    ran: list[Path] = []
    monkeypatch.setattr(import_pages, "_run", lambda ctx, job_id, source: ran.append(source.path))
    csrf, token = _uploaded(client)
    (kept,) = uploads.iterdir()
    a_day_ago = time.time() - import_pages.ABANDONED_AFTER_SECONDS - 60
    os.utime(kept, (a_day_ago, a_day_ago))
    started = client.post("/imports/start", data={"_csrf_token": csrf, "token": token, "kind": "lead",
                                                  "file_name": "fair.csv", "column_0": "last_name"})
    assert started.status_code == 200 and started.url.path.startswith("/imports/")  # the job's page
    _uploaded(client)  # prunes the uploads never started and older than a day
    assert len(ran) == 1 and ran[0].exists()


def _started(client: TestClient[Any], uploads: Path, size: int) -> Path:
    """An upload of ``size`` bytes started as an import: the file its job reads, named with the job."""
    csrf, token = _uploaded(client, size)
    started = client.post("/imports/start", data={"_csrf_token": csrf, "token": token, "kind": "lead",
                                                  "file_name": "fair.csv", "column_0": "last_name"})
    job_id = started.url.path.rsplit("/", 1)[1]
    assert started.status_code == 200 and job_id.isdigit()
    (kept,) = uploads.glob(f"*-{job_id}{import_pages.STARTED}")
    return kept


@SQLITE_ONLY
def test_a_started_upload_is_kept_while_its_job_runs_and_deleted_a_day_after_its_start_once_its_process_died(
        client: TestClient[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clock: Any) -> None:
    """A job whose process died (``interrupted``, ADR 0075) resumes from the same file uploaded
    again, never from its kept copy: so the copy goes a day after its start, as an abandoned
    upload does; while the job's heartbeat moves, however old the copy, it stays."""
    uploads = tmp_path / "uploads"
    monkeypatch.setattr(import_pages, "UPLOADS", uploads)
    monkeypatch.setattr(import_pages, "_run", lambda ctx, job_id, source: None)  # a process dead at once
    old, young = _started(client, uploads, 1_000), _started(client, uploads, 2_000)
    orphan = uploads / f"1-{'a' * 32}{import_pages.STARTED}"  # claimed; its process died before the job
    orphan.write_bytes(b"x")
    a_day_ago = time.time() - import_pages.ABANDONED_AFTER_SECONDS - 60
    for path in (old, orphan):
        os.utime(path, (a_day_ago, a_day_ago))
    _uploaded(client)
    assert old.exists() and young.exists() and not orphan.exists()  # both jobs' heartbeats are fresh
    clock.advance(minutes=6)
    _uploaded(client)
    assert not old.exists() and young.exists()  # both interrupted; only the one started a day ago goes


@SQLITE_ONLY
def test_a_start_of_an_upload_no_longer_kept_says_to_upload_it_again(
        client: TestClient[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    uploads = tmp_path / "uploads"
    monkeypatch.setattr(import_pages, "UPLOADS", uploads)
    csrf, token = _uploaded(client)
    for kept in uploads.iterdir():
        kept.unlink()  # as the pruning of an upload left a day would
    refused = client.post("/imports/start", data={"_csrf_token": csrf, "token": token, "kind": "lead",
                                                  "file_name": "fair.csv"})
    assert refused.status_code == 422
    assert "not kept any more (one not started within a day is deleted): upload the file again" in refused.text
def test_the_import_page_lists_recent_imports_and_says_how_to_resume_an_interrupted_one(
    ctx: ServiceContext, engine: Engine, admin_id: int, clock: Any, tmp_path: Path
) -> None:
    from tests.integration.test_import_list import killed_after_first_block, leads_file

    job = killed_after_first_block(ctx, admin_id, leads_file(tmp_path / "big.csv", 12))
    clock.advance(minutes=6)
    with signed_in_client(ctx, engine, admin_id) as client:
        page = client.get("/imports")
        progress = client.get(f"/imports/{job.id}/progress")
    assert page.status_code == 200
    row = re.search(rf'<tr data-import="{job.id}">(.*?)</tr>', page.text, re.S)
    assert row is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", row.group(1)).split())
    assert "Ada Admin" in text and "big.csv" in text and "interrupted" in text
    assert "import big.csv again as lead records (same user): it resumes after row 6" in text
    assert f'href="/imports/{job.id}"' in row.group(1)
    assert 'data-status="interrupted"' in progress.text and "hx-get" not in progress.text  # no polling of the dead
