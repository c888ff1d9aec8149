"""The web pages mounted at ``/`` beside the API: templates, the vendored static files, CSRF
protection of every form and htmx request, the session and the error pages.

``web_pages(application)`` is an ``on_app_init`` hook: the API's ``create_app`` runs it, so the
two transports share one application (its rate limit, security headers and database) without
importing each other (``leadline.asgi`` composes them).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from litestar import Request, Router, get
from litestar.config.app import AppConfig
from litestar.config.csrf import CSRFConfig
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.datastructures import State
from litestar.di import Provide
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from leadline.bootstrap import Application
from leadline.domain.common import counted, moment_text
from leadline.services.context import ServiceContext
from leadline.web import session
from leadline.web import settings as settings_pages
from leadline.web.accounts import AccountPages
from leadline.web.board import BoardPages
from leadline.web.campaigns import CampaignPages
from leadline.web.capture import CapturePages
from leadline.web.contacts import ContactPages
from leadline.web.conversion import ConversionPages
from leadline.web.dashboard import DashboardPages
from leadline.web.duplicates import DuplicatePages
from leadline.web.errors import with_error_pages
from leadline.web.forecast import ForecastPages
from leadline.web.imports import ImportPages, ImportUploadPage
from leadline.web.lead_list import LeadListActions
from leadline.web.lead_page import LeadPageController
from leadline.web.leads import LeadPages
from leadline.web.opportunities import OpportunityPages
from leadline.web.opportunity_parts import OpportunityPartPages
from leadline.web.record_create import plural
from leadline.web.reports import ReportPages
from leadline.web.values import choice_text, money_text, number_text, percent_text, yes_no

HERE = Path(__file__).parent
#: The vendored htmx (static/VENDORED.md): its file name carries its version.
HTMX = "htmx-2.0.11.min.js"
#: Paths the CSRF check leaves alone: the API authenticates with bearer tokens, never cookies.
API_PATHS = "^/api/"
#: The pages' controllers, area by area.
PAGES = [LeadPages, LeadListActions, LeadPageController, ConversionPages, AccountPages, ContactPages, OpportunityPages,
         OpportunityPartPages, DashboardPages, ReportPages, BoardPages, ForecastPages, CapturePages, CampaignPages,
         DuplicatePages, ImportPages,
         *settings_pages.HANDLERS]
#: The public web-to-lead endpoint: posted by other sites' pages, never with our cookies.
PUBLIC_FORM_PATHS = "^/f/"


def provide_context(state: State) -> ServiceContext:
    context: ServiceContext = state.context
    return context


@get("/", sync_to_thread=False, include_in_schema=False)
def home(request: Request[Any, Any, Any], ctx: ServiceContext) -> Redirect:
    """The dashboard for a signed-in user, else the sign-in page."""
    return Redirect("/dashboard" if session.signed_in_user(request, ctx) else "/sign-in")


def web_pages(application: Application) -> Callable[[AppConfig], AppConfig]:
    """The hook that adds the pages to the application being built."""

    def install(config: AppConfig) -> AppConfig:
        settings = application.settings
        # the import page's upload takes files as large as the API's import (LEADLINE_IMPORT_MAX_BYTES)
        uploads = Router(path="/", route_handlers=[ImportUploadPage], request_max_body_size=settings.import_max_bytes)
        pages = Router(path="/", route_handlers=[home, *session.HANDLERS, *PAGES, uploads],
                       dependencies={"ctx": Provide(provide_context, sync_to_thread=False),
                                     "user": Provide(session.provide_user, sync_to_thread=False)},
                       include_in_schema=False)
        config.route_handlers.extend([pages, create_static_files_router(
            path="/static", directories=[HERE / "static"], include_in_schema=False)])
        config.template_config = TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine,
                                                engine_callback=_globals)
        config.csrf_config = CSRFConfig(secret=settings.secret_key, cookie_name="leadline_csrf",
                                        cookie_secure=settings.cookies_secure, cookie_samesite="lax",
                                        exclude=[API_PATHS, PUBLIC_FORM_PATHS])
        config.exception_handlers = with_error_pages(config.exception_handlers, api_paths=API_PATHS)
        return config

    return install


def _globals(engine: JinjaTemplateEngine) -> None:
    engine.engine.globals["htmx"] = f"/static/{HTMX}"
    engine.engine.globals["shows_settings"] = settings_pages.is_admin
    engine.engine.globals["may"] = settings_pages.may
    # a select's options as (value, text): a label stands for itself, a user is named by e-mail
    engine.engine.filters["pair"] = lambda value: (value, value)
    engine.engine.filters["owner_pair"] = lambda user: (user.email, user.name)
    # a count with its noun in the right number: {{ n | counted("opportunity", "opportunities") }}
    engine.engine.filters["counted"] = counted
    # a kind of record named in the plural: "opportunity" reads "opportunities"
    engine.engine.filters["plural"] = plural
    # a yes/no value, the same on a record's fields and in its history (web/values.py)
    engine.engine.filters["yes_no"] = yes_no
    # an amount at its currency's scale, with its code (docs/adr/0015)
    engine.engine.filters["money"] = money_text
    # a quantity, never in exponent notation
    engine.engine.filters["number"] = number_text
    # a percentage: "40 %", the same on the record pages, the lists, the forecast and the history
    engine.engine.filters["percent"] = percent_text
    # a moment to the minute with its zone, "2026-02-08 10:30 UTC": every time a page shows (ADR 0069)
    engine.engine.filters["moment"] = moment_text
    # one of a field's fixed choices: "best_case" reads "best case", here and in the history
    engine.engine.filters["choice"] = lambda value: choice_text(str(getattr(value, "value", value)))
