"""The settings pages for admins (``/settings``): each lists one part of the configuration and
has the forms that change it, through the same configuration and security use cases as the API
and the CLI; a refusal is shown beside its field. Anyone else gets the 403 page."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template

from leadline.services.context import ServiceContext
from leadline.services.security.rights import role_may
from leadline.web import session
from leadline.web.settings.assignment import AssignmentSettings
from leadline.web.settings.forecast import ForecastSettings
from leadline.web.settings.forms import ensure_admin
from leadline.web.settings.people import PeopleSettings
from leadline.web.settings.sales import SalesSettings
from leadline.web.settings.workflow import WorkflowSettings

#: The settings pages, as the index lists them: (path, title, what it holds).
SECTIONS = (
    ("/settings/users", "Users and roles", "Who signs in, their role and whom they report to"),
    ("/settings/tokens", "API tokens", "Your own tokens for the API"),
    ("/settings/statuses", "Lead statuses", "The statuses and the moves allowed between them"),
    ("/settings/sources", "Lead sources", "Where leads come from"),
    ("/settings/stages", "Sales processes and stages", "The pipelines and their stages"),
    ("/settings/reasons", "Reasons", "Why a lead is disqualified or an opportunity lost"),
    ("/settings/criteria", "Qualification criteria", "The frameworks that qualify leads and opportunities"),
    ("/settings/custom-fields", "Custom fields and field mappings",
     "Fields of your own, and which lead fields conversion carries over"),
    ("/settings/sharing", "Sharing defaults", "Who may see records beyond their owners and managers"),
    ("/settings/rights", "Object rights", "What each role may create, edit and delete"),
    ("/settings/forecast", "Forecast", "The fiscal year, quotas and exchange rates"),
    ("/settings/assignment", "Assignment rules", "Who gets a new lead, and a simulation over the last leads"),
)


@get("/settings", sync_to_thread=False)
def settings_index(ctx: ServiceContext, user: int) -> Template:
    ensure_admin(ctx, user)
    return Template("settings/index.html", context={"sections": SECTIONS})


def is_admin(request: Request[Any, Any, Any]) -> bool:
    """Whether the signed-in user is an admin (the navigation shows Settings to admins only)."""
    ctx: ServiceContext = request.app.state.context
    user_id = session.signed_in_user(request, ctx)
    if user_id is None:
        return False
    with ctx.reader() as uow:  # the cached users: no statement on most pages
        user = ctx.config(uow).users.get(user_id)
    return bool(user and user.is_admin())


def may(request: Request[Any, Any, Any], action: str, record_type: str) -> bool:
    """Whether the signed-in user's role may ``action`` records of ``record_type``: pages hide a
    "New ..." link or an edit form the use case would refuse (``may(request, "create", "lead")``)."""
    ctx: ServiceContext = request.app.state.context
    user_id = session.signed_in_user(request, ctx)
    return user_id is not None and role_may(ctx, user_id, action, record_type)


HANDLERS = [settings_index, PeopleSettings, WorkflowSettings, SalesSettings, ForecastSettings, AssignmentSettings]
