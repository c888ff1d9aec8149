"""``leadline account add|update`` and ``leadline contact add|update``: the API's create and
change of accounts and contacts, through the same use cases (the same validation, security and
audit), with ``--custom NAME=VALUE`` for custom fields."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, parse_id, ready_application
from leadline.cli.duplicates import print_check
from leadline.cli.lazy import lazy_module
from leadline.cli.output import fields_of, print_json, print_record
from leadline.domain.configuration.custom_fields import parse_custom_pairs
from leadline.domain.errors import ValidationError

if TYPE_CHECKING:
    from leadline.services import records as record_service
    from leadline.services.duplicates import check as duplicate_check
else:
    record_service = lazy_module("leadline.services.records")
    duplicate_check = lazy_module("leadline.services.duplicates.check")

CUSTOM = typer.Option(None, help="NAME=VALUE for a custom field (see `leadline field list`), repeatable; "
                                 "an empty VALUE clears it on update.")
IF_VERSION = typer.Option(None, "--if-version", help="Refuse the change if the record is no longer at this "
                                                     "version (STALE_RECORD).")
OWNER = typer.Option(None, help="Owner, e-mail or id; default: you.")


def register(account_app: typer.Typer, contact_app: typer.Typer) -> None:
    """Add these commands to the ``account`` and ``contact`` groups."""
    account_app.command("add")(handle_errors(account_add))
    account_app.command("update")(handle_errors(account_update))
    contact_app.command("add")(handle_errors(contact_add))
    contact_app.command("update")(handle_errors(contact_update))


def record_rows(record: Any) -> list[tuple[str, Any]]:
    """The record's fields for ``show``, custom values as ``custom.<name>`` rows."""
    fields = fields_of(record)
    custom = fields.pop("custom", None) or {}
    return [*fields.items(), *((f"custom.{name}", value) for name, value in sorted(custom.items()))]


def show_record(kind: str, record: Any, as_json: bool) -> None:
    if as_json:
        print_json(record)
        return
    print_record(f"{kind.capitalize()} {record.id}", record_rows(record))


DUPLICATE_OVERRIDE = typer.Option(None, "--duplicate-override-reason",
                                  help="Why, when a blocking duplicate rule matches (kept in history).")


def _values(given: dict[str, Any], custom: list[str] | None) -> dict[str, Any]:
    values = {name: value for name, value in given.items() if value is not None}
    if custom:
        values["custom"] = parse_custom_pairs(custom)
    return values


def _update(kind: str, record_id: str, given: dict[str, Any], custom: list[str] | None, if_version: int | None,
            acting_as: str | None, as_json: bool) -> None:
    changes = _values(given, custom)
    if not changes:
        raise ValidationError(f"give at least one field to change (see leadline {kind} update --help)", field=kind)
    record = record_service.update_record(ready_application().context, actor_id(acting_as), kind,
                                          parse_id(record_id, kind), changes, expected_version=if_version)
    show_record(kind, record, as_json)


def _account_fields(name: str | None, website: str | None, industry: str | None, employees: str | None,
                    street: str | None, city: str | None, state: str | None, postal_code: str | None,
                    country: str | None, parent: str | None, owner: str | None) -> dict[str, Any]:
    return {"name": name, "website": website, "industry": industry, "number_of_employees": employees,
            "billing_street": street, "billing_city": city, "billing_state": state,
            "billing_postal_code": postal_code, "billing_country": country, "parent_id": parent, "owner": owner}


def account_add(
    name: str = typer.Option(None, help="Required: the organisation's name."),
    website: str = typer.Option(None, help="Its web address; sets the domain leads are matched on."),
    industry: str = typer.Option(None), employees: str = typer.Option(None, help="Number of employees."),
    street: str = typer.Option(None, help="Billing street."), city: str = typer.Option(None, help="Billing city."),
    state: str = typer.Option(None, help="Billing state."),
    postal_code: str = typer.Option(None, help="Billing postal code."),
    country: str = typer.Option(None, help="Billing country, e.g. DE."),
    parent: str = typer.Option(None, help="Parent account id."), owner: str = OWNER,
    custom: list[str] = CUSTOM, duplicate_override: str = DUPLICATE_OVERRIDE, as_json: bool = JSON_OPTION,
    acting_as: str = AS_OPTION,
) -> None:
    """Create an account.

    Example: leadline account add --name Globex --website https://globex.example --custom tier=Gold
    """
    values = _values({**_account_fields(name, website, industry, employees, street, city, state, postal_code,
                                        country, parent, owner), "duplicate_override_reason": duplicate_override},
                     custom)
    found = duplicate_check.DuplicateReport()
    account = record_service.create_account(ready_application().context, actor_id(acting_as), values,
                                            duplicates=found)
    print_check(found.check, to_stderr=True)
    show_record("account", account, as_json)


def account_update(
    account_id: str = typer.Argument(..., help="The account's id."),
    name: str = typer.Option(None), website: str = typer.Option(None), industry: str = typer.Option(None),
    employees: str = typer.Option(None, help="Number of employees."),
    street: str = typer.Option(None, help="Billing street."), city: str = typer.Option(None, help="Billing city."),
    state: str = typer.Option(None, help="Billing state."),
    postal_code: str = typer.Option(None, help="Billing postal code."),
    country: str = typer.Option(None, help="Billing country, e.g. DE."),
    parent: str = typer.Option(None, help="Parent account id (empty: none)."),
    owner: str = typer.Option(None, help="New owner, e-mail or id."),
    custom: list[str] = CUSTOM, if_version: int = IF_VERSION, as_json: bool = JSON_OPTION,
    acting_as: str = AS_OPTION,
) -> None:
    """Change an account's fields; only those given change (an empty value clears one).

    Example: leadline account update 1234567890 --industry Energy --custom tier=Silver --if-version 2
    """
    given = _account_fields(name, website, industry, employees, street, city, state, postal_code, country,
                            parent, owner)
    _update("account", account_id, given, custom, if_version, acting_as, as_json)


def contact_add(
    account: str = typer.Option(None, help="Required: the id of the contact's account."),
    last_name: str = typer.Option(None, help="Required."), first_name: str = typer.Option(None),
    email: str = typer.Option(None), phone: str = typer.Option(None), title: str = typer.Option(None),
    source: str = typer.Option(None, help="A lead source label (see `leadline source list`)."),
    owner: str = OWNER, custom: list[str] = CUSTOM, duplicate_override: str = DUPLICATE_OVERRIDE,
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Create a contact at an account.

    Example: leadline contact add --account 1234567890 --first-name Hank --last-name Scorpio
    --email hank@globex.example --custom language=German
    """
    values = _values({"account_id": account, "last_name": last_name, "first_name": first_name, "email": email,
                      "phone": phone, "title": title, "lead_source": source, "owner": owner,
                      "duplicate_override_reason": duplicate_override}, custom)
    found = duplicate_check.DuplicateReport()
    contact = record_service.create_contact(ready_application().context, actor_id(acting_as), values,
                                            duplicates=found)
    print_check(found.check, to_stderr=True)
    show_record("contact", contact, as_json)


def contact_update(
    contact_id: str = typer.Argument(..., help="The contact's id."),
    account: str = typer.Option(None, help="Move the contact to this account id."),
    last_name: str = typer.Option(None), first_name: str = typer.Option(None), email: str = typer.Option(None),
    phone: str = typer.Option(None), title: str = typer.Option(None),
    source: str = typer.Option(None, help="A lead source label (empty: none)."),
    owner: str = typer.Option(None, help="New owner, e-mail or id."),
    custom: list[str] = CUSTOM, if_version: int = IF_VERSION, as_json: bool = JSON_OPTION,
    acting_as: str = AS_OPTION,
) -> None:
    """Change a contact's fields; only those given change (an empty value clears one).

    Example: leadline contact update 1234567890 --title CFO --phone "+49 30 1234567"
    """
    given = {"account_id": account, "last_name": last_name, "first_name": first_name, "email": email,
             "phone": phone, "title": title, "lead_source": source, "owner": owner}
    _update("contact", contact_id, given, custom, if_version, acting_as, as_json)
