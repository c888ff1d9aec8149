"""Authentication: passwords hashed with argon2, and API tokens shown once and stored hashed.

Tokens are 256 bits from ``secrets``; only their SHA-256 is stored (a slow hash protects guessable
secrets like passwords and adds nothing for random ones, while every API request checks a token).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from leadline.domain.common import clean_text
from leadline.domain.errors import AuthenticationError, NotFoundError, PermissionDeniedError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.security.users import User
from leadline.services.context import ServiceContext
from leadline.services.security.access import audit_changed, audit_created, load_actor
from leadline.services.security.users import resolve_user

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

TOKEN_PREFIX = "ll_"
MAX_TOKEN_DAYS = 3650


@dataclass(frozen=True)
class TokenInfo:
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def set_password(ctx: ServiceContext, actor_id: int, user: str | int, password: str) -> None:
    """Set a user's password: admins for anyone, others for themselves."""
    hashed = ctx.passwords.hash(password)
    with ctx.uow_factory() as uow:
        actor = load_actor(uow, actor_id)
        target = _target(uow, actor, user)
        uow.users.set_password_hash(target.id, hashed)
        audit_changed(uow, "user", target.id, actor.id, ctx.now(), {"password": None}, {"password": "(changed)"})
        uow.commit()


def create_token(ctx: ServiceContext, actor_id: int, *, name: str, user: str | int | None = None,
                 expires_in_days: int | None = 90, hours: int | None = None) -> tuple[str, TokenInfo]:
    """A new API token for ``user`` (default: the actor; admins may make them for anyone).
    Returns the token text, shown this once, and its stored description."""
    label = clean_text(name, field="name", max_length=120, required=True) or ""
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        raise ValidationError(f"must be between 1 and {MAX_TOKEN_DAYS} days", field="expires_in_days")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with ctx.uow_factory() as uow:
        actor = load_actor(uow, actor_id)
        owner = _target(uow, actor, user if user is not None else actor.id)
        now = ctx.now()
        lifetime = timedelta(hours=hours) if hours else timedelta(days=expires_in_days) if expires_in_days else None
        info = TokenInfo(new_id(), owner.id, label, token[:10], now, now + lifetime if lifetime else None, None)
        uow.tokens.add(info.id, info.user_id, info.name, token_hash(token), info.prefix, now, info.expires_at)
        audit_created(uow, "api_token", info.id, actor.id, now, {"user_id": owner.id, "name": label})
        uow.commit()
    return token, info


def revoke_token(ctx: ServiceContext, actor_id: int, token_id: int) -> None:
    with ctx.uow_factory() as uow:
        actor = load_actor(uow, actor_id)
        row = uow.tokens.get(token_id)
        if row is None or (row.user_id != actor.id and not actor.is_admin()):
            raise NotFoundError(f"there is no token {token_id}", field="token")
        uow.tokens.revoke(token_id, ctx.now())
        audit_changed(uow, "api_token", token_id, actor.id, ctx.now(), {"revoked": False}, {"revoked": True})
        uow.commit()


def list_tokens(ctx: ServiceContext, actor_id: int) -> list[TokenInfo]:
    """The actor's tokens; an admin sees everyone's."""
    with ctx.reader() as uow:
        actor = load_actor(uow, actor_id)
        rows = uow.tokens.list_for(None if actor.is_admin() else actor.id)
        return [TokenInfo(r.id, r.user_id, r.name, r.prefix, r.created_at, r.expires_at, r.revoked_at) for r in rows]


def authenticate_token(ctx: ServiceContext, token: str) -> int:
    """The id of the user a bearer token stands for, or ``AuthenticationError``.

    Token look-ups are cached for ``ctx.cache.ttl`` seconds: a revocation in this process takes
    effect at once, in other worker processes within that time."""
    if not token.startswith(TOKEN_PREFIX):
        raise AuthenticationError("the token is not a Leadline API token")
    digest = token_hash(token)

    def load() -> tuple[int, datetime | None, bool] | None:
        with ctx.reader() as uow:
            row = uow.tokens.find_by_hash(digest)
            if row is None or row.revoked_at is not None:
                return None
            user = uow.users.get(row.user_id)
            return int(row.user_id), row.expires_at, bool(user and user.active)

    found = ctx.cache.get(("token", digest), load)
    if found is None:
        raise AuthenticationError("the token is unknown or revoked")
    user_id, expires_at, active = found
    if expires_at is not None and expires_at <= ctx.now():
        raise AuthenticationError("the token has expired")
    if not active:
        raise AuthenticationError("the token's user is inactive")
    return user_id


def _target(uow: UnitOfWork, actor: User, reference: str | int) -> User:
    target = resolve_user(uow, reference)
    if target is None:
        raise ValidationError("name a user by e-mail or id", field="user")
    if target.id != actor.id and not actor.is_admin():
        raise PermissionDeniedError("only an admin may manage another user's credentials", field="user")
    return target
