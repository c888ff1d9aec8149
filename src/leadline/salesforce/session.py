"""Signing in as Salesforce clients do, each answer a Leadline API token and the instance URL:

* ``Authorization: Bearer <Leadline API token>`` on every call (the token is the session id);
* ``POST /services/oauth2/token``: the ``password`` grant (e-mail and password; ``client_id`` and
  ``client_secret`` are not checked), ``refresh_token`` (the refresh token the password grant
  answered, itself a 90-day Leadline token) and ``client_credentials`` (``client_secret`` is a
  Leadline API token; the new token is its user's);
* the SOAP ``login`` call at ``/services/Soap/u/NN.N`` (simple-salesforce's username, password and
  security token): the password field holds the password, then optionally a Leadline API token of
  the same user as the security token. Both are checked.

Passwords go through the same throttled use case as the native sign-in, in its thread pool.
"""

from __future__ import annotations

import asyncio
import base64
import time
import xml.etree.ElementTree as ElementTree
from typing import Any
from xml.sax.saxutils import escape

from litestar import Request, Response, post
from litestar.datastructures import State

from leadline.domain.errors import AuthenticationError, LeadlineError
from leadline.domain.salesforce.ids import salesforce_id, to_18
from leadline.salesforce.errors import SalesforceError
from leadline.salesforce.limits import count_request
from leadline.services.context import ServiceContext
from leadline.services.security import auth
from leadline.services.security.sign_in import authenticate_password

ORGANIZATION_ID = to_18("00D000000000001")
SESSION_HOURS = 8
TOKEN_LENGTH = len(auth.TOKEN_PREFIX) + 43
SOAP_ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/"


def session_actor(request: Request[Any, Any, Any], state: State) -> int:
    """The user a ``Bearer`` (or ``OAuth``) session id stands for; 401 INVALID_SESSION_ID otherwise."""
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() not in ("bearer", "oauth") or not token.strip():
        raise SalesforceError(401, "INVALID_SESSION_ID", "Session expired or invalid")
    ctx: ServiceContext = state.context
    actor = auth.authenticate_token(ctx, token.strip())
    count_request(request, state, ctx)
    return actor


def instance_url(request: Request[Any, Any, Any]) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _session(ctx: ServiceContext, user_id: int) -> str:
    token, _ = auth.create_token(ctx, user_id, name="salesforce session", expires_in_days=None, hours=SESSION_HOURS)
    return token


def _address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


def _password_login(ctx: ServiceContext, username: str, secret: str, address: str) -> int:
    """The user of ``username`` whose password is ``secret``, or ``secret`` less a trailing API token
    of that same user (the security token)."""
    start = len(secret) - TOKEN_LENGTH
    if start >= 0 and secret[start:].startswith(auth.TOKEN_PREFIX):
        user_id = authenticate_password(ctx, username, secret[:start], address=address)
        if auth.authenticate_token(ctx, secret[start:]) != user_id:
            raise AuthenticationError("the security token is another user's")
        return user_id
    return authenticate_password(ctx, username, secret, address=address)


def _basic_credentials(request: Request[Any, Any, Any]) -> dict[str, str]:
    """``client_id`` and ``client_secret`` sent as HTTP Basic credentials (RFC 6749, 2.3.1)."""
    scheme, _, encoded = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "basic":
        return {}
    try:
        client_id, _, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return {}
    return {"client_id": client_id, "client_secret": secret}


def _grant(ctx: ServiceContext, form: dict[str, str], address: str) -> tuple[int, bool]:
    """(user id, whether to answer a refresh token) for a token request, or ``AuthenticationError``."""
    grant = form.get("grant_type", "")
    if grant == "password":
        return _password_login(ctx, form.get("username", ""), form.get("password", ""), address), True
    if grant in ("refresh_token", "client_credentials"):
        secret = form.get("refresh_token" if grant == "refresh_token" else "client_secret", "")
        return auth.authenticate_token(ctx, secret), False
    raise SalesforceError(400, "unsupported_grant_type", "grant type not supported")


def _oauth_answer(ctx: ServiceContext, form: dict[str, str], address: str, instance: str) -> dict[str, str]:
    user_id, refresh = _grant(ctx, form, address)
    answer = {"access_token": _session(ctx, user_id), "instance_url": instance,
              "id": f"{instance}/id/{ORGANIZATION_ID}/{salesforce_id('User', user_id)}", "token_type": "Bearer",
              "issued_at": str(int(time.time() * 1000)), "signature": ""}
    if refresh:
        answer["refresh_token"], _ = auth.create_token(ctx, user_id, name="salesforce refresh token",
                                                       expires_in_days=90)
    return answer


@post("/services/oauth2/token", status_code=200, include_in_schema=False)
async def oauth_token(request: Request[Any, Any, Any], state: State) -> Response[Any]:
    """OAuth 2.0 token endpoint: errors as OAuth sends them (``{"error", "error_description"}``)."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    form.update(_basic_credentials(request))
    ctx: ServiceContext = state.context
    try:
        answer = await asyncio.get_running_loop().run_in_executor(
            None, _oauth_answer, ctx, form, _address(request), instance_url(request))
    except SalesforceError as error:
        return Response({"error": error.code, "error_description": error.message}, status_code=400)
    except LeadlineError:
        return Response({"error": "invalid_grant", "error_description": "authentication failure"}, status_code=400)
    return Response(answer, status_code=200)


def _soap_login_fields(body: bytes) -> tuple[str, str]:
    try:
        root = ElementTree.fromstring(body)  # noqa: S314 - expat refuses external entities and entity bombs
    except ElementTree.ParseError:
        return "", ""
    found = {element.tag.rpartition("}")[2]: element.text or "" for element in root.iter()}
    return found.get("username", ""), found.get("password", "")


def _soap_fault(code: str, message: str) -> Response[bytes]:
    body = (f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{SOAP_ENVELOPE}" '
            'xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<soapenv:Body><soapenv:Fault><faultcode>sf:{code}</faultcode><faultstring>{code}: {escape(message)}"
            '</faultstring><detail><sf:LoginFault xsi:type="sf:LoginFault">'
            f"<sf:exceptionCode>{code}</sf:exceptionCode><sf:exceptionMessage>{escape(message)}"
            "</sf:exceptionMessage></sf:LoginFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>")
    return Response(body.encode(), status_code=500, media_type="text/xml")


def _soap_answer(ctx: ServiceContext, username: str, secret: str, address: str, instance: str,
                 version: str) -> str:
    user_id = _password_login(ctx, username, secret, address)
    session, user = _session(ctx, user_id), salesforce_id("User", user_id)
    return (f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{SOAP_ENVELOPE}" '
            'xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            "<soapenv:Body><loginResponse><result>"
            f"<metadataServerUrl>{instance}/services/Soap/m/{version}/{ORGANIZATION_ID}</metadataServerUrl>"
            "<passwordExpired>false</passwordExpired><sandbox>false</sandbox>"
            f"<serverUrl>{instance}/services/Soap/u/{version}/{ORGANIZATION_ID}</serverUrl>"
            f"<sessionId>{escape(session)}</sessionId><userId>{user}</userId>"
            f"<userInfo><organizationId>{ORGANIZATION_ID}</organizationId><userId>{user}</userId>"
            f"<userName>{escape(username)}</userName><sessionSecondsValid>{SESSION_HOURS * 3600}"
            "</sessionSecondsValid></userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>")


@post("/services/Soap/u/{version:str}", status_code=200, include_in_schema=False)
async def soap_login(request: Request[Any, Any, Any], state: State, version: str) -> Response[bytes]:
    """The partner API's ``login`` call; every other SOAP call is a fault."""
    body = await request.body()
    if b"login" not in body:
        return _soap_fault("UNSUPPORTED_API_VERSION", "only the login call is supported")
    username, secret = _soap_login_fields(body)
    ctx: ServiceContext = state.context
    try:
        answer = await asyncio.get_running_loop().run_in_executor(
            None, _soap_answer, ctx, username, secret, _address(request), instance_url(request), version)
    except LeadlineError:
        return _soap_fault("INVALID_LOGIN", "Invalid username, password, security token; or user locked out.")
    return Response(answer.encode(), status_code=200, media_type="text/xml")
