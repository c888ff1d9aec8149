"""HTTP hygiene, through the real app and a real `leadline serve`: HEAD answers as GET without the
body, OPTIONS lists every method of a path, every answer says nosniff and may not be framed,
authenticated JSON is never stored by a cache, the docs page has a Content-Security-Policy that
lets exactly its own inline script run, and the server bounds headers (size, count) and the time
a client may take to send them and the body."""

from __future__ import annotations

import base64
import hashlib
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from tests.e2e.conftest import LEADLINE, Cli
from tests.e2e.test_server import free_port

API = "/api/v1"


def concrete(template: str, lead_id: int) -> str:
    """A path of the route ``template`` with every parameter filled in."""
    return re.sub(r"\{[^}]+\}", lambda m: str(lead_id) if ":int" in m.group(0) else "x", template)


def test_head_answers_as_get_without_a_body_on_every_get_route(
        client: TestClient[Any], admin: Any, ctx: ServiceContext, admin_id: int) -> None:
    lead = leads.create_lead(ctx, admin_id, {"last_name": "Lovelace", "company": "Engines"}).lead.id
    templates = [path for path, handlers in client.app.route_handler_method_map.items() if "GET" in handlers]
    assert len(templates) > 40
    for template in templates:
        path = concrete(template, lead).removeprefix(API)
        got, head = admin("GET", path), admin("HEAD", path)
        assert head.status_code == got.status_code, (path, head.status_code, got.status_code)
        assert head.content == b"", path
        assert head.headers.get("content-type") == got.headers.get("content-type"), path
        if got.headers.get("etag"):
            assert head.headers["etag"] == got.headers["etag"]
        if "content-length" not in got.headers:  # a streamed answer (an export): its HEAD tells no size either
            assert "content-length" not in head.headers, path
        elif got.status_code == 200 and "docs" not in path:  # the docs page is the same size
            assert head.headers["content-length"] == str(len(got.content)), path
    health = client.head(f"{API}/health")
    assert health.status_code == 200 and health.content == b"" and health.headers["content-length"] != "0"


def test_options_lists_every_method_of_the_path(client: TestClient[Any]) -> None:
    for template, handlers in client.app.route_handler_method_map.items():
        methods = set(handlers) | ({"HEAD"} if "GET" in handlers else set())
        answer = client.options(concrete(template, 1))
        assert answer.status_code == 204, template
        assert set(answer.headers["allow"].split(", ")) == methods, template
    assert client.options(f"{API}/leads").headers["allow"] == "GET, HEAD, OPTIONS, POST"
    refused = client.delete(f"{API}/leads")  # a 405 lists them too
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, HEAD, OPTIONS, POST"


def test_every_answer_says_nosniff_and_its_referrer_policy_and_json_answers_are_not_stored(
        client: TestClient[Any], admin: Any) -> None:
    answers = [admin("GET", "/leads"), admin("POST", "/leads", json={"last_name": "X", "company": "Y"}),
               admin("GET", "/leads/1"), admin("POST", "/leads", json={"nope": 1}), admin("DELETE", "/health"),
               client.get(f"{API}/leads"), client.get(f"{API}/health"), client.get(f"{API}/docs"),
               client.get(f"{API}/docs-assets/swagger-ui.css"), client.get(f"{API}/nowhere"),
               client.post(f"{API}/auth/token", json={"email": "ada@example.com", "password": "wrong"})]
    assert sorted({a.status_code for a in answers}) == [200, 201, 401, 404, 405, 422]
    for answer in answers:
        assert answer.headers["x-content-type-options"] == "nosniff", answer.request.url
        assert answer.headers["x-frame-options"] == "DENY", answer.request.url
        assert answer.headers["referrer-policy"] == "same-origin", answer.request.url
        if "json" in answer.headers.get("content-type", ""):
            assert answer.headers["cache-control"] == "no-store", answer.request.url
            assert answer.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"


def test_the_docs_page_runs_only_its_own_scripts_and_is_never_framed(client: TestClient[Any]) -> None:
    page = client.get(f"{API}/docs")
    policy = dict(part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'" and policy["default-src"] == "'none'"
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", page.text, re.DOTALL)
    assert len(inline) == 1  # the one that starts Swagger UI with the OpenAPI document
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert policy["script-src"] == f"'self' 'sha256-{digest}'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]


@pytest.fixture
def bounded_server(ready_cli: Cli, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """`leadline serve` with one-second header and body timeouts; yields (host, port)."""
    port = free_port()
    env = {**ready_cli.env, "LEADLINE_RATE_LIMIT_PER_MINUTE": "0", "LEADLINE_HEADER_TIMEOUT": "1",
           "LEADLINE_BODY_TIMEOUT": "1"}
    process = subprocess.Popen([str(LEADLINE), "serve", "--port", str(port), "--workers", "1"], env=env,
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(150):
            try:
                httpx.get(f"http://127.0.0.1:{port}{API}/health", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            process.kill()  # first: reading the output of a server still running would wait for ever
            pytest.fail(f"the server did not answer: {process.communicate(timeout=15)[0][-2000:]!r}")
        yield "127.0.0.1", port
    finally:
        process.terminate()
        process.wait(timeout=15)


def exchange(address: tuple[str, int], *parts: bytes) -> bytes:
    """Send ``parts`` on one connection, then read until the server closes it (at most 20 s)."""
    with socket.create_connection(address, timeout=20) as connection:
        for part in parts:
            connection.sendall(part)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


def test_the_server_bounds_headers_and_the_time_to_send_a_request(bounded_server: tuple[str, int]) -> None:
    host, port = bounded_server
    head = f"HEAD {API}/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    assert exchange(bounded_server, head).startswith(b"HTTP/1.1 200 OK")  # HEAD on the real server
    assert b"server: uvicorn" not in exchange(bounded_server, head).lower()
    start = f"GET {API}/health HTTP/1.1\r\nHost: {host}\r\n".encode()
    huge = start + b"X-Big: " + b"a" * 1_000_000 + b"\r\n\r\n"
    many = start + b"".join(b"X-H%d: 1\r\n" % i for i in range(5000)) + b"\r\n"
    assert exchange(bounded_server, huge).startswith(b"HTTP/1.1 431 ")
    assert exchange(bounded_server, many).startswith(b"HTTP/1.1 431 ")
    assert exchange(bounded_server, start).startswith(b"HTTP/1.1 408 ")  # headers never finished
    assert exchange(bounded_server, b"").startswith(b"HTTP/1.1 408 ")  # nothing sent at all
    slow_body = (f"POST {API}/auth/token HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: 100\r\n\r\n").encode() + b'{"email": '
    assert exchange(bounded_server, slow_body).startswith(b"HTTP/1.1 408 ")  # the body never finished
    ok = httpx.get(f"http://{host}:{port}{API}/health", headers={f"X-H{i}": "1" for i in range(20)})
    assert ok.status_code == 200  # ordinary requests pass
