"""Users and the role hierarchy."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from leadline.domain.common import clean_text
from leadline.domain.errors import ConflictError, NotFoundError, ValidationError
from leadline.domain.ids import MAX_ID, new_id
from leadline.domain.security.users import Role, User, ensure_an_admin_remains, ensure_valid_manager, parse_role
from leadline.services.context import ServiceContext
from leadline.services.security.access import (
    audit_changed,
    audit_created,
    fields_of,
    load_actor,
    load_viewer,
    require_admin,
)

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def build_user(ctx: ServiceContext, uow: UnitOfWork, name: str, email: str, role: Role, manager_id: int | None) -> User:
    """Validate a new user against the stored ones (unique e-mail, a real manager, no loop)."""
    clean_name = clean_text(name, field="name", max_length=120, required=True)
    clean_email = ctx.contact_points.normalise_email(email.strip()) if email and email.strip() else None
    if not clean_email:
        raise ValidationError("is required", field="email")
    if uow.users.get_by_email(clean_email):
        raise ConflictError(f"a user with e-mail {clean_email} already exists", field="email")
    if manager_id is not None and uow.users.get(manager_id) is None:
        raise NotFoundError(f"there is no user {manager_id}", field="manager")
    ensure_valid_manager(None, manager_id, uow.users.manager_of)
    assert clean_name is not None
    return User(new_id(), clean_name, clean_email, role, manager_id)


def resolve_user(uow: UnitOfWork, reference: str | int | None, *, field: str = "owner") -> User | None:
    """A user by id or e-mail; ``None`` for no reference, ``NotFoundError`` (naming ``field``)
    for an unknown one. Ids are ASCII digits within the id range; anything else is an e-mail."""
    if reference is None or reference == "":
        return None
    text = clean_text(str(reference), field=field, max_length=254) or ""
    by_id = text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID
    user: User | None = uow.users.get(int(text)) if by_id else uow.users.get_by_email(text)
    if user is None:
        raise NotFoundError(f"there is no user {reference!r}", field=field)
    return user


def add_user(
    ctx: ServiceContext, actor_id: int, *, name: str, email: str, role: str = "rep",
    manager: str | int | None = None, password: str | None = None,
) -> User:
    """Create a user (admins only). ``manager`` is an id or an e-mail address; a ``password``
    is checked and hashed with argon2 (before the transaction: a hash must not hold the write lock)."""
    password_hash = ctx.passwords.hash(password) if password is not None else None
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        manager_user = resolve_user(uow, manager)
        user = build_user(ctx, uow, name, email, parse_role(role), manager_user.id if manager_user else None)
        uow.users.add(user, created_at=ctx.now(), password_hash=password_hash)
        audit_created(uow, "user", user.id, actor_id, ctx.now(), fields_of(user))
        uow.commit()
        return user


def list_users(ctx: ServiceContext, actor_id: int) -> list[User]:
    with ctx.reader() as uow:
        load_actor(uow, actor_id)
        users: list[User] = uow.users.list()
        return users


def user_choices(ctx: ServiceContext, actor_id: int) -> list[User]:
    """Every user by name (the inactive ones still own records), for a picker (the leads list's owner filter): from the
    configuration cache, so at most its ``ttl`` old, and without a query per page shown (loading
    1,000 users costs a list page more than its leads do)."""
    with ctx.reader() as uow:
        config = ctx.config(uow)
        load_viewer(uow, actor_id, ctx)  # an unknown or inactive actor is refused, as list_users does
        return sorted(config.users.values(), key=lambda user: (user.name, user.id))


def find_user(ctx: ServiceContext, reference: str | int) -> User:
    """Look a user up by id or e-mail, for transports that name the acting user."""
    with ctx.reader() as uow:
        user = resolve_user(uow, reference)
        if user is None:
            raise NotFoundError("no user given", field="user")
        return user


def first_admin(ctx: ServiceContext) -> User | None:
    with ctx.reader() as uow:
        admins = [u for u in uow.users.list() if u.role is Role.ADMIN and u.active]
        return min(admins, key=lambda u: u.id) if admins else None


def resolve_query_owners(ctx: ServiceContext, owners: list[str]) -> tuple[int, ...]:
    """Owner references of a list filter (e-mails or ids) as ids; unknown ones are refused."""
    return _owner_ids(ctx, owners)


def _owner_ids(ctx: ServiceContext, owners: list[str]) -> tuple[int, ...]:
    wanted = [o for o in owners if o and o.strip()]
    with ctx.reader() as uow:
        found = [resolve_user(uow, o) for o in wanted]
    return tuple(user.id for user in found if user is not None)


def update_user(ctx: ServiceContext, actor_id: int, user: str | int, *, name: str | None = None,
                role: str | None = None, manager: str | int | None = None, clear_manager: bool = False,
                active: bool | None = None) -> User:
    """Change a user (admins): name, role, manager (no loops) or active. The last active admin
    cannot be demoted or deactivated; a deactivated user can no longer sign in or own new records."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        target = resolve_user(uow, user)
        if target is None:
            raise ValidationError("name a user by e-mail or id", field="user")
        before = fields_of(target)
        if name is not None:
            target = replace(target, name=clean_text(name, field="name", max_length=120, required=True) or target.name)
        if role is not None:
            target = replace(target, role=parse_role(role))
        if manager not in (None, "") or clear_manager:
            boss = None if clear_manager else resolve_user(uow, manager)
            ensure_valid_manager(target.id, boss.id if boss else None, uow.users.manager_of)
            target = replace(target, manager_id=boss.id if boss else None)
        if active is not None:
            target = replace(target, active=active)
        ensure_an_admin_remains([target, *(u for u in uow.users.list() if u.id != target.id)])
        uow.users.save(target)
        audit_changed(uow, "user", target.id, actor_id, ctx.now(), before, fields_of(target))
        uow.commit()
        return target
