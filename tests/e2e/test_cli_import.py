"""``leadline import ...`` as a user runs it: a real import process killed with SIGKILL half-way
and run again, ending with every row exactly once; the status and the error report."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text, update

from leadline.persistence.database import make_engine
from leadline.persistence.imports.rows import ImportJobRow
from leadline.services.imports.ahead import WORKER_FROM_ROWS
from tests.e2e.conftest import LEADLINE, Cli

ROWS = 1500


def write_leads(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["FirstName", "LastName", "Company", "Email", "Phone"])
        for i in range(count):
            writer.writerow([f"First{i}", f"Last{i}", f"Company {i % 97}", f"lead{i}@example.com",
                             f"+1 415 555 {i % 10000:04d}" if i % 3 == 0 else ""])
    return path


def job_progress(engine: object) -> tuple[int, int] | None:
    # read-only (on SQLite a plain BEGIN): a poll must never queue for the importer's write lock,
    # or it may see nothing until the import has ended
    with engine.connect().execution_options(leadline_read_only=True) as connection:  # type: ignore[attr-defined]
        row = connection.execute(text("SELECT rows_done, read_count FROM import_jobs")).first()
    return None if row is None else (row[0], row[1])


@pytest.mark.parametrize(("rows", "block"), [(ROWS, 10), (WORKER_FROM_ROWS + 500, 100)],
                         ids=["rows checked in the block", "rows checked ahead in a worker"])
def test_an_import_killed_with_sigkill_half_way_resumes_and_ends_with_every_row_exactly_once(
    cli: Cli, database_url: str, tmp_path: Path, rows: int, block: int
) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    path = write_leads(tmp_path / "leads.csv", rows)
    engine = make_engine(database_url)
    command = [str(LEADLINE), "import", "leads", str(path), "--block-size", str(block), "--on-duplicate", "create",
               "--json"]
    process = subprocess.Popen(command, env=cli.env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            progress = job_progress(engine) if _has_jobs(engine) else None
            if progress and progress[0] >= 15 * block:
                break
            time.sleep(0.01)
        assert process.poll() is None, "the import ended before it could be killed: make it longer"
        workers = children_of(process.pid)
        assert bool(workers) == (rows >= WORKER_FROM_ROWS), "rows were not checked in the way this case names"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
        assert all(gone(pid) for pid in workers), "a worker of the killed import is still running"
    finally:
        if process.poll() is None:
            process.kill()
    killed_at = job_progress(engine)
    assert killed_at is not None and 0 < killed_at[0] < rows
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM leads")).scalar() == killed_at[1]  # block and job agree
    listed = cli("import", "list", "--json").json()
    assert [job["status"] for job in listed] == ["running"]  # type: ignore[index]  # a live job looks the same
    with engine.begin() as connection:  # as if five minutes had passed since its last block
        connection.execute(update(ImportJobRow.__table__).values(updated_at=datetime.now(UTC) - timedelta(minutes=6)))
    shown = cli("import", "list").out
    assert "interrupted" in shown and f"import leads.csv again as lead records (same user): it resumes after row " \
        f"{killed_at[0] + 1}" in " ".join(shown.split())

    again = subprocess.run(command, env=cli.env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    job = json.loads(again.stdout)
    assert (job["status"], job["rows_done"], job["read"], job["imported"]) == ("completed", rows, rows, rows)
    with engine.connect() as connection:
        emails = [r[0] for r in connection.execute(text("SELECT email FROM leads"))]
        jobs = connection.execute(text("SELECT count(*) FROM import_jobs")).scalar()
    engine.dispose()
    assert sorted(emails) == sorted(f"lead{i}@example.com" for i in range(rows))  # each row exactly once
    assert jobs == 1  # the re-run resumed the job of the same file


def children_of(pid: int) -> list[int]:
    """The processes ``pid`` started (its worker, a multiprocessing resource tracker), from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def gone(pid: int, within: float = 20.0) -> bool:
    """Whether process ``pid`` ends (or is a zombie) within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True
        time.sleep(0.1)
    return False


def _has_jobs(engine: object) -> bool:
    try:
        job_progress(engine)
    except Exception:  # noqa: BLE001 - the table is made by `init`; the process may still be starting
        return False
    return True


def test_status_and_errors_of_an_import_and_the_report_imports_again_once_fixed(cli: Cli, tmp_path: Path) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    path = tmp_path / "bad.csv"
    path.write_text("LastName;Company;Email\nGood;Acme;good@acme.example\nBad;Acme;not-mail\n", encoding="utf-8")
    result = cli("import", "leads", str(path), "--json", ok=False)
    assert result.code == 6  # ran, but left a row undone
    job = result.json()
    assert (job["read"], job["imported"], job["failed"], job["delimiter"]) == (2, 1, 1, ";")  # type: ignore[index]
    table = cli("import", "leads", str(path), ok=False)  # a new job: the good row is now a duplicate
    assert table.code == 6 and "1 row failed: `leadline import errors" in table.out
    shown = cli("import", "status", job["id"], "--json").json()  # type: ignore[index]
    assert shown["status"] == "completed"  # type: ignore[index]
    cli("import", "errors", job["id"], "--output", str(tmp_path / "fix.csv"))  # type: ignore[index]
    rows = list(csv.reader((tmp_path / "fix.csv").open(encoding="utf-8"), delimiter=";"))  # as the file was
    assert rows[0] == ["LastName", "Company", "Email", "_row", "_field", "_error"]
    assert rows[1][:5] == ["Bad", "Acme", "not-mail", "3", "email"]
    piped = cli("import", "errors", job["id"], "--output", "-").out  # type: ignore[index]
    assert list(csv.reader(piped.splitlines(), delimiter=";")) == rows  # the same report, not a file named '-'
    each = list(csv.reader(cli("import", "errors", job["id"], "--each").out.splitlines()))  # type: ignore[index]
    assert each == [["row", "field", "value", "message"], ["3", "email", "not-mail", rows[1][5]]]
    again = cli("import", "leads", str(path), "--json", ok=False).json()  # the good row skipped, as stored
    matched = list(csv.reader(cli("import", "matches", again["id"]).out.splitlines()))  # type: ignore[index]
    assert [line[:2] + line[3:5] for line in matched] == [
        ["row", "outcome", "matched", "rules"], ["2", "skipped", "stored", "lead:email, lead:person_at_company"]]
    rows[1][2] = "bad@acme.example"
    with (tmp_path / "fix.csv").open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, delimiter=";").writerows(rows)
    fixed = cli("import", "leads", str(tmp_path / "fix.csv"), "--json").json()
    assert (fixed["imported"], fixed["failed"]) == (1, 0)  # type: ignore[index]
    assert "salesforce" in cli("import", "mappings", "--json").json()  # type: ignore[operator]
    listed = cli("import", "list", "--json").json()
    assert [(j["file_name"], j["actor"], j["failed"]) for j in listed] == [  # type: ignore[index]
        ("fix.csv", "Ada Admin", 0), *[("bad.csv", "Ada Admin", 1)] * 3]
    assert "leadline import errors ID" in cli("import", "list").out
    for command in ("leads", "status", "errors", "matches", "mappings", "save-mapping", "list"):
        assert "Example" in cli("import", command, "--help").out, command


def test_accounts_then_contacts_then_opportunities_import_from_the_cli_and_leads_join_a_campaign(
    cli: Cli, tmp_path: Path
) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    (tmp_path / "Account.csv").write_text("Name,Website,BillingCity\nAcme,acme.example,Leeds\n", encoding="utf-8")
    (tmp_path / "Contact.csv").write_text("FirstName,LastName,Email,Account.Name\nAnn,Archer,ann@acme.example,Acme\n",
                                          encoding="utf-8")
    (tmp_path / "Opportunity.csv").write_text(
        "Name,AccountName,StageName,Amount,CloseDate,CurrencyIsoCode\nDeal,Acme,Negotiation,900,2027-06-30,USD\n",
        encoding="utf-8")
    for kind, file in (("accounts", "Account.csv"), ("contacts", "Contact.csv"), ("opportunities", "Opportunity.csv")):
        job = cli("import", kind, str(tmp_path / file), "--mapping", "salesforce", "--json").json()
        assert (job["imported"], job["failed"]) == (1, 0), kind  # type: ignore[index]
        assert "Example" in cli("import", kind, "--help").out
    cli("campaign", "add", "--name", "Expo 2027", "--type", "trade_show")
    (tmp_path / "badges.csv").write_text("LastName,Company\nBadge,Scan Co\n", encoding="utf-8")
    job = cli("import", "leads", str(tmp_path / "badges.csv"), "--campaign", "expo 2027", "--json").json()
    assert job["imported"] == 1  # type: ignore[index]
    refused = cli("import", "leads", str(tmp_path / "badges.csv"), "--campaign", "Nope", ok=False)
    assert refused.code != 0 and "no campaign 'Nope'" in refused.err + refused.out
