"""What every command shares: the application, the acting user, and one way to fail."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache, wraps
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.markup import escape

from leadline.cli.output import error_console
from leadline.domain.common import date_field
from leadline.domain.errors import (
    ConflictError,
    DatabaseUnavailableError,
    LeadlineError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from leadline.domain.queries import Page
from leadline.domain.reports import start_of_day

if TYPE_CHECKING:
    from leadline.bootstrap import Application

F = TypeVar("F", bound=Callable[..., Any])


def whole_number(minimum: int | None = None, maximum: int | None = None) -> Callable[[str | int], int]:
    """A parser of an option's whole number (``parser=whole_number(0, 100)``), written in the
    digits 0-9 only: ``int()`` reads "１２" as 12, which a command should refuse, not guess."""

    def parse(value: str | int) -> int:
        text = str(value).strip()
        if not text.isascii():
            raise typer.BadParameter(f"{value!r} is not a whole number: write it with the digits 0-9")
        try:
            number = int(text)
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not a whole number") from None
        if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
            raise typer.BadParameter(f"{number} is not in the range {minimum if minimum is not None else ''}"
                                     f"..{maximum if maximum is not None else ''}")
        return number

    return parse

#: Exit codes, documented in the README: scripts can tell bad input from a missing record. A named
#: error takes the code of its kind: REASON_REQUIRED is bad input (2); STATUS_TRANSITION_NOT_ALLOWED,
#: CRITERIA_NOT_MET, UNDO_REFUSED and LEAD_ALREADY_CONVERTED are conflicts with stored data (4).
EXIT_CODES: list[tuple[type[LeadlineError], int]] = [
    (ValidationError, 2),
    (NotFoundError, 3),
    (ConflictError, 4),
    (PermissionDeniedError, 5),
    (DatabaseUnavailableError, 7),
    (LeadlineError, 1),
]
#: A bulk command that ran, but left at least one of its records undone (each says why on its line).
EXIT_INCOMPLETE = 6

JSON_OPTION = typer.Option(False, "--json", help="Print JSON for scripts instead of a table.")
AS_OPTION = typer.Option(
    None, "--as", envvar="LEADLINE_USER", help="Act as this user (e-mail or id); default: the first admin."
)


@lru_cache(maxsize=1)
def application() -> Application:
    from leadline.bootstrap import build_application  # imported on use: `--help` stays fast

    built = build_application()
    # Modules and the application live as long as the command: keep them out of the collector's
    # full passes (as the API server does), which a long bulk command otherwise pays again and
    # again over every object the start-up made. No collection first: that would cost every
    # command tens of milliseconds for the few start-up cycles it would free.
    gc.freeze()
    return built


def ready_application() -> Application:
    app = application()
    app.ensure_ready()
    return app


def actor_id(acting_as: str | None) -> int:
    """The user a command acts for: ``--as``/``LEADLINE_USER``, else the first admin."""
    from leadline.services.security.users import find_user, first_admin

    context = ready_application().context
    if acting_as:
        return find_user(context, acting_as).id
    admin = first_admin(context)
    if admin is None:
        raise NotFoundError("no admin exists yet; run `leadline init --admin-email ...`", field="user")
    return admin.id


def exit_code_of(error: LeadlineError) -> int:
    return next(c for kind, c in EXIT_CODES if isinstance(error, kind))


def fail(message: str, code: int = 1, details: Sequence[tuple[str, str]] = ()) -> None:
    """One line on stderr, then one indented line per further cause (each unmet criterion), and exit."""
    error_console.print(f"[red]error:[/red] {message}", highlight=False)
    for field, detail in details:
        error_console.print(f"  {field}: {detail}", highlight=False, markup=False)
    raise typer.Exit(code)


def handle_errors(function: F) -> F:
    """Turn named errors into one line on stderr and a non-zero exit; never a traceback
    (set LEADLINE_DEBUG=1 to see one for an unexpected error)."""

    @wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except LeadlineError as error:
            fail(f"{escape(_described(error))} [{error.code}]", exit_code_of(error), error.details)
        except (typer.Exit, typer.Abort, KeyboardInterrupt, BrokenPipeError):
            raise  # a closed output is the entry point's (``leadline.cli.main.run``)
        except Exception as error:  # noqa: BLE001 - the last line of defence of a CLI
            if os.environ.get("LEADLINE_DEBUG"):
                raise
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            fail(f"unexpected {type(error).__name__}: {first_line}", 1)
        return None

    return wrapper  # type: ignore[return-value]


def _described(error: LeadlineError) -> str:
    """The error's message; for an unreachable database, with the driver's reason (the operator
    reading a terminal needs to know which server refused, which an API client must not learn)."""
    cause = error.__cause__
    if isinstance(error, DatabaseUnavailableError) and cause is not None and str(cause).strip():
        reason = str(getattr(cause, "orig", None) or cause).strip().splitlines()[0]
        return f"{error} ({reason})"
    return str(error)


def parse_id(value: str, field: str) -> int:
    from leadline.domain.ids import parse_record_id

    return parse_record_id(value, field=field)


def list_page(limit: int, sort: str, after: str | None, cursor: str | None, allowed: tuple[str, ...]) -> Page:
    """The page a ``list`` command asks for: newest first by id after ``--after`` (the default
    order), else ``--sort`` (a field of ``allowed``, ``-`` in front for descending) after the
    ``--cursor`` the previous page printed. ``--after`` with another order is refused."""
    if sort == "-id" and not cursor:
        return Page.after_id(limit, parse_id(after, "after") if after else None)
    if after:
        raise ValidationError("--after follows the newest-first order; give --cursor with --sort", field="after")
    return Page.parse(limit, sort, cursor, allowed=allowed)


def next_page_hint(sort: str, last_id: int, cursor: Callable[[], str]) -> str:
    """The options that list the page after one ending at ``last_id`` (``cursor``: the cursor after it)."""
    return f"next page: --after {last_id}" if sort == "-id" else f"next page: --sort={sort} --cursor {cursor()}"


def is_interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def day_start(value: str | None, field: str) -> datetime | None:
    """The first moment (UTC) of the day a date option names, read by the one date rule
    (``domain.common.date_field``: ``YYYY-MM-DD`` only, ``VALIDATION_FAILED`` naming ``field``,
    exit 2); None when the option is not given."""
    day = date_field(value, field)
    return None if day is None else start_of_day(day)
