"""`leadline lockout list|lift`: an admin sees and lifts sign-in locks from the command line."""

from __future__ import annotations

from leadline.persistence.database import make_engine
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.context import ServiceContext, utc_now
from leadline.services.security.passwords import PasswordHashing
from tests.conftest import FakeClock
from tests.e2e.conftest import Cli
from tests.integration.test_sign_in import WRONG, QuickHasher, attempt, fail_until_locked


def test_an_admin_lists_and_lifts_a_lock_and_a_rep_may_not(cli: Cli, database_url: str) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    cli("user", "add", "--email", "sam@example.com", "--name", "Sam")
    engine = make_engine(database_url)
    try:
        ctx = ServiceContext(uow_factory=lambda read_only=False: SqlUnitOfWork(engine, read_only=read_only),
                             clock=FakeClock(utc_now()), passwords=PasswordHashing(1, QuickHasher()))
        fail_until_locked(ctx, ctx.clock, email="sam@example.com")  # type: ignore[arg-type]
        listed = cli("lockout", "list", "--json").json()
        assert [(lock["kind"], lock["key"], lock["locked"]) for lock in listed] == [
            ("account", "sam@example.com", True)]
        refused = cli("lockout", "lift", "--email", "sam@example.com", "--as", "sam@example.com", ok=False)
        assert refused.code == 5 and "PERMISSION_DENIED" in refused.err
        assert "lifted account sam@example.com (10 failed sign-ins)" in cli("lockout", "lift", "--email",
                                                                            "sam@example.com").out
        assert cli("lockout", "list", "--json").json() == []
        assert attempt(ctx, WRONG, "sam@example.com").code == "AUTHENTICATION_FAILED"  # no longer locked
        assert "(1 failed sign-ins)" in cli("lockout", "lift", "--email", "sam@example.com").out
        missing = cli("lockout", "lift", "--address", "192.0.2.99", ok=False)
        assert missing.code == 3 and missing.err.startswith("error: address:")
    finally:
        engine.dispose()

