"""``leadline token ...``, ``leadline sharing ...`` and ``leadline user set-password``."""

from __future__ import annotations

import sys

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, is_interactive, parse_id, whole_number
from leadline.cli.common import ready_application as app_
from leadline.cli.output import print_json, print_table
from leadline.domain.errors import ValidationError

token_app = typer.Typer(help="API tokens: create (shown once), list, revoke.", no_args_is_help=True)
sharing_app = typer.Typer(help="Organisation-wide sharing defaults per object.", no_args_is_help=True)


@token_app.command("create")
@handle_errors
def token_create(
    name: str = typer.Option(..., help="What the token is for, e.g. 'zapier'."),
    user: str = typer.Option(None, help="E-mail or id of the token's user; default: you."),
    expires_days: int = typer.Option(90, parser=whole_number(), help="Days until it expires."),
    never_expires: bool = typer.Option(False, "--never-expires"),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Create an API token and print it once; keep it secret.

    Example: leadline token create --name reporting --user sam@example.com --expires-days 30
    """
    from leadline.services.security.auth import create_token

    token, info = create_token(app_().context, actor_id(acting_as), name=name, user=user,
                               expires_in_days=None if never_expires else expires_days)
    if as_json:
        print_json({"token": token, **info.__dict__})
        return
    typer.echo(f"token {info.id} for user {info.user_id}, expires {info.expires_at or 'never'}:")
    typer.echo(token)


@token_app.command("list")
@handle_errors
def token_list(as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """List tokens (yours; an admin sees all).  Example: leadline token list"""
    from leadline.services.security.auth import list_tokens

    tokens = list_tokens(app_().context, actor_id(acting_as))
    if as_json:
        print_json(tokens)
        return
    print_table("API tokens", ["id", "user", "name", "starts with", "created", "expires", "revoked"],
                [(t.id, t.user_id, t.name, t.prefix, t.created_at, t.expires_at, t.revoked_at) for t in tokens])


@token_app.command("revoke")
@handle_errors
def token_revoke(token_id: str, acting_as: str = AS_OPTION) -> None:
    """Revoke a token at once.  Example: leadline token revoke 1234567890"""
    from leadline.services.security.auth import revoke_token

    revoke_token(app_().context, actor_id(acting_as), parse_id(token_id, "token"))
    typer.echo(f"revoked token {token_id}")


def set_password_command(
    user: str = typer.Argument(..., help="E-mail or id."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from standard input."),
    acting_as: str = AS_OPTION,
) -> None:
    """Set a user's password (prompted in a terminal, or from stdin for scripts).

    Example: echo "$PASSWORD" | leadline user set-password sam@example.com --password-stdin
    """
    from leadline.services.security.auth import set_password

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    elif is_interactive():
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    else:
        raise ValidationError("give it on standard input with --password-stdin", field="password")
    set_password(app_().context, actor_id(acting_as), user, password)
    typer.echo(f"password set for {user}")


@sharing_app.command("list")
@handle_errors
def sharing_list(as_json: bool = JSON_OPTION) -> None:
    """Show each object's organisation-wide default.  Example: leadline sharing list"""
    from leadline.services.security.sharing import get_sharing

    sharing = get_sharing(app_().context)
    if as_json:
        print_json({k.value: v.value for k, v in sharing.items()})
        return
    print_table("Sharing defaults", ["object", "access"], [(k.value, v.value) for k, v in sharing.items()])


@sharing_app.command("set")
@handle_errors
def sharing_set(
    record: str = typer.Argument(..., help="lead, account, contact or opportunity."),
    access: str = typer.Argument(..., help="private, public_read_only or public_read_write."),
    acting_as: str = AS_OPTION,
) -> None:
    """Set an object's organisation-wide default.  Example: leadline sharing set account public_read_only"""
    from leadline.services.security.sharing import set_sharing

    sharing = set_sharing(app_().context, actor_id(acting_as), record, access)
    typer.echo(", ".join(f"{k.value}: {v.value}" for k, v in sharing.items()))
