"""The site the pipeline board and forecast browser tests share: opportunities private to their
owners, a manager with two reps reporting to her (every one with a password), each rep's deals at
accounts of their own, quotas, and the application served on the test's database."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.forecast.settings import set_quota
from leadline.services.records import create_account, create_opportunity
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.e2e.web_support import served

PASSWORD = "correct horse battery"
MANAGER = ("Mia Manager", "mia@example.com")
#: Where a run saves the pages' screenshots (the test run's artefacts).
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
#: The wide window every column of the board fits in.
WIDE = {"width": 1600, "height": 1000}


@dataclass(frozen=True)
class Deal:
    """An opportunity of ``owner`` (a rep's e-mail) at ``account`` (made once per owner and name)."""

    owner: str
    account: str
    name: str
    stage: str
    amount: str | None = None
    close_date: str | None = None


@dataclass
class TeamSite:
    base: str
    users: dict[str, int]  # by e-mail, the manager's too
    deals: dict[str, int]  # by name


@contextmanager
def team_site(ctx: ServiceContext, admin_id: int, engine: Engine, reps: Iterable[tuple[str, str]],
              deals: Iterable[Deal], quotas: Iterable[tuple[str, str, str]] = ()) -> Iterator[TeamSite]:
    """Served until the block ends: the manager (``MANAGER``) and ``reps`` (name, e-mail) reporting
    to her, ``deals`` in order, and ``quotas`` (e-mail, period, amount)."""
    set_sharing(ctx, admin_id, "opportunity", "private")
    mia = add_user(ctx, admin_id, name=MANAGER[0], email=MANAGER[1], role="manager", password=PASSWORD).id
    users = {MANAGER[1]: mia}
    users |= {email: add_user(ctx, admin_id, name=name, email=email, manager=mia, password=PASSWORD).id
              for name, email in reps}
    for email, period, amount in quotas:
        set_quota(ctx, admin_id, users[email], period, amount)
    accounts: dict[tuple[str, str], int] = {}
    made = {}
    for deal in deals:
        owner = users[deal.owner]
        if (deal.owner, deal.account) not in accounts:
            accounts[deal.owner, deal.account] = create_account(ctx, owner, {"name": deal.account}).id
        values = {"account_id": accounts[deal.owner, deal.account], "name": deal.name, "stage": deal.stage,
                  "amount": deal.amount, "close_date": deal.close_date}
        made[deal.name] = create_opportunity(ctx, owner, {k: v for k, v in values.items() if v is not None}).id
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        yield TeamSite(base, users, made)
