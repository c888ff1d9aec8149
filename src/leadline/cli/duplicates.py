"""``leadline duplicates rules|check|scan|groups``, ``leadline merge leads|contacts|accounts|undo``
and ``leadline export leads|accounts|contacts|opportunities``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from leadline.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    actor_id,
    day_start,
    handle_errors,
    ready_application,
)
from leadline.cli.lazy import lazy_module
from leadline.cli.output import error_console, print_json, print_table
from leadline.domain.common import DAY_RULE, counted
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ValidationError
from leadline.domain.queries import RecordQuery

if TYPE_CHECKING:
    from leadline.domain.duplicates.check import DuplicateCheck
    from leadline.services import custom_values, exports
    from leadline.services.duplicates import check as duplicate_check
    from leadline.services.duplicates import groups as duplicate_groups
    from leadline.services.duplicates import merge as merges
    from leadline.services.duplicates import rules as duplicate_rules
    from leadline.services.leads import records as lead_service
    from leadline.services.security import users as user_service
else:
    duplicate_check = lazy_module("leadline.services.duplicates.check")
    duplicate_groups = lazy_module("leadline.services.duplicates.groups")
    duplicate_rules = lazy_module("leadline.services.duplicates.rules")
    merges = lazy_module("leadline.services.duplicates.merge")
    exports = lazy_module("leadline.services.exports")
    lead_service = lazy_module("leadline.services.leads.records")
    custom_values = lazy_module("leadline.services.custom_values")
    user_service = lazy_module("leadline.services.security.users")

duplicates_app = typer.Typer(help="Duplicate rules, checks and duplicate groups.", no_args_is_help=True)
merge_app = typer.Typer(help="Merge duplicate leads, contacts or accounts, and undo a merge.", no_args_is_help=True)
export_app = typer.Typer(help="Export a filtered list to CSV or .xlsx.", no_args_is_help=True)


def print_check(check: DuplicateCheck | None, *, to_stderr: bool = False) -> None:
    """The matches of a check, one line each (on stderr beside a record's output)."""
    if check is None:
        return
    lines = [f"duplicate: {kind_} {rid} (score {score}, {action}): {'; '.join(reasons)}"
             for kind_, rid, score, action, reasons in
             ((m.record_kind.value, m.record_id, m.score, m.action.value, m.reasons) for m in check.matches)]
    lines += [f"duplicate: {h.message} ({h.action.value})" for h in check.hidden]
    for line in lines:
        if to_stderr:
            error_console.print(line, highlight=False, markup=False)
        else:
            typer.echo(line)


@duplicates_app.command("rules")
@handle_errors
def rules(
    kind: str = typer.Option(None, help="With --match: the rule's record kind (lead, contact, account)."),
    match: str = typer.Option(None, help="email, phone, domain_company or person_at_company."),
    action: str = typer.Option(None, help="allow, warn or block."),
    threshold: int = typer.Option(None, help="1-100: how similar fuzzy values must be."),
    active: bool = typer.Option(None, "--active/--inactive"),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """List the duplicate rules in force; with --kind and --match, change one (admins).

    Example: leadline duplicates rules --kind lead --match email --action block
    """
    context, actor = ready_application().context, actor_id(acting_as)
    if kind or match:
        duplicate_rules.set_duplicate_rule(context, actor, kind, match, action=action, threshold=threshold,
                                           active=active)
    found = duplicate_rules.list_duplicate_rules(context, actor)
    if as_json:
        print_json([{"record_kind": r.record_kind.value, "match": r.match.value, "action": r.action.value,
                     "threshold": r.threshold, "active": r.active} for r in found])
        return
    print_table("Duplicate rules", ["kind", "match", "action", "threshold", "active"],
                [(r.record_kind.value, r.match.value, r.action.value, r.threshold, r.active) for r in found])


@duplicates_app.command("check")
@handle_errors
def check(
    kind: str = typer.Argument(..., help="lead, contact or account."),
    value: list[str] = typer.Option(None, "--value", help="FIELD=VALUE, repeatable (email, phone, company...)."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """What a record with these values would duplicate; creates nothing.

    Example: leadline duplicates check lead --value email=ann@acme.example --value company=Acme
    """
    values = dict(_pair(v) for v in value or [])
    found = duplicate_check.find_duplicates(ready_application().context, actor_id(acting_as), kind, values)
    if as_json:
        print_json({"matches": [{"record_kind": m.record_kind.value, "id": str(m.record_id), "score": m.score,
                                 "reasons": list(m.reasons), "action": m.action.value} for m in found.matches],
                    "hidden": [{"record_kind": h.record_kind.value, "message": h.message} for h in found.hidden]})
        return
    if not found.matches and not found.hidden:
        typer.echo("no duplicates")
    print_check(found)


@duplicates_app.command("scan")
@handle_errors
def scan(kind: list[str] = typer.Option(None, help="lead, contact or account, repeatable; default: all."),
         acting_as: str = AS_OPTION) -> None:
    """Find the duplicate groups among every lead, contact and account, and store them (admins).

    Example: leadline duplicates scan --kind lead
    """
    found = duplicate_groups.find_duplicate_groups(ready_application().context, actor_id(acting_as), kind or [])
    for record_kind, count in found.items():
        typer.echo(f"{record_kind.value}: {counted(count, 'group')}")


@duplicates_app.command("groups")
@handle_errors
def groups(kind: str = typer.Option(None, help="lead, contact or account."),
           limit: int = typer.Option(100, help="How many, best first."),
           as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """The duplicate groups the last scan found, best score first (admins).

    Example: leadline duplicates groups --kind lead
    """
    found = duplicate_groups.list_duplicate_groups(ready_application().context, actor_id(acting_as), kind, limit)
    if as_json:
        print_json([{"id": str(i), "record_kind": g.record_kind.value, "record_ids": [str(r) for r in g.record_ids],
                     "score": g.score, "reasons": list(g.reasons)} for i, g in found])
        return
    print_table("Duplicate groups", ["group", "kind", "records", "score", "reasons"],
                [(i, g.record_kind.value, " ".join(map(str, g.record_ids)), g.score, "; ".join(g.reasons))
                 for i, g in found])


def _pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise ValidationError(f"{text!r} is not NAME=VALUE", field="value")
    return name.strip(), value


def _merge(kind: str, ids: list[str], keep: str | None, field: list[str] | None, as_json: bool,
           acting_as: str | None) -> None:
    merge = merges.merge_records(ready_application().context, actor_id(acting_as), kind, ids, keep=keep,
                                 fields=dict(_pair(f) for f in field or []))
    if as_json:
        print_json({"id": str(merge.id), "survivor_id": str(merge.survivor_id),
                    "merged_ids": [str(i) for i in merge.merged_ids]})
        return
    typer.echo(f"merge {merge.id}: {' '.join(map(str, merge.merged_ids))} merged into {merge.survivor_id} "
               f"(undo: leadline merge undo {merge.id})")


KEEP = typer.Option(None, help="The record that survives; default: the oldest.")
FIELD = typer.Option(None, "--field", help="NAME=ID: keep this record's value of NAME, repeatable.")


@merge_app.command("leads")
@handle_errors
def merge_leads(ids: list[str] = typer.Argument(..., help="Two to ten lead ids."), keep: str = KEEP,
                field: list[str] = FIELD, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Merge leads; each field keeps the newest non-empty value unless --field says otherwise.

    Example: leadline merge leads 111 222 --keep 111 --field phone=222
    """
    _merge("lead", ids, keep, field, as_json, acting_as)


@merge_app.command("contacts")
@handle_errors
def merge_contacts(ids: list[str] = typer.Argument(..., help="Two to ten contact ids."), keep: str = KEEP,
                   field: list[str] = FIELD, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Merge contacts.  Example: leadline merge contacts 111 222 --keep 111"""
    _merge("contact", ids, keep, field, as_json, acting_as)


@merge_app.command("accounts")
@handle_errors
def merge_accounts(ids: list[str] = typer.Argument(..., help="Two to ten account ids."), keep: str = KEEP,
                   field: list[str] = FIELD, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Merge accounts.  Example: leadline merge accounts 111 222 --field industry=222"""
    _merge("account", ids, keep, field, as_json, acting_as)


@merge_app.command("undo")
@handle_errors
def undo(merge_id: str = typer.Argument(...), acting_as: str = AS_OPTION) -> None:
    """Undo a merge, while nothing depends on it.  Example: leadline merge undo 333"""
    merge = merges.undo_merge(ready_application().context, actor_id(acting_as), merge_id)
    typer.echo(f"merge {merge.id} undone: {' '.join(map(str, merge.merged_ids))} restored")


OUTPUT = typer.Option(..., "--output", "-o", help="The file to write; '-' for standard output (CSV only).")
FORMAT = typer.Option(None, "--format", help="csv or xlsx; default: from the file name, else csv.")


def _write(kind: str, query: Any, output: str, file_format: str | None, acting_as: str | None) -> None:
    chosen = exports.parse_format(file_format or (Path(output).suffix if output != "-" else "csv") or "csv")
    table = exports.export_table(ready_application().context, actor_id(acting_as), kind, query)
    if chosen == "xlsx":
        if output == "-":
            raise ValidationError("an .xlsx export needs a file", field="output")
        count = exports.write_xlsx(table, Path(output))
    else:
        count = 0
        with (open(output, "w", newline="", encoding="utf-8") if output != "-" else sys.stdout) as out:
            for chunk in exports.csv_chunks(table):
                out.write(chunk)
                count += chunk.count("\r\n")
            count -= 1  # the header
    if output != "-":
        typer.echo(f"exported {count} {kind} rows to {output}")


@export_app.command("leads")
@handle_errors
def export_leads(
    output: str = OUTPUT, file_format: str = FORMAT,
    status: list[str] = typer.Option(None, help="Status label, repeatable."),
    source: list[str] = typer.Option(None, help="Source label, repeatable."),
    owner: list[str] = typer.Option(None, help="Owner e-mail or id, repeatable."),
    search: str = typer.Option(None, help="Text in name, e-mail or company."),
    created_from: str = typer.Option(None, help=f"{DAY_RULE} (inclusive)."),
    created_to: str = typer.Option(None, help=f"{DAY_RULE} (exclusive)."),
    custom: list[str] = typer.Option(None, help="NAME=VALUE custom-field filter, repeatable."),
    acting_as: str = AS_OPTION,
) -> None:
    """Export the leads that `lead list` with the same filters shows (all pages), with custom fields.

    Example: leadline export leads --status Open --output open-leads.xlsx
    """
    query = lead_service.resolve_lead_query(
        ready_application().context, statuses=status or [], sources=source or [], owners=owner or [],
        search=search, custom=custom or [], created_from=day_start(created_from, "created_from"),
        created_to=day_start(created_to, "created_to"))
    _write("lead", query, output, file_format, acting_as)


def _record_export(kind: RecordType) -> Any:
    def command(output: str = OUTPUT, file_format: str = FORMAT,
                owner: list[str] = typer.Option(None, help="Owner e-mail or id, repeatable."),
                search: str = typer.Option(None, help="Text in the name."),
                custom: list[str] = typer.Option(None, help="NAME=VALUE custom-field filter, repeatable."),
                acting_as: str = AS_OPTION) -> None:
        context = ready_application().context
        query = RecordQuery(owner_ids=user_service.resolve_query_owners(context, owner or []), search=search,
                            custom=custom_values.resolve_custom_filters(context, kind, custom or []))
        _write(kind.value, query, output, file_format, acting_as)

    command.__doc__ = (f"Export {kind.value} records (all pages), with custom fields.\n\n"
                       f"Example: leadline export {kind.value}s --output {kind.value}s.csv").replace("ys", "ies")
    return handle_errors(command)


export_app.command("accounts")(_record_export(RecordType.ACCOUNT))
export_app.command("contacts")(_record_export(RecordType.CONTACT))
export_app.command("opportunities")(_record_export(RecordType.OPPORTUNITY))
