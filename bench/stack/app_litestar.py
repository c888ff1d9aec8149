"""Litestar variant of the HTTP-stack benchmark app (msgspec Structs; a pydantic variant of the create endpoint).

Serve with:  PYTHONPATH=bench/stack uvicorn app_litestar:app   or   granian --interface asgi app_litestar:app
OpenAPI: /schema/openapi.json (UI at /schema).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from common import CEILING_LEAD, create_lead, ensure_db, make_engine, read_lead
from litestar import Litestar, get, post
from litestar.exceptions import NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.params import Parameter
from pydantic import BaseModel, Field

ensure_db()
engine = make_engine()

Status = Literal["new", "contacted", "qualified", "unqualified"]
Source = Literal["web", "referral", "event", "outbound", "partner"]
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class LeadIn(msgspec.Struct, kw_only=True):
    """What a client sends to create a lead (10 fields)."""

    first_name: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    last_name: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    email: Annotated[str, msgspec.Meta(max_length=254, pattern=EMAIL_PATTERN)]
    phone: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    company: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    title: Annotated[str, msgspec.Meta(max_length=120)] | None = None
    source: Source
    status: Status = "new"
    score: Annotated[int, msgspec.Meta(ge=0, le=100)] = 0
    country: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{2}$")]


class LeadOut(msgspec.Struct, kw_only=True):
    """A stored lead (20 fields)."""

    id: int
    first_name: str
    last_name: str
    email: str
    phone: str | None
    company: str
    title: str | None
    source: str
    status: str
    score: int
    owner_id: int | None
    city: str | None
    country: str
    industry: str | None
    employees: int | None
    annual_revenue_cents: int | None
    notes: str | None
    is_qualified: bool
    created_at: datetime
    updated_at: datetime


class LeadInPydantic(BaseModel):
    """The same 10-field input as a pydantic model (the variant at POST /leads-pydantic)."""

    first_name: Annotated[str, Field(min_length=1, max_length=80)]
    last_name: Annotated[str, Field(min_length=1, max_length=80)]
    email: Annotated[str, Field(max_length=254, pattern=EMAIL_PATTERN)]
    phone: Annotated[str | None, Field(max_length=32)] = None
    company: Annotated[str, Field(min_length=1, max_length=120)]
    title: Annotated[str | None, Field(max_length=120)] = None
    source: Source
    status: Status = "new"
    score: Annotated[int, Field(ge=0, le=100)] = 0
    country: Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


CEILING = msgspec.convert(CEILING_LEAD, LeadOut)


@get("/ceiling")
async def ceiling() -> LeadOut:
    """A constant lead: the stack's ceiling (no database, no validation of input)."""
    return CEILING


@get("/leads/{lead_id:int}", sync_to_thread=True, raises=[NotFoundException])
def get_lead(lead_id: Annotated[int, Parameter(ge=1)]) -> LeadOut:
    """Read one lead by primary key."""
    row = read_lead(engine, lead_id)
    if row is None:
        raise NotFoundException("lead not found")
    return LeadOut(**row)


@post("/leads", sync_to_thread=True)
def post_lead(data: LeadIn) -> LeadOut:
    """Validate (msgspec) and insert a lead. Litestar's POST default status is 201."""
    return LeadOut(**create_lead(engine, msgspec.structs.asdict(data)))


@post("/leads-pydantic", sync_to_thread=True)
def post_lead_pydantic(data: LeadInPydantic) -> LeadOut:
    """Validate (pydantic) and insert a lead."""
    return LeadOut(**create_lead(engine, data.model_dump()))


app = Litestar(
    route_handlers=[ceiling, get_lead, post_lead, post_lead_pydantic],
    openapi_config=OpenAPIConfig(title="leadline stack bench (Litestar)", version="0.1.0"),
    debug=False,
)
