"""``leadline lockout list|lift``: accounts and addresses whose failed sign-ins make them wait."""

from __future__ import annotations

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors
from leadline.cli.common import ready_application as app_
from leadline.cli.output import print_json, print_table

lockout_app = typer.Typer(help="Sign-in lockouts after failed passwords: list, lift.", no_args_is_help=True)


@lockout_app.command("list")
@handle_errors
def lockout_list(as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Accounts and addresses that must wait to sign in, locks first (admins only).

    Example: leadline lockout list
    """
    from leadline.services.security.sign_in import list_sign_in_locks

    locks = list_sign_in_locks(app_().context, actor_id(acting_as))
    if as_json:
        print_json([lock.__dict__ for lock in locks])
        return
    print_table("Sign-in lockouts", ["kind", "account or address", "failures", "until", "locked"],
                [(t.kind.value, t.key, t.failures, t.blocked_until, t.locked) for t in locks])


@lockout_app.command("lift")
@handle_errors
def lockout_lift(
    email: str = typer.Option(None, help="The account's e-mail, as it was typed at sign-in."),
    address: str = typer.Option(None, help="The client address, e.g. 203.0.113.7."),
    acting_as: str = AS_OPTION,
) -> None:
    """Forget an account's and/or an address's failed sign-ins, ending its lock at once (admins only,
    audited).

    Example: leadline lockout lift --email sam@example.com
    """
    from leadline.services.security.sign_in import lift_sign_in_lock

    lifted = lift_sign_in_lock(app_().context, actor_id(acting_as), email=email, address=address)
    for throttle in lifted:
        typer.echo(f"lifted {throttle.kind.value} {throttle.key} ({throttle.failures} failed sign-ins)")
