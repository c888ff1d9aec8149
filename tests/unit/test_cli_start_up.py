"""The CLI starts fast because the commands' modules run no use case, port, storage or database
library code until a command runs (cli/lazy.py); what a command needs is imported when it runs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from leadline.cli.lazy import lazy_module

#: What ``leadline --help`` must not import: the database library, settings, storage, use cases.
HEAVY = ("sqlalchemy", "pydantic", "leadline.bootstrap", "leadline.config", "leadline.persistence",
         "leadline.services.context", "leadline.services.ports")


def _modules_run_by(code: str) -> set[str]:
    """The modules ``code`` has run; a lazy module that waits for its first use has not run."""
    probe = textwrap.dedent(f"""
        import sys
        {code}
        print("\\n".join(name for name, module in list(sys.modules.items())
                         if type(module).__name__ != "_LazyModule"))
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


def test_given_the_command_line_when_it_is_loaded_for_help_then_no_storage_or_use_case_code_runs() -> None:
    loaded = _modules_run_by("from leadline.cli.main import app")

    assert "leadline.cli.main" in loaded
    assert sorted(name for name in loaded if name.startswith(HEAVY)) == []


def test_given_a_lazy_module_when_an_attribute_is_first_read_then_the_module_runs_then(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lazy_probe.py").write_text("import os\nos.environ['LAZY_PROBE'] = 'ran'\nVALUE = 42\n",
                                            encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "lazy_probe", raising=False)
    monkeypatch.delenv("LAZY_PROBE", raising=False)

    module = lazy_module("lazy_probe")
    assert "LAZY_PROBE" not in os.environ
    assert module.VALUE == 42
    assert os.environ["LAZY_PROBE"] == "ran"
    assert lazy_module("lazy_probe") is module
