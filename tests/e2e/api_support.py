"""Helpers for API tests: an app on the test's database, and users with tokens."""

from __future__ import annotations

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
