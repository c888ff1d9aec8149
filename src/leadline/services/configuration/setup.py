"""Setting up an organisation: default configuration and the first admin."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from leadline.domain.configuration.reasons import DEFAULT_REASONS, Reason
from leadline.domain.configuration.sources import DEFAULT_LEAD_SOURCES, LeadSource
from leadline.domain.configuration.statuses import DEFAULT_LEAD_STATUSES, LeadStatus
from leadline.domain.errors import ConflictError
from leadline.domain.ids import new_id
from leadline.domain.leads.qualification import default_criteria
from leadline.domain.leads.workflow import default_transitions
from leadline.domain.opportunities.opportunity import DEFAULT_STAGES, OpportunityStage, SalesProcess
from leadline.domain.security.users import Role, User, can_create_first_admin, first_admin_of
from leadline.services.context import ServiceContext
from leadline.services.security.users import build_user

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

DEFAULT_PROCESS = "New Business"


@dataclass(frozen=True)
class SetupResult:
    seeded: list[str]
    #: the organisation's admin after the call: the one created, or the one kept (None: there is none)
    admin: User | None
    #: True when this call created ``admin``, the first admin
    admin_created: bool = False
    #: the e-mail asked for but not made an admin, because the organisation has one already
    admin_not_added: str | None = None


def initialise_organisation(
    ctx: ServiceContext, *, admin_name: str | None = None, admin_email: str | None = None,
    admin_password_hash: str | None = None,
) -> SetupResult:
    """Seed default statuses, sources and the default sales process where none exist, and create
    the first admin when asked and none exists. Safe to run again: what exists is left as it is,
    and an organisation that has an admin keeps it: ``admin_email`` then adds nobody (the result
    says so in ``admin_not_added``); another admin is added with ``add_user``. A user who is not an
    admin already holding ``admin_email`` is ``CONFLICT`` (field ``admin_email``).
    """
    seeded: list[str] = []
    with ctx.uow_factory() as uow:
        if not uow.statuses.list():
            statuses = [LeadStatus(new_id(), label, order, kind, is_default)
                        for order, (label, kind, is_default) in enumerate(DEFAULT_LEAD_STATUSES)]
            for status in statuses:
                uow.statuses.add(status)
            uow.flush()
            uow.transitions.add(sorted(default_transitions(statuses)))
            seeded.append("lead statuses and their transitions")
        existing_kinds = {r.kind for r in uow.reasons.list()}
        for kind, labels in DEFAULT_REASONS.items():
            if kind not in existing_kinds:
                for order, label in enumerate(labels):
                    uow.reasons.add(Reason(new_id(), kind, label, order))
                seeded.append(f"{kind.value.replace('_', ' ')} reasons")
        if not uow.criteria.list():
            for criterion in default_criteria():
                uow.criteria.add(criterion)
            seeded.append("qualification (BANT) and opportunity criteria")
        if not uow.sources.list():
            for order, label in enumerate(DEFAULT_LEAD_SOURCES):
                uow.sources.add(LeadSource(new_id(), label, order))
            seeded.append("lead sources")
        if not uow.stages.processes():
            process = SalesProcess(new_id(), DEFAULT_PROCESS, is_default=True)
            uow.stages.add_process(process)
            uow.flush()
            for order, (label, probability, category, closed, won) in enumerate(DEFAULT_STAGES):
                uow.stages.add_stage(
                    OpportunityStage(new_id(), process.id, label, order, probability, category, closed, won)
                )
            seeded.append("sales process and stages")
        admin, created, not_added = _first_admin(ctx, uow, admin_name, admin_email, admin_password_hash)
        if created:
            seeded.append("first admin")
        uow.commit()
    return SetupResult(seeded, admin, created, not_added)


def _first_admin(ctx: ServiceContext, uow: UnitOfWork, name: str | None, email: str | None,
                 password_hash: str | None) -> tuple[User | None, bool, str | None]:
    """(the admin, whether it was created now, the e-mail asked for and not added)."""
    wanted = ctx.contact_points.normalise_email(email.strip()) if email and email.strip() else None
    users = uow.users.list()
    if not can_create_first_admin(users):
        kept = first_admin_of(users, wanted)
        return kept, False, wanted if wanted and kept and kept.email != wanted else None
    if wanted is None:
        return None, False, None
    existing = uow.users.get_by_email(wanted)
    if existing is not None:
        raise ConflictError(f"{wanted} is a user who is not an admin: no admin created", field="admin_email")
    admin = build_user(ctx, uow, name or wanted, wanted, Role.ADMIN, None)
    uow.users.add(admin, created_at=ctx.now(), password_hash=password_hash)
    return admin, True, None
