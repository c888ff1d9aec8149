"""``POST /services/data/vNN.N/composite``: up to 25 sub-requests on ``sobjects`` (create, read,
update, delete) run in order, a later one naming an earlier one's answer as ``@{referenceId.id}``
in its URL or body. Each answers ``{"body","httpHeaders","httpStatusCode","referenceId"}``.

With ``allOrNone: false`` each sub-request is its own use case call; one that names the answer
of a failed one is ``PROCESSING_HALTED``. With ``allOrNone: true`` they run in ONE transaction
(``services/all_or_none.py``): the first failure rolls them all back, and every other
sub-request answers 400 ``PROCESSING_HALTED``."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs

from litestar import Controller, post

from leadline.domain.errors import LeadlineError
from leadline.salesforce.errors import SalesforceError, error_items
from leadline.salesforce.sobjects import (
    create_record,
    delete_record,
    json_response,
    parse_body,
    read_record,
    update_record,
)
from leadline.salesforce.versions import checked_version
from leadline.services.all_or_none import run_all_or_none
from leadline.services.context import ServiceContext

MAX_SUBREQUESTS = 25
REFERENCE = re.compile(r"@\{([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)\}")
SOBJECT_URL = re.compile(r"^/services/data/(v[0-9.]+)/sobjects/([A-Za-z0-9_]+)/?([^/?]*)/?(?:\?(.*))?$")


def _resolved(text: str, answers: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        reference, field = match.groups()
        answer = answers.get(reference)
        if not isinstance(answer, dict) or field not in answer:
            raise SalesforceError(400, "PROCESSING_HALTED",
                                  f"Invalid reference specified. No value for {reference}.{field} found.")
        return str(answer[field])

    return REFERENCE.sub(value, text)


def _run(ctx: ServiceContext, actor: int, method: str, url: str, body: Any) -> tuple[int, Any]:
    found = SOBJECT_URL.match(url)
    if found is None:
        raise SalesforceError(400, "INVALID_INPUT", f"only sobjects requests are supported in composite: {url}")
    version, sobject, record, query = found.groups()
    checked_version(version)
    given = body if isinstance(body, dict) else {}
    if method == "POST" and not record:
        return 201, create_record(ctx, actor, sobject, given)
    if method == "GET" and record:
        names = [n for n in ",".join(parse_qs(query or "").get("fields", [])).split(",") if n]
        return 200, read_record(ctx, actor, version, sobject, record, names)
    if method == "PATCH" and record:
        update_record(ctx, actor, sobject, record, given)
        return 204, None
    if method == "DELETE" and record:
        delete_record(ctx, actor, sobject, record)
        return 204, None
    raise SalesforceError(405, "METHOD_NOT_ALLOWED", f"{method} is not allowed on {url}")


def _subrequest(ctx: ServiceContext, actor: int, sub: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    reference = str(sub.get("referenceId") or "")
    try:
        url = _resolved(str(sub.get("url") or ""), answers)
        body = json.loads(_resolved(json.dumps(sub.get("body")), answers))
        status, answer = _run(ctx, actor, str(sub.get("method") or "").upper(), url, body)
    except (LeadlineError, SalesforceError) as error:
        status, answer = error_items(error)
    if status < 300:
        answers[reference] = answer
    return {"body": answer, "httpHeaders": {}, "httpStatusCode": status, "referenceId": reference}


HALTED = [{"errorCode": "PROCESSING_HALTED",
           "message": "The transaction was rolled back since another operation in the same transaction failed."}]


class _RolledBackError(Exception):
    """A sub-request failed under allOrNone: every sub-request is rolled back."""


def _all_or_none(ctx: ServiceContext, actor: int, subs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    answers: dict[str, Any] = {}
    done: list[dict[str, Any]] = []

    def step(sub: dict[str, Any]) -> Any:
        def run(joined: ServiceContext) -> None:
            done.append(_subrequest(joined, actor, sub, answers))
            if done[-1]["httpStatusCode"] >= 400:
                raise _RolledBackError
        return run

    try:
        run_all_or_none(ctx, [step(s) for s in subs])
    except _RolledBackError:
        halted = [{**d, "body": HALTED, "httpStatusCode": 400} for d in done[:-1]] + [done[-1]]
        return halted + [{"body": HALTED, "httpHeaders": {}, "httpStatusCode": 400,
                          "referenceId": str(s.get("referenceId") or "")} for s in subs[len(done):]]
    return done


class CompositeRequestController(Controller):
    path = "/services/data/{version:str}/composite"
    include_in_schema = False

    @post("/", sync_to_thread=True, status_code=200)
    def composite(self, version: str, actor: int, ctx: ServiceContext, body: bytes) -> Any:
        checked_version(version)
        given = parse_body(body)
        subs = given.get("compositeRequest")
        if not isinstance(subs, list) or not subs or not all(isinstance(s, dict) for s in subs):
            raise SalesforceError(400, "JSON_PARSER_ERROR", "compositeRequest must be a non-empty list of objects",
                                  ["compositeRequest"])
        if len(subs) > MAX_SUBREQUESTS:
            raise SalesforceError(400, "INVALID_INPUT", f"at most {MAX_SUBREQUESTS} sub-requests",
                                  ["compositeRequest"])
        if given.get("allOrNone") is True:
            return json_response({"compositeResponse": _all_or_none(ctx, actor, subs)})
        answers: dict[str, Any] = {}
        return json_response({"compositeResponse": [_subrequest(ctx, actor, s, answers) for s in subs]})
