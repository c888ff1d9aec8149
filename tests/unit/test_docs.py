"""What is public is documented: every setting, every CLI command group and every API error code
appears in the README, so a user can find it."""

from __future__ import annotations

from pathlib import Path

import pytest

from leadline.api.problems import CODE_OF_STATUS
from leadline.cli.common import EXIT_CODES, EXIT_INCOMPLETE
from leadline.cli.main import app
from leadline.config import Settings
from leadline.http_status import STATUS_OF_CODE

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_in_the_readme(name: str) -> None:
    assert f"LEADLINE_{name.upper()}" in README


#: Codes the framework could produce in principle but this API never does (it accepts any Accept header,
#: reads only JSON bodies it documents, and answers 503 only as DATABASE_NOT_READY or
#: DATABASE_UNAVAILABLE).
UNUSED = {"NOT_ACCEPTABLE", "UNSUPPORTED_MEDIA_TYPE", "SERVICE_UNAVAILABLE"}


@pytest.mark.parametrize("code", sorted((set(STATUS_OF_CODE) | set(CODE_OF_STATUS.values())) - UNUSED))
def test_every_api_error_code_is_in_the_readme(code: str) -> None:
    assert f"`{code}`" in README


def test_every_cli_command_is_in_the_readme() -> None:
    names = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
    missing = [name for name in names if f"leadline {name}" not in README]
    assert missing == []


def test_the_readme_exit_table_has_a_row_for_every_exit_code_and_nothing_else() -> None:
    start = README.index("| exit | meaning |")
    table = README[start:README.index("\n\n", start)].splitlines()
    assert all(line.startswith("|") for line in table), table  # a stray line once replaced exit 4's row
    documented = sorted(int(line.split("|")[1]) for line in table[2:])
    assert documented == sorted({code for _, code in EXIT_CODES} | {EXIT_INCOMPLETE})
