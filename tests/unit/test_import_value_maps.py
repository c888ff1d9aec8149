"""Value mappings of a saved import mapping (domain): checked against the field's labels, merged
after the standard values (the saved one wins), read into standard and custom pick-list values;
HubSpot's Lifecycle Stage reads as the status only when no Lead Status column is there."""

from __future__ import annotations

from leadline.domain.errors import ValidationError
from leadline.domain.imports.mapping import ColumnPlan, column_table, plan_columns
from leadline.domain.imports.values import (
    RATING_LABELS,
    ValueField,
    described_values,
    ensure_value_maps,
    standard_values,
    with_saved_values,
)
from tests.unit.builders import raises_error

FIELDS = {"status": ValueField("status", ("Open", "Contacted", "Qualified")),
          "rating": ValueField("rating", RATING_LABELS), "industry": ValueField("industry", None),
          "custom.tier": ValueField("custom.tier", ("Gold", "Silver"))}


def test_a_value_mapping_names_its_target_in_the_label_s_own_spelling() -> None:
    checked = ensure_value_maps({"status": {" Hot prospect ": "qualified"}, "custom.tier": {"G": "GOLD"},
                                 "industry": {"Tech": "Technology"}, "rating": {}}, FIELDS)
    assert checked == {"status": {"Hot prospect": "Qualified"}, "custom.tier": {"G": "Gold"},
                       "industry": {"Tech": "Technology"}}


def test_a_target_that_is_no_label_of_the_field_is_refused_naming_the_field_and_its_labels() -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="values.status") as caught:
        ensure_value_maps({"status": {"Hot prospect": "Hot"}}, FIELDS)
    assert caught.value.message == "'Hot' is not a label of status (one of: Open, Contacted, Qualified)"
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="values.custom.tier"):
        ensure_value_maps({"custom.tier": {"B": "Bronze"}}, FIELDS)
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="values.industry"):
        ensure_value_maps({"industry": {"Tech": "x" * 81}}, FIELDS)


def test_a_field_that_is_no_pick_list_and_a_blank_file_value_are_refused() -> None:
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="values") as caught:
        ensure_value_maps({"phone": {"a": "b"}}, FIELDS)
    assert "status, rating, industry, custom.tier" in caught.value.message
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="values.rating"):
        ensure_value_maps({"rating": {" - ": "Hot"}}, FIELDS)


def test_a_saved_value_mapping_wins_over_the_standard_one_for_the_same_value() -> None:
    standard = standard_values("lead", {"status": ["Open"], "source": []})
    merged = with_saved_values(standard, {"status": {"Attempted to contact": "Open"}, "rating": {"A": "Hot"}})
    assert merged["status"]["attemptedtocontact"] == "Open"  # the standard table says Contacted
    assert merged["status"]["inprogress"] == "Contacted" and merged["rating"] == {"a": "Hot"}
    assert standard["status"]["attemptedtocontact"] == "Contacted"  # the standard table is left as it was


def test_the_plan_reads_standard_and_custom_pick_list_values_through_the_value_map() -> None:
    plan = plan_columns(["LastName", "Company", "Status", "tier"], custom_fields=["tier"])
    plan = type(plan).of(plan.headers, plan.columns(), (), {"status": {"hotprospect": "Qualified"},
                                                          "custom.tier": {"g": "Gold"}})
    values, custom = plan.row_values(["Ames", "A Co", "Hot Prospect", "g"])
    assert (values["status"], custom) == ("Qualified", {"tier": "Gold"})
    values, custom = plan.row_values(["Ames", "A Co", "Open", "Silver"])
    assert (values["status"], custom) == ("Open", {"tier": "Silver"})


def test_hubspot_s_lifecycle_stage_is_the_status_only_without_a_lead_status_column() -> None:
    alone = plan_columns(["lastname", "company", "lifecyclestage"])
    assert alone.columns() == {"lastname": "last_name", "company": "company", "lifecyclestage": "status"}
    both = plan_columns(["Lifecycle Stage", "Last Name", "Company Name", "hs_lead_status"])
    assert both.columns()["hs_lead_status"] == "status" and both.ignored == ("Lifecycle Stage",)
    tables = standard_values("lead", {"status": ["Open", "Contacted", "Qualified", "Unqualified"]})
    table = column_table(tables, "status", "Lifecycle Stage")
    assert {stage: table[stage] for stage in ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead",
                                              "opportunity", "customer", "evangelist", "other")} == {
        "subscriber": "Open", "lead": "Open", "marketingqualifiedlead": "Open", "salesqualifiedlead": "Qualified",
        "opportunity": "Qualified", "customer": "Qualified", "evangelist": "Qualified", "other": "Open"}


def test_the_lifecycle_stages_are_read_in_a_lifecycle_stage_column_only() -> None:
    tables = with_saved_values(standard_values("lead", {"status": ["Open", "Contacted", "Qualified"]}),
                               {"status": {"Lead": "Contacted"}})
    generic = ColumnPlan.of(["Last Name", "Status"], {"Last Name": "last_name", "Status": "status"}, (), tables)
    assert generic.row_values(["Ames", "Customer"])[0]["status"] == "Customer"  # refused by the status's rule
    assert generic.row_values(["Ames", "NEW"])[0]["status"] == "Open"
    hubspot = ColumnPlan.of(["Last Name", "Lifecycle Stage"], {"Last Name": "last_name", "Lifecycle Stage": "status"},
                            (), tables)
    assert hubspot.row_values(["Ames", "Customer"])[0]["status"] == "Qualified"
    assert hubspot.row_values(["Ames", "lead"])[0]["status"] == "Contacted"  # the team's own wins there too


def test_value_mappings_are_described_on_one_line() -> None:
    assert described_values({"status": {"Hot": "Qualified"}, "custom.tier": {"G": "Gold"}}) == (
        "status: Hot -> Qualified; custom.tier: G -> Gold")
