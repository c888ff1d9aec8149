"""Object rights: which roles may create, edit and delete which kinds of record.

Record-level sharing (``access.py``) says *which* records a user may read or edit; object rights
say what a role may do to a kind of record at all, as Salesforce profiles and Dynamics security
roles do: "reps may not delete accounts". Both apply: editing a record needs the edit right on
its kind *and* edit access to the record; deleting one needs the delete right and edit access.

The rights are data: a grant (or not) per role x action x object. What is not stored is granted,
so the default configuration changes nothing until an admin restricts (ADR 0068). Admins always
hold every right: someone must be able to fix things.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ConfigurationError, PermissionDeniedError, ValidationError
from leadline.domain.security.users import Role


class Action(StrEnum):
    CREATE = "create"
    EDIT = "edit"
    DELETE = "delete"


#: The kinds of record object rights cover, in the order pages and tables show them.
RIGHTS_OBJECTS: tuple[RecordType, ...] = (RecordType.LEAD, RecordType.ACCOUNT, RecordType.CONTACT,
                                          RecordType.OPPORTUNITY)

ROLE_PLURALS = {Role.ADMIN: "admins", Role.MANAGER: "managers", Role.REP: "reps"}
OBJECT_PLURALS = {RecordType.LEAD: "leads", RecordType.ACCOUNT: "accounts", RecordType.CONTACT: "contacts",
                   RecordType.OPPORTUNITY: "opportunities"}

Right = tuple[Role, Action, RecordType]


def parse_action(value: str) -> Action:
    try:
        return Action(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(a.value for a in Action)
        raise ValidationError(f"{value!r} is not an action; use one of {allowed}", field="action") from None


def parse_rights_object(value: str) -> RecordType:
    """``lead``, ``account``, ``contact`` or ``opportunity`` (a plural is accepted too)."""
    text = str(value).strip().lower()
    for kind in RIGHTS_OBJECTS:
        if text in (kind.value, OBJECT_PLURALS[kind]):
            return kind
    allowed = ", ".join(k.value for k in RIGHTS_OBJECTS)
    raise ValidationError(f"{value!r} is not an object; use one of {allowed}", field="object")


def describe_refusal(role: Role, action: Action, kind: RecordType) -> str:
    """The sentence a refusal gives: ``reps may not create accounts``."""
    return f"{ROLE_PLURALS[role]} may not {action.value} {OBJECT_PLURALS[kind]}"


@dataclass(frozen=True, slots=True)
class ObjectRights:
    """The organisation's object rights: ``stored`` holds the rights an admin set, grant or not;
    every other right is granted (today's behaviour: any active user may create any record)."""

    stored: Mapping[Right, bool] = field(default_factory=lambda: MappingProxyType({}))

    def allows(self, role: Role, action: Action, kind: RecordType) -> bool:
        """The one rule: admins may do everything; any other role what is stored, else yes."""
        if role is Role.ADMIN:
            return True
        return self.stored.get((role, action, kind), True)

    def ensure_allows(self, role: Role, action: Action, kind: RecordType) -> None:
        """``PERMISSION_DENIED`` naming the missing right (on the field ``kind``)."""
        if not self.allows(role, action, kind):
            raise PermissionDeniedError(describe_refusal(role, action, kind), field=kind.value)

    def grid(self) -> Iterator[tuple[Role, Action, RecordType, bool]]:
        """Every right with whether it is held, role by role, object by object, action by action."""
        for role in Role:
            for kind in RIGHTS_OBJECTS:
                for action in Action:
                    yield role, action, kind, self.allows(role, action, kind)

    def as_table(self) -> dict[str, dict[str, dict[str, bool]]]:
        """Role -> object -> action -> held, as the API and the CLI's ``--json`` show them."""
        table: dict[str, dict[str, dict[str, bool]]] = {}
        for role, action, kind, held in self.grid():
            table.setdefault(role.value, {}).setdefault(kind.value, {})[action.value] = held
        return table

    def with_right(self, role: Role, action: Action, kind: RecordType, granted: bool) -> ObjectRights:
        """These rights with one set (refused for admins, who keep every right)."""
        ensure_can_change_right(role, kind)
        return ObjectRights(MappingProxyType({**self.stored, (role, action, kind): granted}))


def ensure_can_change_right(role: Role, kind: RecordType) -> None:
    """Only non-admin roles and the four kinds of record take rights."""
    if role is Role.ADMIN:
        raise ConfigurationError("admins always have every right", field="role")
    if kind not in RIGHTS_OBJECTS:
        raise ValidationError(f"{kind.value!r} takes no object rights", field="object")


#: Nothing stored: every role may do everything its record access lets it.
ALL_GRANTED = ObjectRights()
