"""Lead statuses as configuration: one active default, an active converted status, unique labels."""

import pytest

from leadline.domain.configuration.statuses import (
    StatusKind,
    clean_label,
    deactivate,
    default_status,
    ensure_deletable,
    ensure_label_free,
    ensure_usable,
    find_status,
    parse_status_kind,
    set_default,
)
from leadline.domain.errors import (
    ConfigurationError,
    ConflictError,
    InvalidStatusError,
    StatusInUseError,
    ValidationError,
)
from tests.unit.builders import change, make_status, make_statuses, raises_error, status_of_kind


def defaults_of(statuses):
    return [status.label for status in statuses if status.is_default]


def test_the_statuses_a_new_organisation_starts_with_are_usable():
    statuses = make_statuses()

    ensure_usable(statuses)

    assert default_status(statuses).label == "Open"


def test_a_configuration_without_a_default_is_refused():
    statuses = make_statuses()
    change(statuses, statuses[0], is_default=False)

    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="is_default"):
        ensure_usable(statuses)


def test_a_configuration_with_two_defaults_is_refused():
    statuses = make_statuses()
    change(statuses, statuses[1], is_default=True)

    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="is_default"):
        ensure_usable(statuses)


def test_an_inactive_default_does_not_count_as_the_default():
    statuses = make_statuses()
    change(statuses, statuses[0], is_active=False)

    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="is_default"):
        ensure_usable(statuses)
    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field=None):
        default_status(statuses)


def test_a_converted_status_cannot_be_the_default():
    statuses = make_statuses()
    change(statuses, statuses[0], is_default=False)
    change(statuses, status_of_kind(statuses, StatusKind.CONVERTED), is_default=True)

    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="is_default"):
        ensure_usable(statuses)


def test_a_configuration_without_an_active_converted_status_is_refused():
    statuses = make_statuses()
    change(statuses, status_of_kind(statuses, StatusKind.CONVERTED), is_active=False)

    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="kind"):
        ensure_usable(statuses)


def test_a_configuration_with_no_converted_status_at_all_is_refused():
    statuses = [s for s in make_statuses() if s.kind is not StatusKind.CONVERTED]

    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="kind"):
        ensure_usable(statuses)


def test_setting_the_default_moves_it_to_the_chosen_status():
    statuses = make_statuses()
    contacted = find_status(statuses, "Contacted")

    changed = set_default(statuses, contacted)

    assert defaults_of(changed) == ["Contacted"]
    assert default_status(changed).id == contacted.id
    assert defaults_of(statuses) == ["Open"]  # the list given is left as it was


def test_an_inactive_status_cannot_become_the_default_and_nothing_changes():
    statuses = make_statuses()
    contacted = change(statuses, find_status(statuses, "Contacted"), is_active=False)

    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="is_default"):
        set_default(statuses, contacted)

    assert defaults_of(statuses) == ["Open"]


def test_a_converted_status_cannot_become_the_default_and_the_old_default_is_kept():
    # given the usual statuses, "Open" being the default
    statuses = make_statuses()
    converted = status_of_kind(statuses, StatusKind.CONVERTED)

    # when the converted status is chosen as the default, then it is refused
    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="is_default"):
        set_default(statuses, converted)

    # and the flags are as they were, not half-changed
    assert defaults_of(statuses) == ["Open"]
    ensure_usable(statuses)


def test_deactivating_an_ordinary_status_keeps_it_on_the_list_but_not_offered():
    statuses = make_statuses()
    unqualified = find_status(statuses, "Unqualified")

    changed = find_status(deactivate(statuses, unqualified), unqualified.id)

    assert changed.is_active is False
    assert changed.can_be_set_by_hand() is False


def test_deactivating_the_last_converted_status_is_refused_and_rolled_back():
    statuses = make_statuses()
    converted = status_of_kind(statuses, StatusKind.CONVERTED)

    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="kind"):
        deactivate(statuses, converted)

    assert converted.is_active is True


def test_a_second_converted_status_lets_the_first_one_be_deactivated():
    # given two converted statuses
    statuses = make_statuses()
    statuses.append(make_status(id=6, label="Converted (partner)", order=6, kind=StatusKind.CONVERTED))
    first = find_status(statuses, "Converted")

    # when the first is deactivated
    changed = deactivate(statuses, first)

    # then the list stays usable with the second
    assert find_status(changed, first.id).is_active is False
    ensure_usable(changed)


def test_deactivating_the_default_status_is_refused_and_rolled_back():
    statuses = make_statuses()
    default = default_status(statuses)

    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="is_default"):
        deactivate(statuses, default)

    assert default.is_active is True


def test_a_refused_deactivation_restores_the_previous_state_rather_than_reactivating():
    # given a list already missing an active converted status
    statuses = make_statuses()
    converted = change(statuses, status_of_kind(statuses, StatusKind.CONVERTED), is_active=False)

    # when that inactive status is deactivated again, it is refused
    with raises_error(ConfigurationError, code="CONFIGURATION_INVALID", field="kind"):
        deactivate(statuses, converted)

    # then it stays inactive: the refusal does not switch anything on
    assert converted.is_active is False


def test_a_status_that_leads_carry_cannot_be_deleted():
    status = make_status(label="Contacted")

    with raises_error(StatusInUseError, code="STATUS_IN_USE", field="status") as caught:
        ensure_deletable(status, leads_using_it=3)

    assert "3 leads have" in caught.value.message
    assert "Contacted" in caught.value.message


def test_a_status_that_no_lead_carries_can_be_deleted():
    assert ensure_deletable(make_status(), leads_using_it=0) is None


def test_a_status_in_use_is_a_conflict_for_transports_that_only_know_conflicts():
    with pytest.raises(ConflictError):
        ensure_deletable(make_status(), leads_using_it=1)


@pytest.mark.parametrize("label", ["Open", "open", "OPEN", "  open  "])
def test_a_label_already_used_is_refused_ignoring_case(label):
    labels = [s.label for s in make_statuses()]

    with raises_error(ValidationError, code="VALIDATION_FAILED", field="label"):
        ensure_label_free(clean_label(label), labels)


def test_a_new_label_is_free():
    assert ensure_label_free("Nurturing", [s.label for s in make_statuses()]) is None


def test_a_status_may_keep_its_own_label_in_another_case_when_renamed():
    labels = [s.label for s in make_statuses()]

    assert ensure_label_free("OPEN", labels, exclude="Open") is None


def test_renaming_onto_another_status_label_is_refused():
    labels = [s.label for s in make_statuses()]

    with raises_error(ValidationError, code="VALIDATION_FAILED", field="label"):
        ensure_label_free("contacted", labels, exclude="Open")


def test_a_label_is_stripped():
    assert clean_label("  Nurturing  ") == "Nurturing"


@pytest.mark.parametrize("label", ["", "   ", None])
def test_a_label_is_required(label):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="label"):
        clean_label(label)


def test_a_label_longer_than_eighty_characters_is_refused():
    assert clean_label("x" * 80) == "x" * 80
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="label"):
        clean_label("x" * 81)


@pytest.mark.parametrize("wanted", ["Qualified", "qualified", " QUALIFIED ", 3, "3"])
def test_a_status_is_found_by_label_in_any_case_or_by_id(wanted):
    assert find_status(make_statuses(), wanted).label == "Qualified"


@pytest.mark.parametrize("wanted", ["Qualifed", 99, ""])
def test_an_unknown_status_is_refused_as_invalid(wanted):
    with raises_error(InvalidStatusError, code="INVALID_STATUS", field="status"):
        find_status(make_statuses(), wanted)


@pytest.mark.parametrize(("given", "kind"), [("open", StatusKind.OPEN), (" Converted ", StatusKind.CONVERTED)])
def test_a_status_kind_is_parsed_ignoring_case_and_spaces(given, kind):
    assert parse_status_kind(given) is kind


def test_an_unknown_status_kind_is_refused():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="kind"):
        parse_status_kind("won")


def test_only_an_active_status_that_is_not_converted_can_be_set_by_hand():
    assert make_status(kind=StatusKind.WORKING).can_be_set_by_hand() is True
    assert make_status(kind=StatusKind.CONVERTED).can_be_set_by_hand() is False
    assert make_status(kind=StatusKind.WORKING, is_active=False).can_be_set_by_hand() is False


def test_a_status_one_lead_carries_says_so_in_the_singular():
    with raises_error(StatusInUseError, code="STATUS_IN_USE", field="status") as caught:
        ensure_deletable(make_status(label="Contacted"), leads_using_it=1)
    assert "1 lead has status 'Contacted'" in caught.value.message
