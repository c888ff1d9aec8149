"""The public form endpoint, outside /api/ (no token; the web pages' CSRF check leaves it alone):

* ``POST /f/{key}``: a submission, as an HTML form post (``application/x-www-form-urlencoded``)
  or as JSON; the same lead rules as the API, the spam defence, one transaction. A browser form
  is answered with the form's redirect (303) or a thank-you page; JSON with a small document.
  Held and repeated submissions get the same answer as accepted ones (a bot learns nothing).
* ``OPTIONS /f/{key}``: the CORS preflight, granted to the form's allowed origins only.
* ``GET /f/{key}/token``: a fresh timing token (what the embed script asks on each page view).

Cross-origin answers carry CORS headers for the form's allowed origins only; a post from another
site is refused (403, no CORS headers).
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import msgspec
from litestar import Request, Response, Router, get, route
from litestar.di import Provide

from leadline.api.capture.handlers import secret_of
from leadline.api.deps import provide_context
from leadline.api.problems import leadline_error
from leadline.domain.errors import LeadlineError, NotFoundError, ValidationError
from leadline.services.capture import forms
from leadline.services.capture.submissions import SubmissionResult, submit_form
from leadline.services.context import ServiceContext

FORM_TYPE = "application/x-www-form-urlencoded"
PREFLIGHT_SECONDS = "600"


def _foreign_origin(request: Request[Any, Any, Any]) -> str | None:
    """The ``Origin`` of a request from another site (None: none sent, or Leadline's own)."""
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin or None
    own = urlsplit(str(request.base_url))
    return None if origin.rstrip("/").lower() == f"{own.scheme}://{own.netloc}".lower() else origin


def _cors(origin: str | None) -> dict[str, str]:
    if origin is None:
        return {}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


def _posted(request: Request[Any, Any, Any], body: bytes) -> tuple[dict[str, object], bool]:
    """The submitted names and values, and whether it came as an HTML form post."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == FORM_TYPE:
        try:
            parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=500)
        except (UnicodeDecodeError, ValueError):
            raise ValidationError("the form post is not UTF-8 form data", field="body") from None
        return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}, True
    if media == "application/json" or media.endswith("+json"):
        try:
            data = msgspec.json.decode(body)
        except msgspec.DecodeError:
            raise ValidationError("the body is not JSON", field="body") from None
        if not isinstance(data, dict):
            raise ValidationError("the body must be a JSON object", field="body")
        return {str(k): _text(v) for k, v in data.items()}, False
    raise ValidationError(f"send {FORM_TYPE} or application/json", field="content-type")


def _text(value: object) -> object:
    if isinstance(value, list):
        return [_text(v) for v in value]
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, int | float) else msgspec.json.encode(value).decode()


@route("/{key:str}", http_method=["POST"], sync_to_thread=True, include_in_schema=False, status_code=200)
def submit(request: Request[Any, Any, Any], ctx: ServiceContext, key: str, body: bytes) -> Response[Any]:
    origin = _foreign_origin(request)
    browser_form = False
    try:
        posted, browser_form = _posted(request, body)
        result = submit_form(ctx, key, posted, secret=secret_of(request),
                             client_address=request.client.host if request.client else None,
                             body_size=len(body), origin=origin)
    except LeadlineError as error:
        allowed = error.field not in ("origin", "form")  # the form exists and the origin may post it
        return _refusal(request, error, browser_form, _cors(origin) if allowed else {})
    return _received(result, browser_form, _cors(origin))


def _received(result: SubmissionResult, browser_form: bool, headers: dict[str, str]) -> Response[Any]:
    form = result.form
    if browser_form:
        if form.redirect_url:
            return Response(b"", status_code=303, headers={**headers, "Location": form.redirect_url})
        return Response(_page("Thank you", f"<p>{escape(form.thank_you_message or '')}</p>"),
                        status_code=200, media_type="text/html", headers=headers)
    return Response({"status": "received", "message": form.thank_you_message, "redirect_url": form.redirect_url},
                    status_code=200, headers=headers)


def _refusal(request: Request[Any, Any, Any], error: LeadlineError, browser_form: bool,
             headers: dict[str, str]) -> Response[Any]:
    problem = leadline_error(request, error)
    problem.headers.update(headers)
    if not browser_form:
        return problem
    items = "".join(f"<li>{escape(d['field'] or '')}: {escape(d['message'])}</li>"
                    for d in _details(error))
    return Response(_page("Please check the form", f"<ul>{items}</ul><p>Go back and correct it.</p>"),
                    status_code=problem.status_code, media_type="text/html", headers=headers)


def _details(error: LeadlineError) -> list[dict[str, Any]]:
    return [{"field": error.field, "message": error.message},
            *({"field": f, "message": m} for f, m in error.details)]


def _page(title: str, body: str) -> bytes:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
            f"<body><main><h1>{escape(title)}</h1>{body}</main></body></html>").encode()


@route("/{key:str}", http_method=["OPTIONS"], sync_to_thread=False, include_in_schema=False)
def preflight(request: Request[Any, Any, Any], ctx: ServiceContext, key: str) -> Response[Any]:
    """Grant a cross-site post to the form's allowed origins; anything else gets 403 and no CORS.
    Without an ``Origin`` it is a plain OPTIONS: the methods of the path, as everywhere."""
    origin = request.headers.get("origin")
    if not origin:
        return Response(b"", status_code=204, headers={"Allow": "OPTIONS, POST"})
    try:
        form = forms.public_form(ctx, key)
    except NotFoundError:
        return Response(b"", status_code=404)
    if not origin or not form.allows_origin(origin):
        return Response(b"", status_code=403)
    return Response(b"", status_code=204, headers={
        **_cors(origin), "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Max-Age": PREFLIGHT_SECONDS})


@get("/{key:str}/token", sync_to_thread=False, include_in_schema=False)
def token(request: Request[Any, Any, Any], ctx: ServiceContext, key: str) -> Response[Any]:
    """A fresh timing token, readable cross-site by the form's allowed origins only."""
    origin = _foreign_origin(request)
    try:
        form = forms.public_form(ctx, key)
    except NotFoundError as error:
        return leadline_error(request, error)
    if origin is not None and not form.allows_origin(origin):
        return Response({"detail": "this site may not embed the form"}, status_code=403)
    issued = forms.form_token(ctx, key, secret=secret_of(request))
    return Response({"token": issued}, headers={**_cors(origin), "Cache-Control": "no-store"})


def public_form_router() -> Router:
    """The routes under /f, with the service context as their only dependency."""
    return Router(path="/f", route_handlers=[preflight, submit, token],
                  dependencies={"ctx": Provide(provide_context, sync_to_thread=False)}, include_in_schema=False)
