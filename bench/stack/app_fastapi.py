"""FastAPI variant of the HTTP-stack benchmark app (pydantic models, sync SQLAlchemy Core in the threadpool).

Serve with:  PYTHONPATH=bench/stack uvicorn app_fastapi:app   or   granian --interface asgi app_fastapi:app
OpenAPI: /openapi.json (Swagger UI at /docs).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from common import CEILING_LEAD, create_lead, ensure_db, make_engine, read_lead
from fastapi import FastAPI, HTTPException, Path, status
from pydantic import BaseModel, Field

ensure_db()
engine = make_engine()

Status = Literal["new", "contacted", "qualified", "unqualified"]
Source = Literal["web", "referral", "event", "outbound", "partner"]
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class LeadIn(BaseModel):
    """What a client sends to create a lead (10 fields)."""

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


class LeadOut(BaseModel):
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


CEILING = LeadOut.model_validate(CEILING_LEAD)

app = FastAPI(title="leadline stack bench (FastAPI)", version="0.1.0")


@app.get("/ceiling", response_model=LeadOut)
async def ceiling() -> LeadOut:
    """A constant lead: the stack's ceiling (no database, no validation of input)."""
    return CEILING


@app.get("/leads/{lead_id}", response_model=LeadOut, responses={404: {"description": "No such lead"}})
def get_lead(lead_id: Annotated[int, Path(ge=1)]) -> dict[str, object]:
    """Read one lead by primary key."""
    row = read_lead(engine, lead_id)
    if row is None:
        raise HTTPException(status_code=404, detail="lead not found")
    return row


@app.post("/leads", response_model=LeadOut, status_code=status.HTTP_201_CREATED)
def post_lead(body: LeadIn) -> dict[str, object]:
    """Validate and insert a lead."""
    return create_lead(engine, body.model_dump())
