"""Settings of people: users and the role hierarchy, the user's own API tokens, the sharing
defaults (who may read and change records beyond their owners and managers) and the object
rights (what each role may create, edit and delete)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.response import Template

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import LeadlineError, PermissionDeniedError
from leadline.domain.security.access import SharingDefault
from leadline.domain.security.rights import OBJECT_PLURALS, RIGHTS_OBJECTS, ROLE_PLURALS, Action
from leadline.domain.security.users import Role, User
from leadline.http_status import status_of
from leadline.services.context import ServiceContext
from leadline.services.security import auth
from leadline.services.security.rights import get_object_rights, set_role_rights
from leadline.services.security.sharing import get_sharing, set_sharing
from leadline.services.security.users import add_user, list_users, update_user
from leadline.web.settings.forms import Form, FormErrors, SettingsPage, ensure_admin, text, ticked

#: The sessions of the web pages are tokens too; the tokens page lists the others.
SESSION_TOKEN_NAME = "web sign-in"
#: Token lifetimes offered, in days.
TOKEN_DAYS = (30, 90, 365)


def _users(ctx: ServiceContext, user: int) -> dict[str, Any]:
    users = sorted(list_users(ctx, user), key=lambda u: (u.name.casefold(), u.email))
    return {"users": users, "role_options": [(r.value, r.value) for r in Role],
            "manager_options": [(u.id, u.name) for u in users], "hierarchy": hierarchy(users)}


def hierarchy(users: list[User]) -> list[tuple[int, User]]:
    """Every user under their manager, as (depth, user), the top of the hierarchy first."""
    known = {u.id for u in users}
    below: dict[int | None, list[User]] = {}
    for u in users:
        below.setdefault(u.manager_id if u.manager_id in known else None, []).append(u)
    rows: list[tuple[int, User]] = []

    def walk(manager: int | None, depth: int) -> None:
        for u in below.get(manager, []):
            rows.append((depth, u))
            walk(u.id, depth + 1)

    walk(None, 0)
    return rows


def _tokens(ctx: ServiceContext, user: int) -> dict[str, Any]:
    tokens = [t for t in auth.list_tokens(ctx, user) if t.user_id == user and t.name != SESSION_TOKEN_NAME]
    return {"tokens": sorted(tokens, key=lambda t: t.created_at, reverse=True),
            "days": [(d, f"{d} days") for d in TOKEN_DAYS]}


def _sharing(ctx: ServiceContext, user: int) -> dict[str, Any]:
    return {"sharing": {k.value: v.value for k, v in get_sharing(ctx).items()},
            "record_types": [t.value for t in RecordType], "accesses": [a.value for a in SharingDefault]}


def _rights(ctx: ServiceContext, user: int) -> dict[str, Any]:
    return {"rights": get_object_rights(ctx), "roles": [r for r in Role if r is not Role.ADMIN],
            "objects": RIGHTS_OBJECTS, "actions": list(Action), "roles_plural": ROLE_PLURALS,
            "objects_plural": OBJECT_PLURALS}


USERS = SettingsPage("/settings/users", "settings/users.html", _users)
TOKENS = SettingsPage("/settings/tokens", "settings/tokens.html", _tokens)
SHARING = SettingsPage("/settings/sharing", "settings/sharing.html", _sharing)
RIGHTS = SettingsPage("/settings/rights", "settings/rights.html", _rights)


class PeopleSettings(Controller):
    path = "/settings"

    @get("/users", sync_to_thread=False)
    def users_page(self, ctx: ServiceContext, user: int) -> Template:
        return USERS.render(ctx, user)

    @post("/users", sync_to_thread=True)
    def add_user(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return USERS.submit(ctx, user, "add-user", data, lambda: add_user(
            ctx, user, name=data.get("name", ""), email=data.get("email", ""), role=data.get("role", "rep"),
            manager=text(data, "manager"), password=text(data, "password")))

    @post("/users/{user_id:int}", sync_to_thread=False)
    def change_user(self, ctx: ServiceContext, user: int, user_id: int, data: Form) -> Response[Any]:
        return USERS.submit(ctx, user, f"user-{user_id}", data, lambda: update_user(
            ctx, user, user_id, name=text(data, "name"), role=text(data, "role"), manager=text(data, "manager"),
            clear_manager=not text(data, "manager"), active=ticked(data, "active")))

    @post("/users/password", sync_to_thread=True)
    def set_password(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        """A user's new password (hashed before the transaction: hence a worker thread)."""
        return USERS.submit(ctx, user, "set-password", data, lambda: auth.set_password(
            ctx, user, data.get("user", ""), data.get("password", "")))

    @get("/tokens", sync_to_thread=False)
    def tokens_page(self, ctx: ServiceContext, user: int) -> Template:
        return TOKENS.render(ctx, user)

    @post("/tokens", sync_to_thread=False)
    def create_token(self, ctx: ServiceContext, user: int, data: Form) -> Template:
        """The new token, shown this once (it is stored only as a hash)."""
        ensure_admin(ctx, user)
        days = data.get("expires_in_days", "")
        try:
            token, info = auth.create_token(ctx, user, name=data.get("name", ""),
                                            expires_in_days=int(days) if days.isdigit() else 90)
        except PermissionDeniedError:
            raise
        except LeadlineError as error:
            return TOKENS.render(ctx, user, errors=FormErrors("add-token", error.field, error.message, data),
                                 status=status_of(error))
        return TOKENS.render(ctx, user, status=201, created=(token, info))

    @post("/tokens/{token_id:int}/revoke", sync_to_thread=False)
    def revoke_token(self, ctx: ServiceContext, user: int, token_id: int, data: Form) -> Response[Any]:
        return TOKENS.submit(ctx, user, f"token-{token_id}", data, lambda: auth.revoke_token(ctx, user, token_id))

    @get("/sharing", sync_to_thread=False)
    def sharing_page(self, ctx: ServiceContext, user: int) -> Template:
        return SHARING.render(ctx, user)

    @post("/sharing", sync_to_thread=False)
    def set_sharing(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        record_type = data.get("record_type", "")
        return SHARING.submit(ctx, user, f"sharing-{record_type}", data,
                              lambda: set_sharing(ctx, user, record_type, data.get("access", "")))

    @get("/rights", sync_to_thread=False)
    def rights_page(self, ctx: ServiceContext, user: int) -> Template:
        return RIGHTS.render(ctx, user)

    @post("/rights", sync_to_thread=False)
    def set_rights(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        """A role's grid: a ticked box ``<action>.<object>`` is a right held, a blank one is not."""
        role = data.get("role", "")
        held = [(action, kind) for action, dot, kind in (name.partition(".") for name in data) if dot]
        return RIGHTS.submit(ctx, user, f"rights-{role}", data, lambda: set_role_rights(ctx, user, role, held))
