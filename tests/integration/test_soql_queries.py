"""SOQL run against real SQLite and PostgreSQL, on records made through the use cases: sharing
inside the statement, parent fields, child subqueries, aggregates, order with nulls, filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine

from leadline.domain.salesforce.soql.errors import INVALID_FIELD, INVALID_TYPE, SoqlError
from leadline.services import records
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.duplicates.merge import merge_records
from leadline.services.leads import records as leads
from leadline.services.salesforce.query import QueryResult, run_query
from leadline.services.security import users
from leadline.services.security.sharing import set_sharing
from tests.conftest import FakeClock
from tests.query_counts import counted_statements


@dataclass(frozen=True)
class Team:
    admin: int
    manager: int
    rep_a: int
    rep_b: int


@pytest.fixture
def team(ctx: ServiceContext, admin_id: int) -> Team:
    manager = users.add_user(ctx, admin_id, name="Maria Manager", email="maria@example.com", role="manager")
    rep_a = users.add_user(ctx, admin_id, name="Rep A", email="a@example.com", manager=manager.id)
    rep_b = users.add_user(ctx, admin_id, name="Rep B", email="b@example.com")
    return Team(admin_id, manager.id, rep_a.id, rep_b.id)


def query(ctx: ServiceContext, actor: int, soql: str, **options: Any) -> QueryResult:
    return run_query(ctx, actor, soql, **options)


def ids(result: QueryResult) -> list[str]:
    return [record["Id"] for record in result.records]


def lead(ctx: ServiceContext, owner: int, last_name: str, **values: Any) -> int:
    return leads.create_lead(ctx, owner, {"last_name": last_name, "company": f"{last_name} Co", **values}).lead.id


def refused(ctx: ServiceContext, actor: int, soql: str) -> SoqlError:
    with pytest.raises(SoqlError) as caught:
        run_query(ctx, actor, soql)
    return caught.value


def test_a_rep_cannot_see_another_reps_private_lead_through_a_query(ctx, team):
    mine, theirs = lead(ctx, team.rep_a, "Mine"), lead(ctx, team.rep_b, "Theirs")
    assert ids(query(ctx, team.rep_a, "SELECT Id FROM Lead")) == [str(mine)]
    assert query(ctx, team.rep_a, f"SELECT Id FROM Lead WHERE Id = '{theirs}'").total_size == 0
    assert query(ctx, team.rep_a, "SELECT COUNT() FROM Lead").total_size == 1
    grouped = query(ctx, team.rep_a, "SELECT COUNT(Id) n FROM Lead WHERE LastName LIKE 'T%'")
    assert grouped.records[0]["n"] == 0
    assert sorted(ids(query(ctx, team.admin, "SELECT Id FROM Lead"))) == sorted([str(mine), str(theirs)])
    assert ids(query(ctx, team.manager, "SELECT Id FROM Lead")) == [str(mine)]  # only their team's


def test_a_public_read_only_object_is_readable_by_every_rep(ctx, team):
    lead(ctx, team.rep_a, "Shared")
    set_sharing(ctx, team.admin, "lead", "public_read_only")
    assert query(ctx, team.rep_b, "SELECT COUNT() FROM Lead").total_size == 1


def test_a_parent_the_rep_may_not_read_reads_as_no_parent(ctx, team):
    hidden_account = records.create_account(ctx, team.rep_b, {"name": "Hidden Co"}).id
    records.create_contact(ctx, team.admin, {"account_id": hidden_account, "last_name": "Visible",
                                             "owner": team.rep_a})
    record = query(ctx, team.rep_a, "SELECT Id, AccountId, Account.Name, Owner.Email FROM Contact").records[0]
    assert record["AccountId"] is None and record["Account"] is None
    assert record["Owner"]["Email"] == "a@example.com"
    assert query(ctx, team.rep_a, f"SELECT Id FROM Contact WHERE AccountId = '{hidden_account}'").total_size == 0
    shown = query(ctx, team.admin, "SELECT Account.Name, Account.Owner.Name FROM Contact").records[0]
    assert shown["Account"]["Name"] == "Hidden Co" and shown["Account"]["Owner"]["Name"] == "Rep B"
    assert shown["Account"]["attributes"]["type"] == "Account"


def test_child_subqueries_hold_only_readable_children_in_their_order(ctx, team):
    account = records.create_account(ctx, team.rep_a, {"name": "Acme"}).id
    for name, owner in (("Zed", team.rep_a), ("Abe", team.rep_a), ("Secret", team.rep_b)):
        records.create_contact(ctx, team.admin, {"account_id": account, "last_name": name, "owner": owner})
    records.create_opportunity(ctx, team.rep_a, {"account_id": account, "name": "Deal", "amount": "1250.50"})
    empty = records.create_account(ctx, team.rep_a, {"name": "Empty"}).id
    soql = ("SELECT Name, (SELECT LastName, Owner.Email FROM Contacts ORDER BY LastName DESC), "
            "(SELECT Name, Amount, IsWon FROM Opportunities) FROM Account ORDER BY Name")
    acme, nothing = query(ctx, team.rep_a, soql).records
    assert [c["LastName"] for c in acme["Contacts"]["records"]] == ["Zed", "Abe"]
    assert acme["Contacts"]["totalSize"] == 2 and acme["Contacts"]["records"][0]["Owner"]["Email"] == "a@example.com"
    assert acme["Opportunities"]["records"][0]["Amount"] == Decimal("1250.50")
    assert acme["Opportunities"]["records"][0]["IsWon"] is False
    assert nothing["Name"] == "Empty" and nothing["Contacts"] is None and str(empty) in nothing["attributes"]["url"]
    everyone = query(ctx, team.admin, "SELECT (SELECT Id FROM Contacts LIMIT 2) FROM Account WHERE Name = 'acme'")
    assert everyone.records[0]["Contacts"]["totalSize"] == 2


def test_group_by_with_aggregates_and_having(ctx, team):
    account = records.create_account(ctx, team.admin, {"name": "Acme"}).id
    for amount in ("100", "200", "300.25"):
        records.create_opportunity(ctx, team.admin, {"account_id": account, "name": f"Deal {amount}",
                                                     "amount": amount})
    records.create_opportunity(ctx, team.admin, {"account_id": account, "name": "Won", "amount": "50",
                                                 "stage": "Closed Won"})
    result = query(ctx, team.admin, "SELECT StageName, COUNT(Id), SUM(Amount) total, MAX(Amount), AVG(Amount) "
                                    "FROM Opportunity GROUP BY StageName ORDER BY COUNT(Id) DESC")
    first, second = result.records
    assert first == {"attributes": {"type": "AggregateResult"}, "StageName": "Prospecting", "expr0": 3,
                     "total": Decimal("600.2500"), "expr1": Decimal("300.2500"), "expr2": first["expr2"]}
    assert abs(first["expr2"] - Decimal("200.0833")) <= Decimal("0.0001")
    assert (second["StageName"], second["total"]) == ("Closed Won", Decimal("50.0000"))
    having = query(ctx, team.admin, "SELECT StageName s FROM Opportunity GROUP BY StageName HAVING COUNT(Id) > 1")
    assert [r["s"] for r in having.records] == ["Prospecting"]
    counted = query(ctx, team.admin, "SELECT COUNT(Id), COUNT_DISTINCT(AccountId), MIN(Name) FROM Opportunity")
    assert counted.records[0]["expr0"] == 4 and counted.records[0]["expr1"] == 1
    assert counted.records[0]["expr2"] == "Deal 100"


@pytest.mark.parametrize(("order", "expected"), [
    ("Title ASC", [None, "Analyst", "Boss"]),
    ("Title ASC NULLS LAST", ["Analyst", "Boss", None]),
    ("Title DESC", ["Boss", "Analyst", None]),
    ("Title DESC NULLS FIRST", [None, "Boss", "Analyst"]),
])
def test_order_by_places_nulls_as_salesforce_does_on_every_database(ctx, team, order, expected):
    for name, title in (("One", "Boss"), ("Two", None), ("Three", "Analyst")):
        lead(ctx, team.admin, name, **({"title": title} if title else {}))
    result = query(ctx, team.admin, f"SELECT Title FROM Lead ORDER BY {order}")
    assert [r["Title"] for r in result.records] == expected


def test_filters_of_every_kind(ctx, team, clock: FakeClock):
    lead(ctx, team.admin, "Old", title="CEO", annual_revenue="1000000", city="Paris")
    clock.advance(days=40)
    lead(ctx, team.admin, "New", title="cto", number_of_employees=50)
    lead(ctx, team.admin, "Blank")

    def names(where: str) -> list[str]:
        return sorted(r["LastName"] for r in query(ctx, team.admin, f"SELECT LastName FROM Lead WHERE {where}").records)

    assert names("Title = 'ceo'") == ["Old"]  # strings compare ignoring case
    assert names("Title LIKE 'C%'") == ["New", "Old"]
    assert names("Title != 'CEO'") == ["Blank", "New"]  # != keeps the nulls
    assert names("Title IN ('ceo', 'CTO')") == ["New", "Old"]
    assert names("Title NOT IN ('ceo')") == ["Blank", "New"]
    assert names("Title = null") == ["Blank"] and names("Title != NULL") == ["New", "Old"]
    assert names("AnnualRevenue > 999999.99") == ["Old"]
    assert names("NumberOfEmployees >= 50 OR City = 'paris'") == ["New", "Old"]
    assert names("NOT (Title = null) AND (City = null)") == ["New"]
    assert names("CreatedDate = TODAY") == ["Blank", "New"]
    assert names("CreatedDate = LAST_N_DAYS:30") == ["Blank", "New"]
    assert names("CreatedDate < LAST_N_DAYS:30") == ["Old"]
    assert names("CreatedDate = THIS_YEAR") == ["Blank", "New", "Old"]
    assert names("CreatedDate = LAST_QUARTER") == ["Old"] and names("CreatedDate = THIS_QUARTER") == ["Blank", "New"]
    day = (clock.now - timedelta(days=40)).date().isoformat()
    assert names(f"CreatedDate < {day}T23:59:59Z AND IsConverted = false") == ["Old"]
    assert names("Status = 'Open' AND IsDeleted = FALSE") == ["Blank", "New", "Old"]


def test_custom_fields_are_fields_ending_in_c(ctx, team):
    add_custom_field(ctx, team.admin, "lead", "tier", "Tier", "picklist", options=["Gold", "Silver"])
    add_custom_field(ctx, team.admin, "lead", "vip", "VIP", "boolean")
    leads.create_lead(ctx, team.admin, {"last_name": "Gold", "company": "G"}, custom={"tier": "Gold", "vip": "yes"})
    lead(ctx, team.admin, "Plain")
    result = query(ctx, team.admin, "SELECT LastName, Tier__c, VIP__C FROM Lead WHERE tier__c = 'gold'")
    # named as described (the field's own name), whatever the case the query wrote
    assert [(r["LastName"], r["tier__c"], r["vip__c"]) for r in result.records] == [("Gold", "Gold", True)]
    assert query(ctx, team.admin, "SELECT LastName FROM Lead WHERE VIP__c = false").records[0]["LastName"] == "Plain"


def test_query_all_includes_merged_records_and_query_leaves_them_out(ctx, team):
    keep, gone = lead(ctx, team.admin, "Keep"), lead(ctx, team.admin, "Gone")
    merge_records(ctx, team.admin, "lead", [keep, gone], keep=keep)
    assert ids(query(ctx, team.admin, "SELECT Id FROM Lead")) == [str(keep)]
    every = query(ctx, team.admin, "SELECT Id, IsDeleted, MasterRecordId FROM Lead", include_deleted=True)
    assert sorted((r["Id"], r["IsDeleted"], r["MasterRecordId"]) for r in every.records) == sorted([
        (str(gone), True, str(keep)), (str(keep), False, None)])


def test_unknown_fields_objects_and_relationships_are_refused_with_their_position(ctx, team):
    error = refused(ctx, team.admin, "SELECT Id, Nope FROM Lead")
    assert error.error_code == INVALID_FIELD and error.position is not None and error.position.column == 12
    assert error.message.startswith("No such column 'Nope' on entity 'Lead'.")
    error = refused(ctx, team.admin, "SELECT Id FROM Leads")
    assert error.error_code == INVALID_TYPE and error.message.startswith("sObject type 'Leads' is not supported.")
    error = refused(ctx, team.admin, "SELECT Id FROM Lead WHERE Foo.Name = 'x'")
    assert error.error_code == INVALID_FIELD and error.message.startswith("Didn't understand relationship 'Foo'")
    error = refused(ctx, team.admin, "SELECT Id FROM Lead WHERE CreatedDate > 2024-01-01")
    assert error.error_code == INVALID_FIELD and "must be of type dateTime" in error.message
    error = refused(ctx, team.admin, "SELECT Id, (SELECT Id FROM Nothing) FROM Account")
    assert error.error_code == INVALID_TYPE and error.position is not None and error.position.column == 28
    error = refused(ctx, team.admin, "SELECT Name, COUNT(Id) FROM Lead GROUP BY Company")
    assert error.message == "Field must be grouped or aggregated: Name"


def test_each_page_is_one_statement(ctx, team, engine: Engine):
    account = records.create_account(ctx, team.rep_a, {"name": "Acme"}).id
    records.create_contact(ctx, team.rep_a, {"account_id": account, "last_name": "C"})
    query(ctx, team.rep_a, "SELECT Id FROM Lead")  # warms the configuration cache
    soql = "SELECT Name, Owner.Name, (SELECT LastName, Account.Name FROM Contacts) FROM Account WHERE Name LIKE 'A%'"
    with counted_statements(engine) as statements:
        result = query(ctx, team.rep_a, soql)
    assert result.records[0]["Contacts"]["records"][0]["Account"]["Name"] == "Acme"
    reads = [s for s in statements if "accounts" in s]
    assert len(reads) == 1, statements


def test_a_semi_join_reads_only_ids_the_actor_may_read(ctx, team):
    mine = records.create_account(ctx, team.rep_a, {"name": "Mine"}).id
    hidden = records.create_account(ctx, team.rep_b, {"name": "Hidden"}).id
    for account, name in ((mine, "In mine"), (hidden, "In hidden")):
        records.create_contact(ctx, team.admin, {"account_id": account, "last_name": name, "owner": team.rep_a})
    soql = "SELECT LastName FROM Contact WHERE AccountId {} (SELECT Id FROM Account WHERE Name LIKE '%i%')"
    assert [r["LastName"] for r in query(ctx, team.rep_a, soql.format("IN")).records] == ["In mine"]
    assert sorted(r["LastName"] for r in query(ctx, team.admin, soql.format("IN")).records) == ["In hidden",
                                                                                                 "In mine"]
    assert [r["LastName"] for r in query(ctx, team.admin, soql.format("NOT IN")).records] == []
    leads_of_reps = query(ctx, team.admin, "SELECT COUNT() FROM Lead WHERE OwnerId IN (SELECT Id FROM User "
                                           "WHERE Email LIKE 'a@%')")
    assert leads_of_reps.total_size == 0
