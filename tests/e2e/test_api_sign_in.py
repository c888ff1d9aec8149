"""Sign-in throttling, admin lock lifting, the rate limiter's keys and headers, and sign-ins that
never hold up writes, through HTTP on both databases."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Any

from litestar.testing import TestClient

from leadline.api.app import create_app
from leadline.bootstrap import Application
from leadline.config import Settings
from leadline.services.context import ServiceContext
from leadline.services.security import auth
from leadline.services.security.passwords import PasswordHashing
from tests.e2e.api_support import add_rep, make_app, token_for
from tests.e2e.test_api import assert_problem
from tests.unit.test_passwords import WAIT, HeldHasher

RIGHT, WRONG = "correct horse battery", "wrong horse battery!"
SIGN_IN = "/api/v1/auth/token"


def sign_in(client: TestClient[Any], password: str, email: str = "ada@example.com") -> Any:
    return client.post(SIGN_IN, json={"email": email, "password": password})


def test_failed_sign_ins_slow_then_lock_and_a_locked_accounts_right_password_looks_wrong(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int, clock: Any) -> None:
    auth.set_password(ctx, admin_id, admin_id, RIGHT)
    assert [sign_in(client, WRONG).status_code for _ in range(4)] == [401] * 4
    waiting = sign_in(client, RIGHT)
    assert_problem(waiting, 429, "SIGN_IN_THROTTLED", "email")
    assert waiting.headers["retry-after"] == "1"
    while True:  # wrong passwords, each as soon as allowed, until the account is locked
        clock.advance(seconds=int(waiting.headers["retry-after"]))
        assert_problem(sign_in(client, WRONG), 401, "AUTHENTICATION_FAILED")
        waiting = sign_in(client, WRONG)
        if int(waiting.headers["retry-after"]) > 60:
            break
    right, wrong = sign_in(client, RIGHT), sign_in(client, WRONG)
    assert (right.status_code, right.headers["retry-after"], right.json()) == (
        wrong.status_code, wrong.headers["retry-after"], wrong.json())
    assert right.status_code == 429 and right.headers["retry-after"] == str(15 * 60)
    clock.advance(minutes=15)
    assert sign_in(client, RIGHT).status_code == 201


def test_an_admin_lists_and_lifts_a_lock_and_a_rep_may_not(client: TestClient[Any], ctx: ServiceContext,
                                                         admin_id: int) -> None:
    auth.set_password(ctx, admin_id, admin_id, RIGHT)
    for _ in range(4):
        sign_in(client, WRONG)
    admin = {"Authorization": f"Bearer {token_for(ctx, admin_id, admin_id)}"}
    rep = {"Authorization": f"Bearer {token_for(ctx, admin_id, add_rep(ctx, admin_id, 'sam@example.com'))}"}
    locks = client.get("/api/v1/auth/locks", headers=admin).json()
    assert [(lock["kind"], lock["key"], lock["failures"]) for lock in locks] == [("account", "ada@example.com", 4)]
    assert_problem(client.get("/api/v1/auth/locks", headers=rep), 403, "PERMISSION_DENIED")
    assert_problem(client.post("/api/v1/auth/locks/lift", json={"email": "ada@example.com"}, headers=rep), 403,
                   "PERMISSION_DENIED")
    lifted = client.post("/api/v1/auth/locks/lift", json={"email": "ada@example.com"}, headers=admin)
    assert lifted.status_code == 200 and lifted.json()["lifted"][0]["key"] == "ada@example.com"
    assert sign_in(client, RIGHT).status_code == 201
    assert_problem(client.post("/api/v1/auth/locks/lift", json={"email": "ada@example.com"}, headers=admin), 404,
                   "NOT_FOUND", "email")
    assert_problem(client.post("/api/v1/auth/locks/lift", json={}, headers=admin), 422, "VALIDATION_FAILED", "email")


def test_sign_ins_waiting_on_password_hashes_never_hold_up_a_write(ctx: ServiceContext, engine: Any,
                                                                  admin_id: int) -> None:
    hasher = HeldHasher()
    held = replace(ctx, passwords=PasswordHashing(1, hasher))
    admin = {"Authorization": f"Bearer {token_for(ctx, admin_id, admin_id)}"}
    with TestClient(make_app(held, engine, threads=1)) as client, ThreadPoolExecutor(4) as pool:
        # given three sign-ins in flight, one hashing (held) and two waiting for the hash slot
        sign_ins = [pool.submit(sign_in, client, WRONG) for _ in range(3)]
        with held.passwords.changed:
            assert held.passwords.changed.wait_for(lambda: held.passwords.waiting == 1, WAIT)
        assert held.passwords.running == 1
        # when a lead is created in the worker's only write thread, then it is not queued behind them
        created = pool.submit(client.post, "/api/v1/leads", json={"last_name": "Hopper", "company": "Navy"},
                              headers=admin)
        assert created.result(WAIT).status_code == 201
        assert hasher.most_at_once == 1 and held.passwords.running == 1
        hasher.released.set()
        assert [s.result(WAIT).status_code for s in sign_ins] == [401, 401, 401]


def limited_client(ctx: ServiceContext, engine: Any, per_minute: int = 3) -> TestClient[Any]:
    return TestClient(create_app(Application(Settings(rate_limit_per_minute=per_minute), ctx, engine)))


def test_junk_tokens_share_their_addresss_budget_and_the_429_says_when_to_retry(
        ctx: ServiceContext, engine: Any, admin_id: int, clock: Any) -> None:
    with limited_client(ctx, engine) as client:
        junk = [client.get("/api/v1/me", headers={"Authorization": f"Bearer junk{n}"}) for n in range(2)]
        junk.append(client.post(SIGN_IN, json={"email": "x@example.com", "password": WRONG}))
        assert [r.status_code for r in junk] == [401, 401, 401]
        assert [r.headers["ratelimit-remaining"] for r in junk] == ["2", "1", "0"]
        over = client.get("/api/v1/me", headers={"Authorization": "Bearer junk3"})
        assert_problem(over, 429, "RATE_LIMITED")
        assert over.headers["retry-after"] == str(60 - clock.now.second)
        assert_problem(client.post(SIGN_IN, json={"email": "x@example.com", "password": WRONG}), 429, "RATE_LIMITED")
        # a valid token is its user's budget, not the address's
        token = token_for(ctx, admin_id, admin_id)
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        clock.advance(seconds=60)
        assert client.get("/api/v1/me", headers={"Authorization": "Bearer junk4"}).status_code == 401


def test_one_token_however_spelled_is_one_users_budget(ctx: ServiceContext, engine: Any, admin_id: int) -> None:
    token = token_for(ctx, admin_id, admin_id)
    spellings = [f"Bearer {token}", f"bearer {token}", f"Bearer  {token}", f"BEARER {token} "]
    with limited_client(ctx, engine) as client:
        answers = [client.get("/api/v1/me", headers={"Authorization": s}).status_code for s in spellings]
        assert answers == [200, 200, 200, 429]
        over = client.get("/api/v1/leads", headers={"Authorization": f"bearer  {token}"})
        assert_problem(over, 429, "RATE_LIMITED")
        assert int(over.headers["retry-after"]) >= 1
        # the address itself still has its own budget
        assert client.get("/api/v1/me").status_code == 401
        assert client.get("/api/v1/health").status_code == 200  # never limited
