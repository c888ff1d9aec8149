"""The Salesforce-compatible API as a hook on the application: its routes, their session
dependency and Salesforce's error bodies (``leadline.asgi`` composes it with the API and pages)."""

from __future__ import annotations

import dataclasses
from typing import Any

from litestar import Request, Router, get
from litestar.config.app import AppConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.response import Response

from leadline.salesforce.actions import ActionController
from leadline.salesforce.bulk import BulkIngestController
from leadline.salesforce.bulk_query import BulkQueryController
from leadline.salesforce.composite import CompositeController
from leadline.salesforce.composite_request import CompositeRequestController
from leadline.salesforce.errors import EXCEPTION_HANDLERS, on_http_error, on_unexpected
from leadline.salesforce.query import QueryController
from leadline.salesforce.session import oauth_token, session_actor, soap_login
from leadline.salesforce.sobjects import DataController, json_response
from leadline.salesforce.versions import versions
from leadline.services.context import ServiceContext

#: Every path of the Salesforce-compatible API.
SALESFORCE_PATHS = "^/services/"


def _context(state: State) -> ServiceContext:
    context: ServiceContext = state.context
    return context


@get("/services/data", sync_to_thread=False, include_in_schema=False)
def list_versions() -> Response[bytes]:
    """Every API version answered, oldest first (no session needed, as on Salesforce)."""
    return json_response(versions())


def _ours_under_services(handler: Any, key: Any) -> Any:
    """The application's handler of ``key``, except on a Salesforce path, where Salesforce's
    answers (a 404 or 405 of routing happens before any router's own handlers)."""
    ours = EXCEPTION_HANDLERS.get(key) or (on_http_error if isinstance(key, int) else on_unexpected)

    def answer(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
        if request.url.path.startswith("/services/"):
            return ours(request, error)  # type: ignore[no-any-return]
        return handler(request, error)  # type: ignore[no-any-return]

    return answer


def salesforce_router() -> Router:
    return Router(path="/", route_handlers=[list_versions, DataController, QueryController, ActionController,
                                            CompositeController, CompositeRequestController, oauth_token,
                                            soap_login, BulkIngestController, BulkQueryController],
                  dependencies={"ctx": Provide(_context, sync_to_thread=False),
                                "actor": Provide(session_actor, sync_to_thread=False)},
                  exception_handlers=EXCEPTION_HANDLERS)


def salesforce_api(config: AppConfig) -> AppConfig:
    """``on_app_init`` hook: mount the Salesforce-compatible routes. They authenticate with
    session ids in a header (or a password in the body), never with cookies, so a CSRF check the
    pages installed leaves them alone."""
    config.route_handlers = [*config.route_handlers, salesforce_router()]
    config.exception_handlers = {key: _ours_under_services(handler, key)
                                 for key, handler in {**EXCEPTION_HANDLERS, **config.exception_handlers}.items()}
    if config.csrf_config is not None:
        exclude = config.csrf_config.exclude
        listed = [exclude] if isinstance(exclude, str) else list(exclude or [])
        config.csrf_config = dataclasses.replace(config.csrf_config, exclude=[*listed, SALESFORCE_PATHS])
    return config
