"""Errors on the web pages as pages: a clear 404, 403 or 500 page (or the refusal's message), and
the sign-in page when no one is signed in.

The status of each error is the API's (its one table, ``api/problems.py``): every handler of the
application is wrapped, and decides by path whether the API's problem document or a page answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.response import Redirect, Template

Handler = Callable[[Request[Any, Any, Any], Exception], Response[Any]]

TITLES = {400: "That request cannot be answered", 401: "Sign in first", 403: "You may not do that",
          404: "Not found", 405: "That cannot be done here", 409: "That cannot be done now",
          422: "That is not valid", 429: "Too many attempts", 500: "Something went wrong"}
#: Pages tell what the error says only where it is the user's to fix; a 500 says nothing of its cause.
SHOWN = frozenset({400, 409, 422, 429})


def with_error_pages(handlers: Mapping[Any, Any] | None, *, api_paths: str) -> dict[Any, Any]:
    """Each of ``handlers`` wrapped: on a path outside ``api_paths`` its answer becomes a page."""
    api = re.compile(api_paths)
    return {key: _paged(handler, api) for key, handler in (handlers or {}).items()}


def _paged(handler: Handler, api: re.Pattern[str]) -> Handler:
    def answer(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
        response = handler(request, error)
        if api.match(request.url.path):
            return response
        if response.status_code == 401:
            return _to_sign_in(request)
        return error_page(response.status_code, str(getattr(error, "detail", None) or error))

    return answer


def error_page(status: int, message: str) -> Template:
    title = TITLES.get(status, TITLES[500] if status >= 500 else TITLES[400])
    context = {"status": status, "title": title, "message": message if status in SHOWN else None}
    return Template("error.html", status_code=status, context=context)


def _to_sign_in(request: Request[Any, Any, Any]) -> Response[Any]:
    target = "/sign-in?next=" + quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if request.headers.get("hx-request"):  # htmx follows this header with a full page load
        return Response(None, status_code=200, headers={"HX-Redirect": target})
    return Redirect(target, status_code=303)
