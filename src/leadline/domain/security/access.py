"""Record-level security, the Salesforce way.

Who may see and change a record follows from three things:

* the organisation-wide default of its object (private, public read-only, public read/write);
* ownership: the owner may read and edit;
* the role hierarchy: a manager may read and edit what anyone below them owns;

and admins may do everything. Object rights (``rights.py``) come on top: what a role may create,
edit and delete of each kind of record at all. A user who may not read a record must not learn it exists, so
transports answer "not found", never "forbidden", for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from leadline.domain.security.rights import Action, ObjectRights
from leadline.domain.security.users import User


class Access(IntEnum):
    NONE = 0
    READ = 1
    EDIT = 2


class SharingDefault(StrEnum):
    PRIVATE = "private"
    PUBLIC_READ_ONLY = "public_read_only"
    PUBLIC_READ_WRITE = "public_read_write"

    @property
    def access(self) -> Access:
        return {self.PRIVATE: Access.NONE, self.PUBLIC_READ_ONLY: Access.READ,
                self.PUBLIC_READ_WRITE: Access.EDIT}[self]


#: Secure by default: every object starts private; admins open them up.
DEFAULT_SHARING: Mapping[RecordType, SharingDefault] = {kind: SharingDefault.PRIVATE for kind in RecordType}


def parse_sharing_default(value: str) -> SharingDefault:
    try:
        return SharingDefault(str(value).strip().lower().replace("-", "_").replace(" ", "_"))
    except ValueError:
        allowed = ", ".join(s.value for s in SharingDefault)
        raise ValidationError(f"{value!r} is not a sharing setting; use one of {allowed}", field="access") from None


def subordinates_of(user_id: int, manager_of: Mapping[int, int | None]) -> frozenset[int]:
    """Everyone who reports to ``user_id``, directly or through others (not the user)."""
    reports: dict[int, list[int]] = {}
    for member, manager in manager_of.items():
        if manager is not None:
            reports.setdefault(manager, []).append(member)
    found: set[int] = set()
    stack = list(reports.get(user_id, []))
    while stack:
        member = stack.pop()
        if member not in found and member != user_id:
            found.add(member)
            stack.extend(reports.get(member, []))
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Viewer:
    """The acting user with what the hierarchy gives them: the owners whose records they manage,
    and the object rights of their role. The rights have no default: a viewer built without them
    is refused at once (``TypeError``) instead of silently holding every right (fails closed)."""

    user: User
    managed_owner_ids: frozenset[int]
    sharing: Mapping[RecordType, SharingDefault]
    rights: ObjectRights

    @classmethod
    def of(cls, user: User, manager_of: Mapping[int, int | None],
           sharing: Mapping[RecordType, SharingDefault], rights: ObjectRights) -> Viewer:
        managed = frozenset({user.id}) | subordinates_of(user.id, manager_of)
        return cls(user, managed, sharing, rights)

    @property
    def id(self) -> int:
        return self.user.id

    def access_to(self, record_type: RecordType, owner_id: int | None) -> Access:
        if self.user.is_admin():
            return Access.EDIT
        if owner_id is not None and owner_id in self.managed_owner_ids:
            return Access.EDIT
        return self.sharing.get(record_type, SharingDefault.PRIVATE).access

    def can_read(self, record_type: RecordType, owner_id: int | None) -> bool:
        return self.access_to(record_type, owner_id) >= Access.READ

    def may(self, action: Action, record_type: RecordType) -> bool:
        """Whether the viewer's role holds the object right (``reps may create leads``)."""
        return self.rights.allows(self.user.role, action, record_type)

    def ensure_may(self, action: Action, record_type: RecordType) -> None:
        """``PERMISSION_DENIED`` naming the right the viewer's role lacks: the shared guard of
        every create, edit and delete (``reps may not create accounts``)."""
        self.rights.ensure_allows(self.user.role, action, record_type)

    def can_create(self, record_type: RecordType) -> bool:
        return self.may(Action.CREATE, record_type)

    def ensure_can_create(self, record_type: RecordType) -> None:
        self.ensure_may(Action.CREATE, record_type)

    def can_edit(self, record_type: RecordType, owner_id: int | None) -> bool:
        """Edit access to the record and the edit right on its kind."""
        return self.access_to(record_type, owner_id) >= Access.EDIT and self.may(Action.EDIT, record_type)

    def can_delete(self, record_type: RecordType, owner_id: int | None) -> bool:
        """What ``can_edit`` asks, and the delete right on the record's kind."""
        return self.can_edit(record_type, owner_id) and self.may(Action.DELETE, record_type)

    def ensure_can_read(self, record_type: RecordType, record_id: int, owner_id: int | None) -> None:
        """Unreadable records are reported as missing: their existence is not disclosed."""
        if not self.can_read(record_type, owner_id):
            raise NotFoundError(f"there is no {record_type.value} {record_id}", field=record_type.value)

    def ensure_can_edit(self, record_type: RecordType, record_id: int, owner_id: int | None) -> None:
        self.ensure_can_read(record_type, record_id, owner_id)
        if self.access_to(record_type, owner_id) < Access.EDIT:
            raise PermissionDeniedError(f"you may read but not change {record_type.value} {record_id}",
                                        field=record_type.value)
        self.ensure_may(Action.EDIT, record_type)

    def ensure_can_delete(self, record_type: RecordType, record_id: int, owner_id: int | None) -> None:
        """As ``ensure_can_edit`` (the record must be editable), then the delete right on its kind."""
        self.ensure_can_edit(record_type, record_id, owner_id)
        self.ensure_may(Action.DELETE, record_type)

    def readable_owner_ids(self, record_type: RecordType) -> frozenset[int] | None:
        """For list queries: the owners whose records this viewer may read, or None for all."""
        if self.user.is_admin() or self.sharing.get(record_type, SharingDefault.PRIVATE).access >= Access.READ:
            return None
        return self.managed_owner_ids

    def ensure_can_assign(self, new_owner: User) -> None:
        """Who may edit a record may give it to any active user (as in Salesforce); the caller
        checks the edit access first."""
        if not new_owner.active:
            raise ValidationError(f"{new_owner.email} is inactive and cannot own records", field="owner")
