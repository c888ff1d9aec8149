"""The qualification gate of conversion (admins turn it on or off): whether converting a lead that
is not in a qualified status needs its qualification criteria met, or an override with a reason.

On unless an admin turned it off: a safe default. Stored in the database (``org_settings``), so
every process and every path (CLI, API, bulk) reads the same value; audited when changed.
"""

from __future__ import annotations

from leadline.domain.conversion.rules import QUALIFICATION_GATE, parse_switch
from leadline.services.context import ServiceContext
from leadline.services.conversion.reads import qualification_gate_on
from leadline.services.security.access import load_actor, require_admin


def get_qualification_gate(ctx: ServiceContext) -> bool:
    """Whether conversion asks a lead that is not qualified for its criteria (or an override)."""
    with ctx.reader() as uow:
        return qualification_gate_on(ctx.config(uow))


def set_qualification_gate(ctx: ServiceContext, actor_id: int, enabled: object) -> bool:
    """Turn the gate on or off (admins; ``enabled`` a bool or on/off); audited. Returns the new value."""
    chosen = enabled if isinstance(enabled, bool) else parse_switch(enabled, "enabled")
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        before = qualification_gate_on(ctx.fresh_config(uow))
        uow.settings.set(QUALIFICATION_GATE, "on" if chosen else "off")
        uow.audit.record("update", "org_setting", None, actor_id, ctx.now(),
                         {QUALIFICATION_GATE: ("on" if before else "off", "on" if chosen else "off")})
        uow.commit()
    return chosen
