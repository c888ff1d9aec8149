"""Object rights: what a role may create, edit and delete, as data, on top of record access."""

from __future__ import annotations

import pytest

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ConfigurationError, NotFoundError, PermissionDeniedError, ValidationError
from leadline.domain.security.access import SharingDefault, Viewer
from leadline.domain.security.rights import (
    ALL_GRANTED,
    RIGHTS_OBJECTS,
    Action,
    ObjectRights,
    parse_action,
    parse_rights_object,
)
from leadline.domain.security.users import Role, User
from tests.unit.builders import raises_error

PRIVATE = {kind: SharingDefault.PRIVATE for kind in RecordType}
READ_ONLY = {kind: SharingDefault.PUBLIC_READ_ONLY for kind in RecordType}


def viewer(role: Role, rights: ObjectRights, sharing=None) -> Viewer:
    user = User(id=7, name="Sam", email="sam@example.com", role=role)
    return Viewer.of(user, {7: None}, sharing or PRIVATE, rights)


def test_by_default_every_role_holds_every_right():
    assert all(held for _, _, _, held in ALL_GRANTED.grid())
    assert len(list(ALL_GRANTED.grid())) == len(Role) * len(RIGHTS_OBJECTS) * len(Action)


def test_given_a_revoked_right_when_asked_then_only_that_role_action_and_object_are_refused():
    rights = ALL_GRANTED.with_right(Role.REP, Action.CREATE, RecordType.ACCOUNT, False)

    assert not rights.allows(Role.REP, Action.CREATE, RecordType.ACCOUNT)
    assert rights.allows(Role.REP, Action.EDIT, RecordType.ACCOUNT)
    assert rights.allows(Role.REP, Action.CREATE, RecordType.LEAD)
    assert rights.allows(Role.MANAGER, Action.CREATE, RecordType.ACCOUNT)


def test_a_refusal_names_the_missing_right_in_words():
    rights = ALL_GRANTED.with_right(Role.REP, Action.CREATE, RecordType.ACCOUNT, False)
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="account") as caught:
        rights.ensure_allows(Role.REP, Action.CREATE, RecordType.ACCOUNT)
    assert caught.value.message == "reps may not create accounts"
    opportunities = ALL_GRANTED.with_right(Role.MANAGER, Action.DELETE, RecordType.OPPORTUNITY, False)
    with pytest.raises(PermissionDeniedError, match="managers may not delete opportunities"):
        opportunities.ensure_allows(Role.MANAGER, Action.DELETE, RecordType.OPPORTUNITY)


def test_admins_always_hold_every_right_and_theirs_cannot_be_changed():
    stored = ObjectRights({(Role.ADMIN, Action.DELETE, RecordType.LEAD): False})  # a row put there by hand
    assert stored.allows(Role.ADMIN, Action.DELETE, RecordType.LEAD)
    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="role"):
        ALL_GRANTED.with_right(Role.ADMIN, Action.DELETE, RecordType.LEAD, False)


def test_a_granted_right_comes_back():
    revoked = ALL_GRANTED.with_right(Role.REP, Action.EDIT, RecordType.LEAD, False)
    assert revoked.with_right(Role.REP, Action.EDIT, RecordType.LEAD, True).allows(Role.REP, Action.EDIT,
                                                                                  RecordType.LEAD)


def test_the_table_shows_each_role_object_and_action():
    table = ALL_GRANTED.with_right(Role.REP, Action.DELETE, RecordType.CONTACT, False).as_table()
    assert list(table) == ["admin", "manager", "rep"]
    assert list(table["rep"]) == ["lead", "account", "contact", "opportunity"]
    assert table["rep"]["contact"] == {"create": True, "edit": True, "delete": False}


@pytest.mark.parametrize(("given", "kind"), [("lead", RecordType.LEAD), (" Accounts ", RecordType.ACCOUNT),
                                             ("opportunities", RecordType.OPPORTUNITY)])
def test_an_object_is_parsed_singular_or_plural(given, kind):
    assert parse_rights_object(given) is kind


def test_unknown_actions_and_objects_are_refused_naming_what_there_is():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="action") as action:
        parse_action("read")
    assert "create, edit, delete" in action.value.message
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="object"):
        parse_rights_object("product")


def test_a_viewer_without_the_create_right_may_not_create_that_kind():
    rep = viewer(Role.REP, ALL_GRANTED.with_right(Role.REP, Action.CREATE, RecordType.ACCOUNT, False))
    assert not rep.can_create(RecordType.ACCOUNT) and rep.can_create(RecordType.CONTACT)
    with raises_error(PermissionDeniedError, code="PERMISSION_DENIED", field="account"):
        rep.ensure_can_create(RecordType.ACCOUNT)


def test_editing_needs_both_access_to_the_record_and_the_edit_right():
    rep = viewer(Role.REP, ALL_GRANTED.with_right(Role.REP, Action.EDIT, RecordType.LEAD, False))
    assert not rep.can_edit(RecordType.LEAD, owner_id=7)  # their own lead
    with pytest.raises(PermissionDeniedError, match="reps may not edit leads"):
        rep.ensure_can_edit(RecordType.LEAD, 1, owner_id=7)
    assert rep.can_edit(RecordType.ACCOUNT, owner_id=7)


def test_a_record_the_viewer_may_not_read_stays_not_found_whatever_the_rights():
    rep = viewer(Role.REP, ALL_GRANTED.with_right(Role.REP, Action.EDIT, RecordType.LEAD, False))
    with raises_error(NotFoundError, code="NOT_FOUND", field="lead"):
        rep.ensure_can_edit(RecordType.LEAD, 1, owner_id=99)
    with raises_error(NotFoundError, code="NOT_FOUND", field="lead"):
        rep.ensure_can_delete(RecordType.LEAD, 1, owner_id=99)


def test_deleting_needs_edit_access_the_edit_right_and_the_delete_right():
    no_delete = viewer(Role.REP, ALL_GRANTED.with_right(Role.REP, Action.DELETE, RecordType.ACCOUNT, False))
    assert no_delete.can_edit(RecordType.ACCOUNT, 7) and not no_delete.can_delete(RecordType.ACCOUNT, 7)
    with pytest.raises(PermissionDeniedError, match="reps may not delete accounts"):
        no_delete.ensure_can_delete(RecordType.ACCOUNT, 1, owner_id=7)
    read_only = viewer(Role.REP, ALL_GRANTED, READ_ONLY)
    assert not read_only.can_delete(RecordType.ACCOUNT, owner_id=99)
    with pytest.raises(PermissionDeniedError, match="you may read but not change"):
        read_only.ensure_can_delete(RecordType.ACCOUNT, 1, owner_id=99)


def test_an_admin_viewer_may_do_everything_whatever_is_stored():
    stored = ObjectRights({(Role.ADMIN, action, kind): False for action in Action for kind in RIGHTS_OBJECTS})
    admin = viewer(Role.ADMIN, stored)
    assert all(admin.may(action, kind) for action in Action for kind in RIGHTS_OBJECTS)


def test_a_viewer_built_without_rights_is_refused_rather_than_holding_every_right():
    user = User(id=7, name="Sam", email="sam@example.com", role=Role.REP)

    with pytest.raises(TypeError):
        Viewer.of(user, {7: None}, PRIVATE)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Viewer(user, frozenset({7}), PRIVATE)  # type: ignore[call-arg]
