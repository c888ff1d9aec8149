"""Users, roles and the role hierarchy: who reports to whom, never in a loop."""

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.security.users import (
    Role,
    User,
    can_create_first_admin,
    ensure_valid_manager,
    first_admin_of,
    parse_role,
)
from tests.unit.builders import raises_error


def hierarchy(**reports_to):
    """``manager_of`` for a stored hierarchy given as ``u2=3`` (user 2 reports to user 3)."""
    stored = {int(user.lstrip("u")): manager for user, manager in reports_to.items()}
    return stored.get


@pytest.mark.parametrize(("given", "role"), [("admin", Role.ADMIN), (" Manager ", Role.MANAGER), ("REP", Role.REP)])
def test_a_role_is_parsed_ignoring_case_and_spaces(given, role):
    assert parse_role(given) is role


def test_an_unknown_role_is_refused_naming_the_roles_there_are():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="role") as caught:
        parse_role("owner")

    assert "admin, manager, rep" in caught.value.message


def test_only_an_admin_is_an_admin():
    assert User(1, "Ada", "ada@example.com", Role.ADMIN).is_admin() is True
    assert User(2, "Bob", "bob@example.com", Role.MANAGER).is_admin() is False


def test_a_user_without_a_manager_is_accepted():
    assert ensure_valid_manager(1, None, hierarchy()) is None


def test_a_user_cannot_be_their_own_manager():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="manager") as caught:
        ensure_valid_manager(5, 5, hierarchy())

    assert "own manager" in caught.value.message


def test_a_manager_who_reports_to_the_user_is_refused_as_a_loop():
    # given 2 reports to 3 and 3 reports to 1
    manager_of = hierarchy(u2=3, u3=1)

    # when 1 is to report to 2, then it is refused: 1 -> 2 -> 3 -> 1
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="manager") as caught:
        ensure_valid_manager(1, 2, manager_of)

    assert "loop" in caught.value.message


def test_a_direct_report_cannot_become_the_manager():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="manager"):
        ensure_valid_manager(1, 2, hierarchy(u2=1))


def test_a_chain_of_managers_is_accepted():
    # given 2 reports to 3, 3 reports to 4, and 4 reports to no one
    manager_of = hierarchy(u2=3, u3=4, u4=None)

    # when 1 is to report to 2, then it is accepted
    assert ensure_valid_manager(1, 2, manager_of) is None


def test_a_new_user_may_report_to_anyone():
    assert ensure_valid_manager(None, 2, hierarchy(u2=3, u3=None)) is None


def test_a_loop_already_stored_elsewhere_does_not_hang_the_check():
    # given 2 and 3 report to each other (a loop not involving user 1)
    manager_of = hierarchy(u2=3, u3=2)

    # then user 1 may still report to 2, and the check ends
    assert ensure_valid_manager(1, 2, manager_of) is None


def test_setup_creates_a_first_admin_only_while_the_organisation_has_no_active_admin() -> None:
    ada, bo = User(2, "Ada", "ada@x.example", Role.ADMIN), User(1, "Bo", "bo@x.example", Role.ADMIN, active=False)
    rep = User(3, "Sam", "sam@x.example", Role.REP)
    assert can_create_first_admin([bo, rep]) and first_admin_of([bo, rep]) is None
    assert not can_create_first_admin([bo, ada, rep])
    # the one named is kept when it is an active admin, else the first created
    zed = User(5, "Zed", "zed@x.example", Role.ADMIN)
    assert first_admin_of([zed, ada], "zed@x.example") is zed and first_admin_of([zed, ada], "sam@x.example") is ada
