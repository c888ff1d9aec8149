"""``leadline import save-mapping --value``, ``import map-values`` and ``import mappings`` on
SQLite and PostgreSQL: a team's value mappings saved with a column mapping, refused naming the
labels allowed, read on import (a dry run shows them)."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import Cli


def test_a_team_saves_value_mappings_with_its_column_mapping_and_the_import_reads_them(
    cli: Cli, tmp_path: Path
) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    cli("import", "save-mapping", "fair", "--column", "Badge=last_name", "--column", "Firm=company",
        "--column", "Stage=status", "--column", "Grade=rating", "--value", "rating:A=hot")
    refused = cli("import", "map-values", "fair", "status", "Hot prospect=Warm", ok=False)
    assert refused.code != 0
    said = refused.err + refused.out
    assert "'Warm' is not a label of status (one of: Open, Contacted, Qualified, Unqualified)" in said
    shown = cli("import", "map-values", "fair", "status", "Hot prospect=contacted", "Cold=open")
    assert "status: Hot prospect -> Contacted, Cold -> Open" in shown.out and "rating: A -> Hot" in shown.out
    listed = cli("import", "mappings", "--json").json()
    assert listed["fair"]["values"] == {"rating": {"A": "Hot"},  # type: ignore[index]
                                        "status": {"Hot prospect": "Contacted", "Cold": "Open"}}
    assert "Hot prospect -> Contacted" in cli("import", "mappings").out
    path = tmp_path / "fair.csv"
    path.write_text("Badge,Firm,Stage,Grade\nAmes,A Co,Hot prospect,A\nBose,B Co,cold,\n", encoding="utf-8")
    dry = cli("import", "leads", str(path), "--mapping", "fair", "--dry-run", "--json").json()
    assert (dry["imported"], dry["failed"]) == (2, 0)  # type: ignore[index]
    assert dry["value_mappings"]["status"] == {"Hot prospect": "Contacted", "Cold": "Open"}  # type: ignore[index]
    assert "Hot prospect -> Contacted" in cli("import", "status", dry["id"]).out  # type: ignore[index]
    cli("import", "leads", str(path), "--mapping", "fair")
    listed_leads = cli("lead", "list", "--json").json()
    leads = {lead["name"]: (lead["status"], cli("lead", "show", lead["id"], "--json").json()["rating"])  # type: ignore
             for lead in listed_leads}  # type: ignore[union-attr]
    assert leads == {"Ames": ("Contacted", "hot"), "Bose": ("Open", None)}
    assert "Example" in cli("import", "map-values", "--help").out
    gone = cli("import", "map-values", "nope", "status", "a=Open", ok=False)
    assert gone.code != 0 and "no saved import mapping 'nope'" in gone.err + gone.out


def test_a_role_that_may_not_create_leads_saves_no_lead_mapping(cli: Cli) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    cli("user", "add", "--email", "sam@example.com", "--name", "Sam")
    cli("import", "save-mapping", "fair", "--column", "Badge=last_name", "--column", "Firm=company",
        "--column", "Grade=rating", "--value", "rating:A=hot")
    cli("role", "revoke", "rep", "create", "lead")
    for args in (("save-mapping", "fair", "--column", "Badge=last_name", "--column", "Firm=company"),
                 ("map-values", "fair", "rating", "A=cold")):
        denied = cli("import", *args, "--as", "sam@example.com", ok=False)
        assert denied.code == 5 and "PERMISSION_DENIED" in denied.err
    listed = cli("import", "mappings", "--json").json()
    assert listed["fair"]["values"] == {"rating": {"A": "Hot"}}  # type: ignore[index]
