"""The web pages answer a refusal in the status of the shared table (``leadline/http_status.py``),
as the API does: no handler picks a 4xx or 5xx of its own, so the same refusal has the same status
on a page and on the API (a stale lead form is 412 on both, a taken view name 409)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "src" / "leadline" / "web"
#: The error pages' titles by status: they name statuses, they choose none.
NAMING_STATUSES = {"errors.py"}
WEB_FILES = sorted(p for p in WEB.rglob("*.py") if p.name not in NAMING_STATUSES)


#: Module constants whose 400-599 value is no status (a length, a count): named here, one by one.
NO_STATUS_CONSTANTS = frozenset({"ACCOUNT_CHOICES"})  # web/record_create.py
#: litestar's named statuses (``HTTP_409_CONFLICT``, ``status_codes.HTTP_422_...``).
NAMED_STATUS = re.compile(r"HTTP_[45][0-9]{2}_")


def chosen_statuses(source: str) -> list[int]:
    """The lines of ``source`` where an error status (400-599) is chosen: written as a number
    anywhere but as a keyword argument that is no status (``max_length=500``) or a module constant
    on ``NO_STATUS_CONSTANTS``, or named as litestar names them (``HTTP_409_CONFLICT``)."""
    tree = ast.parse(source)
    other_numbers: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg not in ("status", "status_code"):
            other_numbers.update(id(n) for n in ast.walk(node.value))
    for node in tree.body:
        if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id in NO_STATUS_CONSTANTS
                                                for t in node.targets):
            other_numbers.update(id(n) for n in ast.walk(node.value))
    numbers = [node.lineno for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and type(node.value) is int and 400 <= node.value < 600
               and id(node) not in other_numbers]
    named = [node.lineno for node in ast.walk(tree)
             if (isinstance(node, ast.Name) and NAMED_STATUS.match(node.id))
             or (isinstance(node, ast.Attribute) and NAMED_STATUS.match(node.attr))
             or (isinstance(node, ast.alias) and NAMED_STATUS.match(node.name))]
    return sorted(numbers + named)


def test_the_web_package_has_handlers_to_check() -> None:
    assert {"lead_page.py", "lead_list.py", "capture.py", "imports.py", "settings/forms.py"} <= {
        p.relative_to(WEB).as_posix() for p in WEB_FILES}


@pytest.mark.parametrize("path", WEB_FILES, ids=lambda p: p.relative_to(WEB).as_posix())
def test_no_web_handler_chooses_an_error_status_itself(path: Path) -> None:
    assert chosen_statuses(path.read_text(encoding="utf-8")) == []


def test_the_check_would_catch_a_status_chosen_by_hand_but_not_a_limit() -> None:
    # given a handler choosing 409 or 422 itself, and numbers that are no statuses
    source = ("ACCOUNT_CHOICES = 500\n"
              "def save(error):\n"
              "    status = 409 if error.code == 'CONFLICT' else 422\n"
              "    page = render(max_length=500)\n"
              "    return render(status_code=403)\n")

    lines = chosen_statuses(source)

    assert lines == [3, 3, 5]


def test_the_check_would_catch_a_status_kept_in_a_constant_or_named_as_litestar_names_it() -> None:
    # given a status kept in a module constant, and litestar's named statuses, imported or not
    source = ("from litestar.status_codes import HTTP_409_CONFLICT\n"
              "REFUSED = 422\n"
              "def save(error):\n"
              "    if error:\n"
              "        return render(status_code=REFUSED)\n"
              "    return render(status_code=status_codes.HTTP_412_PRECONDITION_FAILED)\n")

    lines = chosen_statuses(source)

    assert lines == [1, 2, 6]
