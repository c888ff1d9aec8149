"""Route decorators with what every API operation shares: sync handlers run in a worker thread,
and every error status the API can answer is documented as a problem document."""

from __future__ import annotations

from enum import StrEnum
from functools import partial
from typing import Annotated

import msgspec
from litestar import delete, get, patch, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from leadline.api.problems import PROBLEM_JSON
from leadline.api.schemas import Problem
from leadline.domain.ids import MAX_ID

_MEANINGS = {
    400: "Malformed request (not JSON, or not an object).",
    401: "No valid API token.",
    403: "Allowed to read, not to change.",
    404: "No such record, or one the caller may not see.",
    409: "Conflicts with stored data or the workflow (duplicate, record in use, converted lead, a status "
         "move the workflow does not allow, criteria not met, an undo refused).",
    412: "If-Match names an older version.",
    413: "Body larger than the configured limit.",
    422: "A field breaks a rule or a required reason is missing; `errors` names each one.",
    429: "Too many requests, or too many failed sign-ins; `Retry-After` says when to retry.",
}
PROBLEMS = {status: ResponseSpec(Problem, description=text, media_type=PROBLEM_JSON)
            for status, text in _MEANINGS.items()}

#: A record id in a path: 1 to 2^63-1 (larger numbers are refused before any lookup). The bounds
#: are given to the document as they are: rendered from ``le`` they would be floats, 2^63 for the
#: maximum (api/openapi.py).
RecordId = Annotated[int, Parameter(ge=1, le=MAX_ID, description="A record id.",
                                    schema_extra={"minimum": 1, "maximum": MAX_ID})]


def one_of(values: type[StrEnum], *, nullable: bool = False) -> msgspec.Meta:
    """A text field that takes one of a domain enumeration's values: the document lists them
    (``enum``; with null for a field that may be null, where the document puts the list beside
    ``oneOf``), and the use case still checks the value and names the field."""
    listed: list[str | None] = [v.value for v in values]
    return msgspec.Meta(extra_json_schema={"extra": {"enum": [*listed, None] if nullable else listed}})


api_get = partial(get, sync_to_thread=False, responses=PROBLEMS)
api_post = partial(post, sync_to_thread=True, responses=PROBLEMS)
api_patch = partial(patch, sync_to_thread=True, responses=PROBLEMS)
api_put = partial(put, sync_to_thread=True, responses=PROBLEMS)
api_delete = partial(delete, sync_to_thread=True, responses=PROBLEMS)
