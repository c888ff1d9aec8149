"""The production ASGI app plus one bare endpoint returning a constant JSON document: the
ceiling of the same stack (Litestar, uvicorn, middleware), measured beside real endpoints."""

from __future__ import annotations

from typing import Any

from litestar import Litestar, get

from leadline.asgi import create_app_from_environment

CONSTANT = {"id": "1", "first_name": "Ada", "last_name": "Lovelace", "company": "Analytical Engines",
            "email": "ada@engines.example", "status": "Open", "source": "Trade show", "currency": "USD",
            "budget_amount": "25000.0000", "version": 1}


@get("/api/v1/bench/ceiling", sync_to_thread=False, include_in_schema=False)
def ceiling() -> dict[str, Any]:
    return CONSTANT


def create() -> Litestar:
    app = create_app_from_environment()
    app.register(ceiling)
    return app
