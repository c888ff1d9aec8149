"""Who is signed in to the web pages, and signing in and out.

Signing in is the sign-in use case (``authenticate_password``: the same throttling per account
and address as the API's ``/auth/token``); the session is an 8-hour API token of the user kept
in an HttpOnly, SameSite=Lax cookie (``Secure`` by ``LEADLINE_SECURE_COOKIES``), as
``<token id>.<token>``. Signing out revokes the token, so a copied cookie dies with the session.
"""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
import msgspec
from litestar import Request, Response, get, post
from litestar.datastructures import Cookie, State
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from litestar.types import ASGIApp, Receive, Scope, Send

from leadline.domain.errors import AuthenticationError, LeadlineError
from leadline.http_status import status_of
from leadline.services.context import ServiceContext
from leadline.services.security.auth import authenticate_token, create_token, revoke_token
from leadline.services.security.sign_in import authenticate_password

SESSION_COOKIE = "leadline_session"
SESSION_HOURS = 8


class SignInForm(msgspec.Struct, kw_only=True):
    email: str = ""
    password: str = ""
    next: str = ""


def provide_user(request: Request[Any, Any, Any], ctx: ServiceContext) -> int:
    """The signed-in user's id; ``AuthenticationError`` (the sign-in page, by the error pages) without one."""
    _, token = _session(request)
    return authenticate_token(ctx, token)


def signed_in_user(request: Request[Any, Any, Any], ctx: ServiceContext) -> int | None:
    try:
        return provide_user(request, ctx)
    except AuthenticationError:
        return None


@get("/sign-in", sync_to_thread=False)
def sign_in_page(next: str = "") -> Template:  # noqa: A002 - the query parameter's name
    return Template("sign_in.html", context={"next": _local(next), "email": "", "error": None})


@post("/sign-in", sync_to_thread=True)
def sign_in(request: Request[Any, Any, Any], ctx: ServiceContext, state: State,
            data: Annotated[SignInForm, Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response[Any]:
    """The next page with a new session, or the form again with why not (401, or 429 while throttled:
    ``leadline/http_status.py``)."""
    address = request.client.host if request.client else "unknown"
    try:
        user_id = authenticate_password(ctx, data.email, data.password, address=address)
    except LeadlineError as error:
        return Template("sign_in.html", status_code=status_of(error),
                        context={"next": _local(data.next), "email": data.email, "error": str(error)})
    token, info = create_token(ctx, user_id, name="web sign-in", expires_in_days=None, hours=SESSION_HOURS)
    cookie = Cookie(key=SESSION_COOKIE, value=f"{info.id}.{token}", max_age=SESSION_HOURS * 3600, path="/",
                    httponly=True, samesite="lax", secure=_secure(state))
    return Redirect(_local(data.next) or "/leads", status_code=303, cookies=[cookie])


@post("/sign-out", sync_to_thread=False)
def sign_out(request: Request[Any, Any, Any], ctx: ServiceContext, state: State, user: int) -> Redirect:
    """End the session: its token is revoked and the cookie cleared."""
    token_id, _ = _session(request)
    revoke_token(ctx, user, token_id)
    cookie = Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True, samesite="lax",
                    secure=_secure(state))
    return Redirect("/sign-in", status_code=303, cookies=[cookie])


def signed_in_first(app: ASGIApp) -> ASGIApp:
    """A handler's middleware that refuses a request without a live session before a byte of its
    body is read: the sign-in page (by the error pages), as ``provide_user`` would answer later.

    For a route that takes a large body (the import upload): the CSRF check runs before the
    handler's dependencies and parses a multipart body whole to find its token, so without this
    anyone could make the server spool a body of the route's limit to disk (ADR 0070). A handler's
    middleware runs outside the CSRF check, which is kept."""

    async def guard(scope: Scope, receive: Receive, send: Send) -> None:
        request: Request[Any, Any, Any] = Request(scope)
        # the token's look-up may read the database (it is cached): off the event loop
        await anyio.to_thread.run_sync(provide_user, request, request.app.state.context)
        await app(scope, receive, send)

    return guard


HANDLERS = [sign_in_page, sign_in, sign_out]


def _session(request: Request[Any, Any, Any]) -> tuple[int, str]:
    token_id, _, token = request.cookies.get(SESSION_COOKIE, "").partition(".")
    if not token_id.isdigit() or not token:
        raise AuthenticationError("sign in first")
    return int(token_id), token


def _secure(state: State) -> bool:
    return bool(state.application.settings.cookies_secure)


def _local(target: str) -> str:
    """``target`` if it is a path of this site, else empty: sign-in never redirects elsewhere."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else ""
