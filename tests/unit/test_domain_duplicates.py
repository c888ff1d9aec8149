"""Duplicates hidden by sharing: what is told of a matching record the actor may not read, and
when a conversion creating a record beside it is refused."""

from leadline.domain.accounts import Account, Contact
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.duplicates import (
    HiddenMatch,
    can_create_beside,
    ensure_no_hidden_duplicate,
    hidden_matches,
)
from leadline.domain.errors import DuplicateHiddenError
from leadline.domain.security.access import DEFAULT_SHARING, Viewer
from leadline.domain.security.rights import ALL_GRANTED
from leadline.domain.security.users import Role, User
from tests.unit.builders import NOW, make_lead, raises_error

REP = Viewer.of(User(1, "Rep", "rep@example.com", Role.REP), {1: None, 2: None}, DEFAULT_SHARING, ALL_GRANTED)


def account(owner_id, **values):
    return Account(**{"id": 50, "name": "Globex Corporation", "created_at": NOW, "updated_at": NOW,
                      "website": "https://globex.example", "domain": "globex.example", "owner_id": owner_id,
                      **values})


def contact(owner_id, **values):
    return Contact(**{"id": 60, "account_id": 50, "last_name": "Secret", "created_at": NOW, "updated_at": NOW,
                      "email": "HANK@GLOBEX.EXAMPLE", "phone": "+1 555 0100", "owner_id": owner_id, **values})


LEAD = make_lead(company="Globex Corp.", website="www.globex.example/about", email="hank@globex.example",
                 phone="+1 555 0100")


def test_a_matching_account_and_contact_of_another_team_are_told_by_the_leads_own_values_only():
    matches = hidden_matches(LEAD, REP, [account(2), account(2, id=51)], [contact(2)])

    assert matches == [
        HiddenMatch(RecordType.ACCOUNT, ("website domain globex.example", "company name Globex Corp.")),
        HiddenMatch(RecordType.CONTACT, ("e-mail hank@globex.example", "phone +1 555 0100")),
    ]
    told = " ".join(m.message for m in matches)
    for secret in ("Globex Corporation", "Secret", "HANK@", "50", "60", "Rep"):
        assert secret not in told
    assert "another team" in matches[0].message and "admin" in matches[0].message


def test_records_the_actor_may_read_and_records_that_do_not_match_are_not_hidden_matches():
    readable = [account(1), contact(1)]
    other = [account(2, name="Initech", website=None, domain="initech.example"), contact(2, email=None, phone=None)]

    assert hidden_matches(LEAD, REP, [readable[0], other[0]], [readable[1], other[1]]) == []


def test_a_record_without_an_owner_is_hidden_under_private_sharing():
    assert [m.record_type for m in hidden_matches(LEAD, REP, [account(None)], [])] == [RecordType.ACCOUNT]


def test_creating_beside_a_hidden_match_is_refused_unless_confirmed():
    matches = [HiddenMatch(RecordType.ACCOUNT, ("website domain globex.example",))]

    assert can_create_beside([], confirmed=False)
    assert can_create_beside(matches, confirmed=True)
    assert not can_create_beside(matches, confirmed=False)
    ensure_no_hidden_duplicate(matches, confirmed=True)
    with raises_error(DuplicateHiddenError, code="DUPLICATE_HIDDEN", field="confirm_separate") as caught:
        ensure_no_hidden_duplicate(matches, confirmed=False)
    assert caught.value.details == [("account", matches[0].message)]
