"""The ASGI application: routes under /api/v1, the OpenAPI document at /api/v1/openapi.json,
interactive docs at /api/v1/docs (Swagger UI served from an installed package: no network)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import swagger_ui
from litestar import Litestar, Request, Router, get
from litestar.di import Provide
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.static_files import create_static_files_router
from litestar.types import OnAppInitHandler

from leadline import __version__
from leadline.api import http_hygiene
from leadline.api.assignment import (
    AssignmentGroupController,
    AssignmentLogController,
    AssignmentRuleController,
    LeadAssignmentController,
)
from leadline.api.campaigns import AttributionController, CampaignController
from leadline.api.capture.handlers import CaptureController, FormController, ReferralController
from leadline.api.capture.public import public_form_router
from leadline.api.configuration.admin import ConfigurationController, PeopleController, health
from leadline.api.configuration.lead_workflow import WorkflowConfigurationController
from leadline.api.conversion.handlers import LeadConversionController
from leadline.api.deps import provide_actor, provide_context
from leadline.api.duplicates import DuplicateController, ExportController
from leadline.api.forecast.handlers import ForecastConfigurationController, ForecastController, SalesReportController
from leadline.api.imports.handlers import ImportController
from leadline.api.imports.mappings import ImportMappingController
from leadline.api.input_guard import GuardedRequest, refuse_control_characters
from leadline.api.leads.records import LeadController
from leadline.api.leads.workflow import LeadWorkflowController
from leadline.api.money import money_hook
from leadline.api.openapi import StrictJsonRenderPlugin, StrictSwaggerRenderPlugin, tightened_document
from leadline.api.opportunities.parts import PartsController
from leadline.api.opportunities.sales import OpportunitySalesController
from leadline.api.problems import EXCEPTION_HANDLERS
from leadline.api.proxy_headers import TrustedProxyMiddleware
from leadline.api.query_guard import refuse_unknown_query, remember_query_names
from leadline.api.rate_limit import RateLimitMiddleware
from leadline.api.records import AccountController, ContactController, OpportunityController
from leadline.api.reports.handlers import ReportController
from leadline.api.sign_in import SignInLockController, sign_in
from leadline.bootstrap import Application, build_application

API = "/api/v1"
ASSETS = f"{API}/docs-assets"
SWAGGER_FILES = Path(swagger_ui.__file__).parent / "static"


def create_app(application: Application | None = None, *,
               on_app_init: Sequence[OnAppInitHandler] = ()) -> Litestar:
    """The API; ``on_app_init`` hooks may add to it (the web pages, ``leadline.asgi``)."""
    application = application or build_application()
    settings = application.settings
    api = Router(
        path=API,
        route_handlers=[LeadAssignmentController, LeadController, LeadWorkflowController, LeadConversionController,
                        AccountController,
                        ContactController, OpportunityController, ConfigurationController,
                        WorkflowConfigurationController, PeopleController, PartsController,
                        OpportunitySalesController, ForecastController, SalesReportController, ReportController,
                        ForecastConfigurationController, sign_in, SignInLockController, health,
                        ImportController, ImportMappingController, FormController, CaptureController,
                        ReferralController,
                        CampaignController, AttributionController, AssignmentRuleController,
                        AssignmentGroupController, AssignmentLogController,
                        DuplicateController, ExportController,
                        openapi_document],
        dependencies={"ctx": Provide(provide_context, sync_to_thread=False),
                      "actor": Provide(provide_actor, sync_to_thread=False)},
        before_request=refuse_unknown_query,
    )
    middleware = []
    if settings.trusted_proxies:  # first: every later reader of the client address sees the client
        middleware.append(DefineMiddleware(TrustedProxyMiddleware, networks=settings.trusted_proxy_networks))
    if settings.rate_limit_per_minute:
        middleware.append(DefineMiddleware(RateLimitMiddleware, limit=settings.rate_limit_per_minute,
                                           counters=application.rate_counters(), ctx=application.context,
                                           exclude=[f"^{API}/health$"]))
    app = Litestar(
        route_handlers=[api, public_form_router(), create_static_files_router(path=ASSETS, directories=[SWAGGER_FILES],
                                                        include_in_schema=False,
                                                        before_request=refuse_control_characters)],
        request_class=GuardedRequest,
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        openapi_config=_openapi(),
        request_max_body_size=settings.max_body_bytes,
        middleware=middleware,
        on_startup=[partial(_write_threads, settings.threads)],
        after_request=money_hook(application.context.currency),
        debug=False,
        on_app_init=list(on_app_init),
    )
    remember_query_names(app)
    app.state.context = application.context
    app.state.application = application
    http_hygiene.install(app)
    return app


def _write_threads(threads: int) -> None:
    """The synchronous handlers (the writes) run in the event loop's default executor: make it a
    pool of ``threads``. With asyncio's default (six threads here) concurrent writes of one worker
    contend for the GIL and a create costs ~40 % more CPU (docs/adr/0010)."""
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(threads, thread_name_prefix="leadline"))


@get("/openapi.json", include_in_schema=False, sync_to_thread=False)
def openapi_document(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The OpenAPI document at its documented address (the docs UI reads the same one)."""
    return tightened_document(request.app)


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="Leadline API", version=__version__, path=f"{API}/docs",
        description="Leads, accounts, contacts and opportunities, under record-level security. "
                    "Authenticate with `Authorization: Bearer <token>` (see `leadline token create` or "
                    "`POST /api/v1/auth/token`). Errors are RFC 9457 problem documents with a stable `code`.",
        components=Components(security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}),
        security=[{"bearer": []}],
        render_plugins=[StrictSwaggerRenderPlugin(
            path="/", js_url=f"{ASSETS}/swagger-ui-bundle.js", css_url=f"{ASSETS}/swagger-ui.css",
            favicon=f"<link rel='icon' type='image/png' href='{ASSETS}/favicon-32x32.png'>",
            standalone_preset_js_url=f"{ASSETS}/swagger-ui-standalone-preset.js"), StrictJsonRenderPlugin()],
        use_handler_docstrings=True,
    )
