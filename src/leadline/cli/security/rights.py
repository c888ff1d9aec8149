"""``leadline role rights|grant|revoke``: what each role may create, edit and delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors
from leadline.cli.common import ready_application as app_
from leadline.cli.lazy import lazy_module
from leadline.cli.output import print_json, print_table

if TYPE_CHECKING:
    from leadline.domain.security.rights import ObjectRights
    from leadline.services.security import rights as rights_service
else:
    rights_service = lazy_module("leadline.services.security.rights")

role_app = typer.Typer(help="Object rights per role: who may create, edit and delete leads, accounts, "
                            "contacts and opportunities.", no_args_is_help=True)

ROLE_HELP = "manager or rep (admins always have every right)."
ACTION_HELP = "create, edit or delete."
OBJECT_HELP = "lead, account, contact or opportunity."


@role_app.command("rights")
@handle_errors
def role_rights(as_json: bool = JSON_OPTION) -> None:
    """Show what each role may create, edit and delete.  Example: leadline role rights"""
    rights = rights_service.get_object_rights(app_().context)
    if as_json:
        print_json(rights.as_table())
        return
    _print(rights)


@role_app.command("grant")
@handle_errors
def role_grant(role: str = typer.Argument(..., help=ROLE_HELP), action: str = typer.Argument(..., help=ACTION_HELP),
               record: str = typer.Argument(..., help=OBJECT_HELP), acting_as: str = AS_OPTION) -> None:
    """Let a role create, edit or delete an object's records.  Example: leadline role grant rep create account"""
    _print(rights_service.set_object_right(app_().context, actor_id(acting_as), role, action, record, True))


@role_app.command("revoke")
@handle_errors
def role_revoke(role: str = typer.Argument(..., help=ROLE_HELP), action: str = typer.Argument(..., help=ACTION_HELP),
                record: str = typer.Argument(..., help=OBJECT_HELP), acting_as: str = AS_OPTION) -> None:
    """Stop a role creating, editing or deleting an object's records.

    Example: leadline role revoke rep delete account
    """
    _print(rights_service.set_object_right(app_().context, actor_id(acting_as), role, action, record, False))


def _print(rights: ObjectRights) -> None:
    rows = [(role, kind, *("yes" if held else "no" for held in actions.values()))
            for role, kinds in rights.as_table().items() for kind, actions in kinds.items()]
    print_table("Object rights", ["role", "object", "create", "edit", "delete"], rows)
