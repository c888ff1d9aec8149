"""The compiled statement (no database): security and every filter are inside the one statement."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from leadline.domain.salesforce.soql.errors import INVALID_FIELD, MALFORMED_QUERY, SoqlError
from leadline.domain.security.access import DEFAULT_SHARING, Viewer
from leadline.domain.security.rights import ALL_GRANTED
from leadline.domain.security.users import Role, User
from leadline.persistence.salesforce.soql.catalog import LeadlineCatalog
from leadline.persistence.salesforce.soql.compiler import CompileOptions, compile_soql

REP = Viewer.of(User(7, "Rep", "rep@example.com", Role.REP), {7: None}, DEFAULT_SHARING, ALL_GRANTED)
ADMIN = Viewer.of(User(1, "Admin", "admin@example.com", Role.ADMIN), {1: None}, DEFAULT_SHARING, ALL_GRANTED)


def sql(text: str, viewer: Viewer = REP, dialect: str = "sqlite") -> str:
    compiled = compile_soql(text, LeadlineCatalog(viewer), CompileOptions(date(2024, 5, 9), dialect=dialect))
    chosen = postgresql.dialect() if dialect == "postgresql" else sqlite.dialect()
    statement = compiled.page(None, 2000, with_total=not compiled.aggregate)
    return " ".join(str(statement.compile(dialect=chosen)).split())


def test_the_root_objects_visibility_is_in_the_where_clause():
    assert "WHERE t0.owner_id IN (__[POSTCOMPILE_owner_id_1]) AND t0.merged_into_id IS NULL" in sql(
        "SELECT Id FROM Lead")


def test_an_admin_gets_no_visibility_predicate():
    assert "owner_id IN" not in sql("SELECT Id, Owner.Name, (SELECT Id FROM Contacts) FROM Account", ADMIN)


def test_a_parents_visibility_is_in_its_join_and_a_reference_reads_through_it():
    text = sql("SELECT AccountId, Account.Name FROM Contact")
    assert "LEFT OUTER JOIN accounts AS t1 ON t1.id = t0.account_id AND t1.owner_id IN" in text
    assert text.startswith("SELECT t0.id AS _id, t1.id AS c0")


def test_a_child_subquery_carries_the_childs_visibility_and_is_correlated_to_its_parent():
    text = sql("SELECT Name, (SELECT LastName FROM Contacts) FROM Account", dialect="postgresql")
    assert "json_agg(json_build_object(" in text
    assert "WHERE t1.owner_id IN (__[POSTCOMPILE_owner_id_1]) AND t1.merged_into_id IS NULL AND t1.account_id = t0.id" \
        in text
    assert "json_group_array(json_object(" in sql("SELECT Name, (SELECT LastName FROM Contacts) FROM Account")


def test_a_query_all_keeps_merged_tombstones():
    compiled = compile_soql("SELECT Id FROM Lead", LeadlineCatalog(ADMIN),
                            CompileOptions(date(2024, 5, 9), include_deleted=True))
    assert "merged_into_id" not in str(compiled.base)


@pytest.mark.parametrize(("text", "code", "column", "message"), [
    ("SELECT Id, Nope FROM Lead", INVALID_FIELD, 12, "No such column 'Nope' on entity 'Lead'."),
    ("SELECT Id FROM Lead WHERE Owner.Nope = 'x'", INVALID_FIELD, 27, "No such column 'Nope' on entity 'User'."),
    ("SELECT SUM(Name) FROM Lead", INVALID_FIELD, 8, "field Name does not support aggregate operator SUM"),
    ("SELECT Id FROM Lead WHERE COUNT(Id) > 1", MALFORMED_QUERY, 27,
     "Aggregate functions are not allowed in WHERE; use HAVING"),
    ("SELECT Id FROM Lead WHERE NumberOfEmployees = 'ten'", INVALID_FIELD, 47,
     "value of filter criterion for field 'NumberOfEmployees' must be of type int and should not be enclosed"),
    ("SELECT Id FROM Lead WHERE IsConverted LIKE 'x'", "INVALID_QUERY_FILTER_OPERATOR", 27,
     "invalid operator on field 'IsConverted'"),
    ("SELECT Id FROM Lead WHERE Id = 'abc'", "INVALID_QUERY_FILTER_OPERATOR", 32, "invalid ID field: abc"),
    ("SELECT Id FROM Contact WHERE Account.Parent.Parent.Parent.Parent.Parent.Name = 'x'", INVALID_FIELD, 30,
     "SOQL statements cannot query relationships more than 5 levels away from the root entity object."),
    ("SELECT Who.Email FROM Task", INVALID_FIELD, 8, "No such column 'Email' on entity 'Name'."),
    ("SELECT Id FROM Event WHERE What.Account.Name = 'x'", INVALID_FIELD, 28,
     "No such column 'Account' on entity 'Name'."),
    ("SELECT Who.Name FROM Lead", INVALID_FIELD, 8, "Didn't understand relationship 'Who' in field path."),
])
def test_what_the_objects_do_not_have_is_refused_at_its_position(text, code, column, message):
    with pytest.raises(SoqlError) as caught:
        sql(text)
    assert caught.value.error_code == code and caught.value.message.startswith(message)
    assert caught.value.position is not None and caught.value.position.column == column


def test_who_and_what_read_the_first_link_the_viewer_may_read_in_the_same_statement():
    text = sql("SELECT Who.Name, What.Type FROM Task WHERE Who.Type = 'Lead'")
    # Who's id (the related record's address), Who.Name, Who.Type in the WHERE; What's id and What.Type
    assert text.count("FROM activity_links AS whoid_link") == 3
    assert text.count("FROM activity_links AS whatid_link") == 2
    assert text.count("whoid_link.record_id IN (SELECT leads.id FROM leads WHERE leads.owner_id IN") == 3
    assert "FROM leads AS lead_named WHERE lead_named.id = whoid_link.record_id" in text
    assert "owner_id IN" not in sql("SELECT Who.Name FROM Task", ADMIN).split("WHERE t0.kind IN")[0]
