"""The create forms of accounts, contacts and opportunities (their "New" pages): labelled
controls described as data, what was filled in sent to the create use case (``create_account``,
``create_contact``, ``create_opportunity``, the API's), a refusal shown next to the control its
``field`` names with what was typed kept (422), success redirected (303) to the new record's page.

The form checks nothing itself (``novalidate``): the rules are the use case's, so a page and the
API refuse the same input with the same message; the use case commits all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from litestar.response import Redirect, Template

from leadline.domain.accounts import Account
from leadline.domain.errors import AuthenticationError, DuplicateBlockedError, LeadlineError
from leadline.domain.queries import Page, RecordQuery
from leadline.http_status import status_of
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import DuplicateReport
from leadline.web.records import Failed, Forms, account_or_none, placed

#: How many accounts the account select of a new contact or opportunity offers (by name); one
#: chosen from its page ("New contact" there) is always offered.
ACCOUNT_CHOICES = 500
#: The control asked for when a ``block`` duplicate rule refused the new record.
OVERRIDE = "duplicate_override_reason"


@dataclass(frozen=True)
class Control:
    """One labelled control of a create form: ``kind`` is text, email, tel, date, decimal,
    integer, select or textarea; a select's ``options`` are (value, text) with ``blank`` first."""

    name: str
    label: str
    kind: str = "text"
    options: Sequence[tuple[str, str]] = ()
    blank: str | None = None

    @property
    def input_type(self) -> str:
        return {"email": "email", "tel": "tel", "date": "date"}.get(self.kind, "text")

    @property
    def extra(self) -> str:
        mode = {"decimal": "decimal", "integer": "numeric"}.get(self.kind)
        return f'inputmode="{mode}"' if mode else ""


@dataclass(frozen=True)
class NewRecord:
    """A create form: the kind it makes, its heading and button, its controls and where Cancel goes."""

    kind: str
    heading: str
    button: str
    controls: Sequence[Control]
    back: tuple[str, str]

    @property
    def action(self) -> str:
        return f"/{plural(self.kind)}/new"


def values_of(data: Mapping[str, str], controls: Sequence[Control]) -> dict[str, str]:
    """What the use case gets: the controls filled in, as typed less the spaces around them (one
    left empty is not given, so the use case's default applies)."""
    names = [c.name for c in controls] + [OVERRIDE]
    return {name: data[name].strip() for name in names if data.get(name, "").strip()}


def new_page(spec: NewRecord, values: dict[str, str], failed: Failed | None = None) -> Template:
    """The create form (with ``failed``, refused: the refusal's status, ``leadline/http_status.py``,
    and the refusal beside its control). The
    duplicate override reason is asked for only once a ``block`` rule refused the record."""
    controls = list(spec.controls)
    if failed is not None and (isinstance(failed.error, DuplicateBlockedError) or failed.values.get(OVERRIDE)):
        controls.append(Control(OVERRIDE, "Reason to create it anyway", "textarea"))
    forms = Forms({"new": {**values, **(failed.values if failed else {})}})
    if failed is not None:
        forms.errors["new"] = placed(failed.error, [c.name for c in controls])
    template = Template("records/new.html", context={"spec": spec, "controls": controls, "forms": forms})
    if failed is not None:
        template.status_code = status_of(failed.error)
    return template


def create(spec: NewRecord, data: Mapping[str, str], action: Callable[[dict[str, str]], Any],
           page: Callable[[Failed], Template], report: DuplicateReport | None = None) -> Redirect | Template:
    """Run the create use case on what was filled in: the new record's page (telling what the
    duplicate rules found, when ``report`` was given to the use case), or the form again."""
    try:
        record = action(values_of(data, spec.controls))
    except LeadlineError as error:
        if isinstance(error, AuthenticationError):
            raise
        return page(Failed("new", data, error))
    return Redirect(with_duplicates(f"/{plural(spec.kind)}/{record.id}", report), status_code=303)


def with_duplicates(url: str, report: DuplicateReport | None) -> str:
    """A new record's page address telling what the ``warn`` and ``block`` duplicate rules found
    (templates/notice.html): the ids of the matches the user may read, and whether records the
    user may not read matched too (never which). ``url`` alone when nothing matched."""
    check = report.check if report is not None else None
    if check is None or not (check.matches or check.hidden):
        return url
    ids = "+".join(str(m.record_id) for m in check.matches)
    return f"{url}?duplicates={ids}" + ("&hidden_duplicates=1" if check.hidden else "")


def account_choices(ctx: ServiceContext, user: int, chosen: str = "") -> list[tuple[str, str]]:
    """The accounts the user may read, by name (the first ``ACCOUNT_CHOICES``), with ``chosen``
    (an account id, when the form was opened from its page) among them if the user may read it."""
    found: list[Account] = records.list_records(ctx, user, "account", RecordQuery(),
                                                Page(limit=ACCOUNT_CHOICES, sort="name", descending=False))
    listed = [(str(a.id), a.name) for a in found]
    if chosen.isdigit() and chosen not in {value for value, _ in listed}:
        account = account_or_none(ctx, user, int(chosen))
        if account is not None:
            listed.insert(0, (str(account.id), account.name))
    return listed


def plural(kind: str) -> str:
    return "opportunities" if kind == "opportunity" else f"{kind}s"

