"""Organisation-wide sharing defaults per object (admins only)."""

from __future__ import annotations

from leadline.domain.configuration.custom_fields import RecordType, parse_record_type
from leadline.domain.security.access import SharingDefault, parse_sharing_default
from leadline.services.context import ServiceContext
from leadline.services.security.access import audit_changed, load_actor, require_admin


def get_sharing(ctx: ServiceContext) -> dict[RecordType, SharingDefault]:
    with ctx.reader() as uow:
        return dict(uow.sharing.all())


def set_sharing(ctx: ServiceContext, actor_id: int, record_type: str, access: str) -> dict[RecordType, SharingDefault]:
    """Set who may see an object's records beyond their owners and managers.

    Example: ``set_sharing(ctx, admin, "lead", "public_read_only")``.
    """
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        kind = parse_record_type(record_type)
        value = parse_sharing_default(access)
        before = uow.sharing.all()[kind]
        uow.sharing.set(kind, value)
        audit_changed(uow, "sharing_default", None, actor_id, ctx.now(), {kind.value: before}, {kind.value: value})
        uow.commit()
        return dict(uow.sharing.all())
