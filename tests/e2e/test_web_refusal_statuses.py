"""A refusal on a web page answers in the status of the shared table (``leadline/http_status.py``),
as the API does for the same refusal (no browser; SQLite and PostgreSQL): a stale lead form is
412 ``STALE_RECORD``, a merge of no record kind 422 ``VALIDATION_FAILED``, a web-to-lead form
naming an owner who does not exist 404 ``NOT_FOUND``, each shown on the page it refuses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from leadline.http_status import STATUS_OF_CODE
from leadline.services.capture import forms
from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead, get_lead, update_lead
from tests.e2e.api_support import token_for
from tests.e2e.web_support import signed_in_client

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
def client(ctx: ServiceContext, engine: Engine, admin_id: int) -> Iterator[TestClient[Any]]:
    with signed_in_client(ctx, engine, admin_id) as client:
        yield client


def csrf(client: TestClient[Any], page: str) -> str:
    found = CSRF.search(client.get(page).text)
    assert found is not None, page
    return found.group(1)


def test_a_stale_lead_form_answers_412_as_the_api_and_keeps_what_was_typed(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    lead = create_lead(ctx, admin_id, {"last_name": "Ames", "company": "Acme"}).lead
    token = csrf(client, f"/leads/{lead.id}/edit")
    update_lead(ctx, admin_id, lead.id, {"city": "Lyon"})  # someone else, after the form was read

    answer = client.post(f"/leads/{lead.id}/edit", follow_redirects=False, data={
        "_csrf_token": token, "version": str(lead.version), "last_name": "Ames", "company": "Acme",
        "city": "Lyon", "title": "Owner"})

    assert answer.status_code == STATUS_OF_CODE["STALE_RECORD"] == 412
    assert "Someone changed this lead" in answer.text and 'value="Owner"' in answer.text
    assert get_lead(ctx, admin_id, lead.id).lead.title is None


def test_a_merge_the_use_case_finds_invalid_answers_422_on_the_duplicates_page(client: TestClient[Any]) -> None:
    answer = client.post("/duplicates/merge", follow_redirects=False, data={
        "_csrf_token": csrf(client, "/duplicates"), "record_kind": "planet", "record_ids": "1 2"})

    assert answer.status_code == STATUS_OF_CODE["VALIDATION_FAILED"] == 422
    assert 'role="alert"' in answer.text and "planet" in answer.text


def test_the_form_builder_answers_a_refusal_in_the_apis_status(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    definition = {"name": "Contact us", "default_owner": "nobody@example.com"}
    api = client.post("/api/v1/capture/forms", json=definition,
                      headers={"Authorization": f"Bearer {token_for(ctx, admin_id, admin_id)}"})

    page = client.post("/capture/forms", follow_redirects=False, data={
        "_csrf_token": csrf(client, "/capture/forms/new"), **definition})

    assert (page.status_code, api.json()["code"]) == (api.status_code, "NOT_FOUND")
    assert 'id="default_owner-error"' in page.text and "nobody@example.com" in page.text
    assert forms.list_forms(ctx, admin_id) == []
