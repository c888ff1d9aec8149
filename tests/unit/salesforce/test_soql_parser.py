"""The SOQL parser: every construct of the subset, and refusals at the right place."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from leadline.domain.salesforce.soql.errors import MALFORMED_QUERY, SoqlError
from leadline.domain.salesforce.soql.parser import parse_soql
from leadline.domain.salesforce.soql.syntax import (
    Aggregate,
    And,
    Comparison,
    DateLiteral,
    FieldPath,
    Function,
    InList,
    Literal,
    LiteralKind,
    Not,
    Or,
    SelectField,
    SemiJoin,
    Subquery,
)


def where(condition: str) -> object:
    query = parse_soql(f"SELECT Id FROM Lead WHERE {condition}")
    return query.where


def refused(text: str) -> SoqlError:
    with pytest.raises(SoqlError) as caught:
        parse_soql(text)
    return caught.value


def test_given_fields_and_parent_fields_when_parsed_then_each_is_a_path_with_its_offset():
    text = "SELECT Id, Account.Name, Owner.Manager.Email FROM Contact"
    query = parse_soql(text)
    assert query.select == (SelectField(FieldPath(("Id",), 7)),
                            SelectField(FieldPath(("Account", "Name"), text.index("Account"))),
                            SelectField(FieldPath(("Owner", "Manager", "Email"), text.index("Owner"))))
    assert (query.object_name, query.object_offset) == ("Contact", text.index("Contact"))


def test_keywords_are_read_in_any_case():
    query = parse_soql("select id from lead where name = 'x' order by name desc nulls first limit 3 offset 2")
    assert query.limit == 3 and query.offset == 2
    assert query.order_by[0].descending and query.order_by[0].nulls_first is True


def test_a_child_subquery_is_a_nested_query_with_its_own_clauses():
    text = "SELECT Id, (SELECT Id, LastName FROM Contacts WHERE Email != null ORDER BY LastName LIMIT 5) FROM Account"
    query = parse_soql(text)
    child = query.select[1]
    assert isinstance(child, Subquery)
    assert child.query.object_name == "Contacts" and child.query.limit == 5
    assert child.query.order_by[0].key == FieldPath(("LastName",), text.rindex("LastName"))


def test_count_alone_is_a_count_only_query():
    query = parse_soql("SELECT COUNT() FROM Lead WHERE IsConverted = false")
    assert query.count_only and not query.is_aggregate


def test_aggregates_take_aliases_and_unaliased_ones_stay_unnamed():
    text = ("SELECT StageName, COUNT(Id), SUM(Amount) total, AVG(Amount), MIN(CloseDate), MAX(CloseDate), "
            "COUNT_DISTINCT(OwnerId) "
            "FROM Opportunity GROUP BY StageName HAVING COUNT(Id) > 1 ORDER BY SUM(Amount) DESC")
    query = parse_soql(text)
    functions = [(a.function, a.alias) for a in query.aggregates]
    assert functions == [(Function.COUNT, None), (Function.SUM, "total"), (Function.AVG, None),
                         (Function.MIN, None), (Function.MAX, None), (Function.COUNT_DISTINCT, None)]
    assert query.group_by == (FieldPath(("StageName",), text.rindex("StageName")),)
    assert isinstance(query.having, Comparison) and isinstance(query.having.left, Aggregate)
    assert query.is_aggregate


@pytest.mark.parametrize("operator", ["=", "!=", "<", ">", "<=", ">="])
def test_every_comparison_operator_is_read(operator):
    condition = where(f"NumberOfEmployees {operator} 10")
    assert isinstance(condition, Comparison) and condition.operator == operator
    text = f"SELECT Id FROM Lead WHERE NumberOfEmployees {operator} 10"
    assert condition.value == Literal(LiteralKind.NUMBER, Decimal(10), text.index("10"))


def test_angle_brackets_mean_not_equal():
    condition = where("Name <> 'x'")
    assert isinstance(condition, Comparison) and condition.operator == "!="


def test_in_and_not_in_take_lists_of_values():
    inside = where("Status IN ('Open', 'Working')")
    outside = where("Status NOT IN ('Closed')")
    assert isinstance(inside, InList) and not inside.negated and [v.value for v in inside.values] == ["Open",
                                                                                                       "Working"]
    assert isinstance(outside, InList) and outside.negated


def test_like_keeps_escaped_wildcards_literal_in_its_pattern():
    condition = where(r"Name LIKE '50\% of a\_b%'")
    assert isinstance(condition, Comparison) and isinstance(condition.value, Literal)
    assert condition.value.value == "50% of a_b%"
    assert condition.value.like_pattern == r"50\% of a\_b%"


def test_string_escapes_are_undone():
    condition = where(r"Name = 'O\'Brien \\ \n'")
    assert isinstance(condition, Comparison) and isinstance(condition.value, Literal)
    assert condition.value.value == "O'Brien \\ \n"


@pytest.mark.parametrize(("text", "kind", "value"), [
    ("NULL", LiteralKind.NULL, None), ("null", LiteralKind.NULL, None),
    ("TRUE", LiteralKind.BOOLEAN, True), ("false", LiteralKind.BOOLEAN, False),
    ("-12.50", LiteralKind.NUMBER, Decimal("-12.50")), ("'text'", LiteralKind.STRING, "text"),
    ("2024-01-31", LiteralKind.DATE, date(2024, 1, 31)),
    ("2024-01-31T10:00:00Z", LiteralKind.DATETIME, datetime(2024, 1, 31, 10, tzinfo=UTC)),
    ("2024-01-31T10:00:00.250+02:00", LiteralKind.DATETIME,
     datetime(2024, 1, 31, 10, 0, 0, 250000, tzinfo=timezone(timedelta(hours=2)))),
])
def test_literals_of_every_kind(text, kind, value):
    condition = where(f"X = {text}")
    assert isinstance(condition, Comparison) and isinstance(condition.value, Literal)
    assert (condition.value.kind, condition.value.value) == (kind, value)


@pytest.mark.parametrize(("text", "name", "n"), [
    ("TODAY", "TODAY", None), ("yesterday", "YESTERDAY", None), ("THIS_MONTH", "THIS_MONTH", None),
    ("THIS_QUARTER", "THIS_QUARTER", None), ("LAST_QUARTER", "LAST_QUARTER", None),
    ("LAST_N_DAYS:30", "LAST_N_DAYS", 30), ("NEXT_N_DAYS : 7", "NEXT_N_DAYS", 7),
])
def test_date_literals_with_and_without_a_number(text, name, n):
    condition = where(f"CreatedDate = {text}")
    assert isinstance(condition, Comparison)
    assert condition.value == DateLiteral(name, n, len("SELECT Id FROM Lead WHERE CreatedDate = "))


def test_and_or_not_and_parentheses_nest():
    condition = where("(Name = 'a' OR Name = 'b') AND NOT Company = 'c' AND (NOT (City = 'd'))")
    assert isinstance(condition, And) and len(condition.items) == 3
    assert isinstance(condition.items[0], Or) and isinstance(condition.items[1], Not)
    assert isinstance(condition.items[2], Not)


def test_an_object_alias_is_dropped_from_its_field_paths():
    text = "SELECT c.LastName FROM Contact c WHERE c.Account.Name = 'x'"
    query = parse_soql(text)
    assert query.select[0] == SelectField(FieldPath(("LastName",), 7))
    assert isinstance(query.where, Comparison)
    assert query.where.left == FieldPath(("Account", "Name"), text.index("c.Account"))


def test_order_by_defaults_put_nulls_first_ascending_and_last_descending():
    query = parse_soql("SELECT Id FROM Lead ORDER BY Name, City DESC, Title ASC NULLS LAST")
    assert [item.puts_nulls_first for item in query.order_by] == [True, False, False]


@pytest.mark.parametrize(("text", "column", "message"), [
    ("SELECT Id FROM Lead WHERE", 26, "unexpected token: '<EOF>'"),
    ("SELECT Id FROM Lead WHERE Name = 'a' AND City = 'b' OR Title = 'c'", 53, "unexpected token: 'OR'"),
    ("SELECT Id Lead", 15, "unexpected token: '<EOF>'"),
    ("SELECT FROM Lead", 8, "unexpected token: 'FROM'"),
    ("SELECT Id FROM Lead WHERE Name = 'open", 34, "Invalid string literal: missing closing quote"),
    ("SELECT Id FROM Lead WHERE Name == 'x'", 33, "unexpected token: '='"),
    ("SELECT Id FROM Lead LIMIT ten", 27, "unexpected token: 'ten'"),
    ("SELECT Id FROM Lead OFFSET 2001", 28, "Maximum SOQL offset allowed is 2000"),
    ("SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS", 41,
     "Invalid date literal: LAST_N_DAYS needs a number, as LAST_N_DAYS:7"),
    ("SELECT Id FROM Lead WHERE CloseDate = 2024-02-30", 39, "invalid date or time: '2024-02-30'"),
    ("SELECT Id FROM Lead WHERE Name LIKE 5", 37, "LIKE needs a string"),
    ("SELECT Id FROM Lead WITH SECURITY_ENFORCED", 21, "WITH is not supported in this SOQL subset"),
    ("SELECT Id, COUNT() FROM Lead", 12, "COUNT() may not be used with other fields"),
    ("SELECT Id FROM Lead WHERE Name = 'x' #", 38, "unexpected token: '#'"),
])
def test_a_malformed_query_is_refused_at_its_position_in_salesforces_words(text, column, message):
    error = refused(text)
    assert error.error_code == MALFORMED_QUERY
    assert error.message == message
    assert error.position is not None and (error.position.line, error.position.column) == (1, column)
    assert error.position.offset == column - 1


def test_the_salesforce_message_quotes_the_line_with_a_caret_and_the_row_and_column():
    error = refused("SELECT Id\nFROM Lead\nWHERE Name = = 'x'")
    assert error.position is not None and (error.position.line, error.position.column) == (3, 14)
    assert error.salesforce_message == ("\nWHERE Name = = 'x'\n             ^\nERROR at Row:3:Column:14\n"
                                        "unexpected token: '='")


def test_a_semi_join_is_a_nested_query_of_ids():
    condition = where("AccountId NOT IN (SELECT Id FROM Account WHERE Name = 'x')")
    assert isinstance(condition, SemiJoin) and condition.negated
    assert condition.query.object_name == "Account" and isinstance(condition.query.where, Comparison)
