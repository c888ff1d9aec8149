"""``leadline user add|list``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, ready_application
from leadline.cli.lazy import lazy_module
from leadline.cli.output import print_json, print_table

if TYPE_CHECKING:
    from leadline.services.security import users as user_service
else:
    user_service = lazy_module("leadline.services.security.users")

app = typer.Typer(help="Users and the role hierarchy.", no_args_is_help=True)


@app.command("add")
@handle_errors
def add(
    email: str = typer.Option(...), name: str = typer.Option(...),
    role: str = typer.Option("rep", help="admin, manager or rep."),
    manager: str = typer.Option(None, help="Manager's e-mail or id."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Add a user (admins only).  Example: leadline user add --email sam@example.com --name "Sam Rep"
    --manager maria@example.com"""
    user = user_service.add_user(ready_application().context, actor_id(acting_as), name=name, email=email,
                                 role=role, manager=manager)
    if as_json:
        print_json(user)
    else:
        typer.echo(f"added {user.role.value} {user.name} <{user.email}> (id {user.id})")


@app.command("list")
@handle_errors
def list_(as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """List users with their role and manager.  Example: leadline user list --json"""
    users = user_service.list_users(ready_application().context, actor_id(acting_as))
    if as_json:
        print_json(users)
        return
    names = {u.id: u.name for u in users}
    print_table("Users", ["id", "name", "email", "role", "manager", "active"],
                [(u.id, u.name, u.email, u.role, names.get(u.manager_id) if u.manager_id else None, u.active)
                 for u in users])
