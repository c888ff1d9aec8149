"""The served application: the API under /api/v1, the web pages at / and the Salesforce-compatible
API under /services in one ASGI app.

The composition of the two transports, which never import each other (the import-linter
contracts): ``leadline serve`` runs ``create_app_from_environment`` in each worker.
"""

from __future__ import annotations

import gc

from litestar import Litestar

from leadline.api.app import create_app as create_api
from leadline.bootstrap import Application, build_application
from leadline.salesforce.app import salesforce_api
from leadline.web.app import web_pages


def create_app(application: Application | None = None) -> Litestar:
    """The API with the web pages and the Salesforce-compatible API mounted beside it."""
    application = application or build_application()
    return create_api(application, on_app_init=[web_pages(application), salesforce_api])


def create_app_from_environment() -> Litestar:
    """Factory for ASGI servers (``uvicorn --factory leadline.asgi:create_app_from_environment``)."""
    application = build_application()
    application.ensure_ready()
    app = create_app(application)
    freeze_start_up_objects()
    return app


def freeze_start_up_objects() -> None:
    """Keep the objects made at start-up, which live as long as the process, out of the garbage
    collector's full passes: over a few hundred thousand of them each pass otherwise shows as a
    stall of tens of milliseconds in the latency tail (bench/RESULTS.md, issue 16)."""
    gc.collect()
    gc.freeze()
