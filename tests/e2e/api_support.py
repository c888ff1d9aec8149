"""Helpers for API tests: an app on the test's database, and users with tokens."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from litestar.testing import TestClient

from leadline.api.app import create_app
from leadline.bootstrap import Application
from leadline.config import Settings
from leadline.services.context import ServiceContext
from leadline.services.security import auth, users


def make_app(ctx: ServiceContext, engine: Any, **settings: Any) -> Any:
    application = Application(Settings(rate_limit_per_minute=0, **settings), ctx, engine)
    return create_app(application)


#: Built applications not in use, by what their building read (see ``lent_app``).
_IDLE_APPS: dict[tuple[Any, ...], list[Any]] = {}


@contextmanager
def lent_app(application: Application, build: Callable[[Application], Any] = create_app) -> Iterator[Any]:
    """``build(application)``, or an application ``build`` made for an earlier test and given back,
    now on ``application``'s context and settings: building one registers ~500 handlers (half a
    second of CPU), which every API and web test paid. A built application reads its context and
    settings from ``app.state`` on each request; what it read while being built (the currency of
    its money hook, the CSRF secret, the body limits, the threads) is the key it is kept under. A
    rate-limited one is always built anew (its middleware holds its counters)."""
    settings = application.settings
    if settings.rate_limit_per_minute:
        yield build(application)
        return
    key = (build, application.context.currency, settings.secret_key, settings.cookies_secure,
           settings.max_body_bytes, settings.import_max_bytes, settings.threads)
    idle = _IDLE_APPS.setdefault(key, [])
    app = idle.pop() if idle else build(application)
    app.state.context, app.state.application = application.context, application
    try:
        yield app
    finally:
        idle.append(app)


def token_for(ctx: ServiceContext, admin_id: int, user_id: int) -> str:
    token, _ = auth.create_token(ctx, admin_id, name="test", user=user_id)
    return token


@dataclass
class Caller:
    client: TestClient[Any]
    token: str

    def __call__(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.client.request(method, f"/api/v1{path}", headers=headers, **kwargs)


def add_rep(ctx: ServiceContext, admin_id: int, email: str, manager: int | None = None) -> int:
    return users.add_user(ctx, admin_id, name=email.split("@")[0], email=email, manager=manager).id


def loopback_socket() -> socket.socket:
    """A socket bound to a free port of loopback, for a server in a thread to listen on: kept
    bound from the moment the port is chosen, so that no other process (another test worker, a
    client's outgoing connection) can take the port between its choice and the server's start."""
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    return listening
