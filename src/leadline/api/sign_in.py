"""/api/v1/auth: signing in with a password for a token, throttled per account and address, and
the admin's view of sign-in locks.

Sign-ins run in a small thread pool of their own (never in the write threads): an argon2 check
takes tens of milliseconds of CPU, and eight clients signing in at once must not queue the other
writes behind them (issue 14, docs/adr/0010). Its threads run at a lower scheduling priority, so
a core busy hashing still serves requests first.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, post
from litestar.datastructures import State

from leadline.api.rate_limit import client_address
from leadline.api.routes import PROBLEMS, api_get, api_post
from leadline.api.schemas import present
from leadline.services.context import ServiceContext
from leadline.services.security import auth
from leadline.services.security.access import fields_of
from leadline.services.security.sign_in import authenticate_password, lift_sign_in_lock, list_sign_in_locks

#: Niceness of the sign-in threads (Linux threads each have their own).
SIGN_IN_NICENESS = 10


class PasswordLogin(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(max_length=254)]
    password: Annotated[str, msgspec.Meta(max_length=1000)]


class LockLift(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(max_length=254)] | None = None
    address: Annotated[str, msgspec.Meta(max_length=64)] | None = None


def _lower_priority() -> None:
    with contextlib.suppress(AttributeError, OSError):  # not Linux, or not permitted: run as is
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), SIGN_IN_NICENESS)


_SIGN_IN_THREADS = ThreadPoolExecutor(2, thread_name_prefix="leadline-sign-in", initializer=_lower_priority)


@post("/auth/token", summary="Sign in with e-mail and password for a token (8 hours)", tags=["users and tokens"],
      responses=PROBLEMS)
async def sign_in(request: Request[Any, Any, Any], state: State, data: PasswordLogin) -> dict[str, Any]:
    """Failed sign-ins are throttled per account and per client address: after a few, each further
    attempt must wait longer (429 `SIGN_IN_THROTTLED` with `Retry-After`), and after ten for one
    account (thirty from one address) it is locked for 15 minutes, until an admin lifts it. While
    waiting or locked, the password is not checked: the right one gets the same 429."""
    ctx: ServiceContext = state.context
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_SIGN_IN_THREADS, _sign_in, ctx, data, client_address(request))


def _sign_in(ctx: ServiceContext, data: PasswordLogin, address: str) -> dict[str, Any]:
    user_id = authenticate_password(ctx, data.email, data.password, address=address)
    token, info = auth.create_token(ctx, user_id, name="password sign-in", expires_in_days=None, hours=8)
    return {"token": token, **present(fields_of(info))}


def _lock(throttle: Any) -> dict[str, Any]:
    return {"kind": throttle.kind.value, "key": throttle.key, "failures": throttle.failures,
            "blocked_until": throttle.blocked_until, "locked": throttle.locked}


class SignInLockController(Controller):
    path = "/auth/locks"
    tags = ["users and tokens"]

    @api_get("/", summary="Accounts and addresses that must wait to sign in (admin)")
    def list_locks(self, ctx: ServiceContext, actor: int) -> list[dict[str, Any]]:
        return [_lock(t) for t in list_sign_in_locks(ctx, actor)]

    @api_post("/lift", summary="Lift the sign-in lock of an account and/or an address (admin, audited)",
              status_code=200)
    def lift(self, ctx: ServiceContext, actor: int, data: LockLift) -> dict[str, Any]:
        lifted = lift_sign_in_lock(ctx, actor, email=data.email, address=data.address)
        return {"lifted": [_lock(t) for t in lifted]}
