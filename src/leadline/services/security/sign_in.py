"""Signing in with a password, throttled per account and per client address (domain/security/sign_in.py),
and the admin's view of the locks: list them, lift one.

The throttles live in the database, so every worker process counts the same failures and a
restart forgets nothing. No transaction is open while a password is hashed.
"""

from __future__ import annotations

from typing import Any

from leadline.domain.common import clean_text
from leadline.domain.errors import AuthenticationError, NotFoundError, ValidationError
from leadline.domain.security.sign_in import SignInThrottle, ThrottleKind, account_key, ensure_can_sign_in
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_actor, require_admin

MAX_ADDRESS_LENGTH = 64


def authenticate_password(ctx: ServiceContext, email: str, password: str, *, address: str) -> int:
    """The id of the active user with this e-mail and password, else ``AuthenticationError``.

    ``address`` is the client's (the transport's peer address). While the account or the address
    must wait, ``SignInThrottledError`` is raised before the password is looked at, whether it is
    right or not. A failure counts against both; a success forgets the account's failures. Takes
    the same time whether or not the user exists."""
    email_text = clean_text(email, field="email", max_length=254) or ""
    keys = [(ThrottleKind.ACCOUNT, account_key(email_text)), (ThrottleKind.ADDRESS, _address(address))]
    with ctx.reader() as uow:
        throttles = [uow.sign_in_throttles.find(kind, key) for kind, key in keys]
        ensure_can_sign_in(throttles, ctx.now())
        user = uow.users.get_by_email(email_text) if email_text else None
        stored = uow.users.password_hash(user.id) if user else None
    if not ctx.passwords.matches(stored, password) or user is None or not user.active:
        _record_failure(ctx, keys, user.id if user else None)
        raise AuthenticationError("wrong e-mail or password")
    if throttles[0].failures:
        with ctx.uow_factory() as uow:
            uow.sign_in_throttles.forget(*keys[0])
            uow.commit()
    return int(user.id)


def _record_failure(ctx: ServiceContext, keys: list[tuple[ThrottleKind, str]], user_id: int | None) -> None:
    """Count one failure against each key; a key this failure locks is audited."""
    now = ctx.now()
    with ctx.uow_factory() as uow:
        throttles = uow.sign_in_throttles
        throttles.purge(now)
        for kind, key in keys:
            before = throttles.lock_for_update(kind, key)
            after = before.fail(now)
            throttles.save(after)
            if after.is_locked(now) and not before.is_locked(now):
                uow.audit.record("lock", "sign_in", user_id if kind is ThrottleKind.ACCOUNT else None, None, now,
                                 {kind.value: (None, key), "failures": (None, str(after.failures)),
                                  "locked_until": (None, _stamp(after))})
        uow.commit()


def list_sign_in_locks(ctx: ServiceContext, actor_id: int) -> list[SignInThrottle]:
    """Every account and address that must wait now (admins only), locks first."""
    with ctx.reader() as uow:
        require_admin(load_actor(uow, actor_id))
        return list(uow.sign_in_throttles.blocked(ctx.now()))


def lift_sign_in_lock(ctx: ServiceContext, actor_id: int, *, email: str | None = None,
                      address: str | None = None) -> list[SignInThrottle]:
    """Forget the failed sign-ins of an account and/or an address (admins only), ending any wait or
    lock at once; audited. Returns what was lifted. ``NotFoundError`` when nothing is recorded
    for what was named."""
    keys = _named_keys(email, address)
    now = ctx.now()
    with ctx.uow_factory() as uow:
        actor = load_actor(uow, actor_id)
        require_admin(actor)
        found = [uow.sign_in_throttles.find(kind, key) for kind, key in keys]
        lifted = [t for t in found if t.failures or t.blocked_until]
        if not lifted:
            field = "email" if email is not None else "address"
            raise NotFoundError("no failed sign-ins are recorded for it", field=field)
        for throttle in lifted:
            uow.sign_in_throttles.forget(throttle.kind, throttle.key)
            user = uow.users.get_by_email(throttle.key) if throttle.kind is ThrottleKind.ACCOUNT else None
            uow.audit.record("unlock", "sign_in", user.id if user else None, actor.id, now,
                             {throttle.kind.value: (throttle.key, None), "locked_until": (_stamp(throttle), None)})
        uow.commit()
    return lifted


def _named_keys(email: str | None, address: str | None) -> list[tuple[ThrottleKind, str]]:
    keys = []
    if email is not None:
        text = clean_text(email, field="email", max_length=254, required=True) or ""
        keys.append((ThrottleKind.ACCOUNT, account_key(text)))
    if address is not None:
        keys.append((ThrottleKind.ADDRESS, _address(address, required=True)))
    if not keys:
        raise ValidationError("name an e-mail, an address or both", field="email")
    return keys


def _address(address: Any, *, required: bool = False) -> str:
    text = clean_text(address, field="address", max_length=MAX_ADDRESS_LENGTH, required=required)
    return (text or "unknown").lower()


def _stamp(throttle: SignInThrottle) -> str | None:
    return throttle.blocked_until.isoformat() if throttle.blocked_until else None
