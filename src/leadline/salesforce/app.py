"""The Salesforce-compatible API as a hook on the application: its routes, their session
dependency and Salesforce's error bodies (``leadline.asgi`` composes it with the API and pages)."""

from __future__ import annotations

from litestar import Router, get
from litestar.config.app import AppConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.response import Response

from leadline.salesforce.errors import EXCEPTION_HANDLERS
from leadline.salesforce.session import oauth_token, session_actor, soap_login
from leadline.salesforce.sobjects import DataController, json_response
from leadline.salesforce.versions import versions
from leadline.services.context import ServiceContext


def _context(state: State) -> ServiceContext:
    context: ServiceContext = state.context
    return context


@get("/services/data", sync_to_thread=False, include_in_schema=False)
def list_versions() -> Response[bytes]:
    """Every API version answered, oldest first (no session needed, as on Salesforce)."""
    return json_response(versions())


def salesforce_router() -> Router:
    return Router(path="/", route_handlers=[list_versions, DataController, oauth_token, soap_login],
                  dependencies={"ctx": Provide(_context, sync_to_thread=False),
                                "actor": Provide(session_actor, sync_to_thread=False)},
                  exception_handlers=EXCEPTION_HANDLERS)


def salesforce_api(config: AppConfig) -> AppConfig:
    """``on_app_init`` hook: mount the Salesforce-compatible routes."""
    config.route_handlers = [*config.route_handlers, salesforce_router()]
    return config
