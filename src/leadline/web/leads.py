"""The leads list (filters, search, sorting, keyset pagination; htmx replaces the results alone),
calling the API's use cases under the same record-level security: a lead the user may not read is
never a row of the list. A lead's own pages are ``lead_page``."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.response import Template

from leadline.services.context import ServiceContext
from leadline.web.lead_list import list_values, render_list

Choice = Annotated[str, Parameter(max_length=254)]


class LeadPages(Controller):
    path = "/leads"

    @get("/", sync_to_thread=False)
    def lead_list(self, request: Request[Any, Any, Any], ctx: ServiceContext, user: int,
                  status: Choice = "", source: Choice = "", owner: Choice = "", rating: Choice = "",
                  created_from: Choice = "", created_to: Choice = "", min_score: Choice = "",
                  q: Annotated[str, Parameter(max_length=200)] = "", sort: Choice = "-created_at",
                  cursor: Annotated[str, Parameter(max_length=500)] = "") -> Template:
        """Leads the user may see; an htmx request gets the results alone (``lead_list.render_list``)."""
        values = list_values({"status": status, "source": source, "owner": owner, "rating": rating,
                              "created_from": created_from, "created_to": created_to, "q": q, "sort": sort,
                              "min_score": min_score})
        return render_list(request, ctx, user, values, cursor)


def _given(value: str) -> list[str]:
    return [value] if value else []
