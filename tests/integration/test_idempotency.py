"""Idempotency keys commit with the records they answer for, on both databases: a key is kept
exactly when its use case commits, so a retry replays the first response or runs once."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine, func, select

from leadline.domain.errors import ConflictError
from leadline.persistence.rows import LeadRow
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.leads.records import LeadDetails
from leadline.services.security import users
from leadline.services.security.idempotency import IdempotencyClaim, StoredResponse, first_response


def answer(details: LeadDetails) -> StoredResponse:
    return StoredResponse(201, json.dumps({"id": str(details.lead.id)}), {"Location": f"/leads/{details.lead.id}"})


def claim(actor_id: int, render: Callable[[LeadDetails], StoredResponse] = answer,
          key: str = "key-1") -> IdempotencyClaim[LeadDetails]:
    return IdempotencyClaim(actor_id, key, "fingerprint-1", render)


def create(ctx: ServiceContext, actor_id: int, keyed: IdempotencyClaim[LeadDetails]) -> LeadDetails:
    return leads.create_lead(ctx, actor_id, {"last_name": "Keyed", "company": "Once Inc"}, claim=keyed)


def leads_named_keyed(engine: Engine) -> int:
    with engine.connect().execution_options(leadline_read_only=True) as connection:  # never waits for a writer
        return int(connection.scalar(select(func.count()).select_from(LeadRow).where(LeadRow.last_name == "Keyed")))


def test_a_keyed_create_keeps_its_key_and_response_with_the_lead(
        ctx: ServiceContext, admin_id: int, engine: Engine) -> None:
    keyed = claim(admin_id)
    details = create(ctx, admin_id, keyed)
    kept = first_response(ctx, claim(admin_id))
    assert kept == keyed.kept == answer(details)
    assert leads_named_keyed(engine) == 1


def test_a_failure_after_the_lead_is_written_keeps_neither_the_lead_nor_the_key(
        ctx: ServiceContext, admin_id: int, engine: Engine) -> None:
    def dies_while_answering(details: LeadDetails) -> StoredResponse:
        assert leads_named_keyed(engine) == 0  # written in the open transaction, not yet committed
        raise RuntimeError("the server died before the commit")

    with pytest.raises(RuntimeError):
        create(ctx, admin_id, claim(admin_id, dies_while_answering))
    assert first_response(ctx, claim(admin_id)) is None  # no key "in flight": the retry runs
    assert leads_named_keyed(engine) == 0
    retried = create(ctx, admin_id, claim(admin_id))
    assert first_response(ctx, claim(admin_id)) == answer(retried)
    assert leads_named_keyed(engine) == 1


def test_a_request_reaching_its_commit_after_another_kept_its_key_rolls_back_entirely(
        ctx: ServiceContext, admin_id: int, engine: Engine) -> None:
    """The second of two requests with one key, both past the look-up (so both ran the use
    case): the key's unique rule refuses the second at its commit, with its lead."""
    first = create(ctx, admin_id, claim(admin_id))
    with pytest.raises(ConflictError):
        create(ctx, admin_id, claim(admin_id))
    assert leads_named_keyed(engine) == 1
    assert first_response(ctx, claim(admin_id)) == answer(first)  # what the loser replays


def test_two_requests_with_one_key_at_the_same_moment_make_one_lead(
        ctx: ServiceContext, admin_id: int, engine: Engine) -> None:
    """The first holds its transaction open (its lead written, its key not yet); the second runs
    meanwhile (PostgreSQL) or queues for the write lock (SQLite). Whichever keeps the key first
    wins; the other waits for it at the key, then rolls back and finds the winner's response."""
    second_started = threading.Event()

    def slow_answer(details: LeadDetails) -> StoredResponse:
        second_started.wait(5)
        time.sleep(0.3)  # the second is now inside its transaction, or waiting to begin one
        return answer(details)

    outcomes: list[LeadDetails | ConflictError] = []

    def run(keyed: IdempotencyClaim[LeadDetails]) -> None:
        try:
            outcomes.append(create(ctx, admin_id, keyed))
        except ConflictError as error:
            outcomes.append(error)

    first = threading.Thread(target=run, args=(claim(admin_id, slow_answer),))
    first.start()
    time.sleep(0.2)
    second = threading.Thread(target=run, args=(claim(admin_id),))
    second.start()
    second_started.set()
    first.join(20)
    second.join(20)
    won = [o for o in outcomes if isinstance(o, LeadDetails)]
    lost = [o for o in outcomes if isinstance(o, ConflictError)]
    assert len(won) == len(lost) == 1, outcomes
    assert leads_named_keyed(engine) == 1
    assert first_response(ctx, claim(admin_id)) == answer(won[0])


def test_the_same_key_of_another_user_is_another_key(ctx: ServiceContext, admin_id: int, engine: Engine) -> None:
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    create(ctx, admin_id, claim(admin_id))
    assert first_response(ctx, claim(rep)) is None
    create(ctx, rep, claim(rep))
    assert leads_named_keyed(engine) == 2
