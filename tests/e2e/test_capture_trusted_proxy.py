"""Behind a trusted reverse proxy the web-to-lead form's per-address limit counts, and its
quarantine records, the client named by X-Forwarded-For; from any other peer the header is
ignored (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.engine import Engine

from leadline.services.capture import forms, quarantine
from leadline.services.context import ServiceContext
from tests.e2e.api_support import make_app

PROXY, STRANGER = "10.0.0.2", "198.51.100.7"


class Peer:
    """The TCP peer every request seems to come from (what a socket would tell the server)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app, self.address = app, PROXY

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope["client"] = (self.address, 50000)  # type: ignore[typeddict-item]
        await self.app(scope, receive, send)


@pytest.fixture
def served(ctx: ServiceContext, engine: Engine) -> Iterator[tuple[TestClient[Any], Peer]]:
    peer = Peer(make_app(ctx, engine, trusted_proxies="127.0.0.1, 10.0.0.0/8"))
    with TestClient(peer) as client:  # type: ignore[arg-type]
        yield client, peer


def _form(ctx: ServiceContext, admin_id: int) -> str:
    form = forms.add_form(ctx, admin_id, {"name": "Contact", "fields": ["last_name", "company", "email"],
                                          "spam": {"per_address_limit": 1, "timing_token": False}})
    return form.key


def _post(client: TestClient[Any], key: str, n: int, forwarded: str | None) -> None:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    answer = client.post(f"/f/{key}", json={"last_name": f"Lee{n}", "company": "Acme", "email": f"l{n}@acme.example"},
                         headers=headers)
    assert answer.status_code == 200, answer.text


def test_a_trusted_proxys_forwarded_clients_are_counted_each_on_its_own(
        served: tuple[TestClient[Any], Peer], ctx: ServiceContext, admin_id: int) -> None:
    client, _ = served
    key = _form(ctx, admin_id)
    _post(client, key, 1, "203.0.113.1")
    _post(client, key, 2, "203.0.113.2")
    assert quarantine.list_quarantine(ctx, admin_id) == []
    _post(client, key, 3, "1.2.3.4, 203.0.113.2")  # a forged left part changes nothing
    [held] = quarantine.list_quarantine(ctx, admin_id)
    assert held.reasons == ["address_rate"] and held.client_address == "203.0.113.2"


def test_another_peer_cannot_name_its_client_in_the_header(
        served: tuple[TestClient[Any], Peer], ctx: ServiceContext, admin_id: int) -> None:
    client, peer = served
    peer.address = STRANGER
    key = _form(ctx, admin_id)
    _post(client, key, 1, "203.0.113.1")
    _post(client, key, 2, "203.0.113.2")
    [held] = quarantine.list_quarantine(ctx, admin_id)
    assert held.reasons == ["address_rate"] and held.client_address == STRANGER
