"""The direction of imports: the domain core uses the standard library only, and the contracts hold."""

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "src" / "leadline" / "domain"


def imported_names(path: Path) -> list[tuple[int, str]]:
    """Every absolute module a file imports, anywhere in it (also inside functions), with its line."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            # "from . import x" stays in leadline.domain; "from .. import x" would leave it
            module = "leadline.domain" if node.level == 1 else "." * node.level + (node.module or "")
            names.append((node.lineno, module))
    return names


def is_allowed(module: str) -> bool:
    return (
        module.split(".")[0] in sys.stdlib_module_names
        or module == "leadline.domain"
        or module.startswith("leadline.domain.")
    )


DOMAIN_FILES = sorted(DOMAIN.rglob("*.py"))


def test_the_domain_package_has_modules_to_check():
    assert {"errors.py", "money.py", "leads/lead.py", "configuration/statuses.py"} <= {
        path.relative_to(DOMAIN).as_posix() for path in DOMAIN_FILES}


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda path: path.relative_to(DOMAIN).as_posix())
def test_every_domain_module_imports_only_the_standard_library_and_the_domain(path):
    imports = imported_names(path)

    outside = [f"{path.name}:{line} imports {module}" for line, module in imports if not is_allowed(module)]

    assert outside == []


def test_the_purity_check_would_catch_a_third_party_or_a_service_import(tmp_path):
    # given a module importing a third-party library, a service and a parent package
    impure = tmp_path / "impure.py"
    impure.write_text(
        "import json\n"
        "from decimal import Decimal\n"
        "from leadline.domain.errors import ValidationError\n"
        "import phonenumbers\n"
        "def f():\n    from leadline.services import leads\n"
        "from .. import config\n"
    )

    # then exactly those three are flagged
    flagged = {module for _, module in imported_names(impure) if not is_allowed(module)}
    assert flagged == {"phonenumbers", "leadline.services", ".."}


def lint_imports() -> Path:
    script = Path(sys.executable).with_name("lint-imports")
    if not script.exists():
        pytest.fail(f"import-linter's lint-imports is not installed next to {sys.executable}")
    return script


def test_the_import_linter_contracts_in_pyproject_are_kept():
    # given the contracts declared in pyproject.toml
    with (ROOT / "pyproject.toml").open("rb") as config:
        contracts = [c["name"] for c in tomllib.load(config)["tool"]["importlinter"]["contracts"]]
    assert contracts

    # when import-linter checks them
    result = subprocess.run(
        [str(lint_imports()), "--no-cache", str(ROOT / "pyproject.toml")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )

    # then every one of them is kept
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    for name in contracts:
        assert f"{name} KEPT" in report, report
    assert f"Contracts: {len(contracts)} kept, 0 broken." in report, report


def session_reaches(path: Path) -> list[int]:
    """Lines where a module reaches a unit of work's SQL session: ``x.session`` or ``getattr(x, "session")``."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Attribute) and node.attr == "session":
            lines.append(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
              and any(isinstance(a, ast.Constant) and a.value == "session" for a in node.args)):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize("layer", ["services", "analytics"])
def test_use_cases_and_reports_never_reach_past_the_ports_into_the_session(layer):
    # the import contracts cannot see getattr(uow, "session"): a use case reads through its ports
    files = sorted((ROOT / "src" / "leadline" / layer).rglob("*.py"))
    assert files
    reaching = {str(f.relative_to(ROOT)): lines for f in files if (lines := session_reaches(f))}
    assert reaching == {}


def test_the_session_check_would_catch_a_getattr(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text('def run(uow):\n    return getattr(uow, "session").execute("SELECT 1")\n', encoding="utf-8")
    assert session_reaches(sneaky) == [2]
