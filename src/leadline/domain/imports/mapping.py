"""Which column of an import file fills which field of a lead, account, contact or opportunity:
mappings written out as data, per kind of record (``IMPORT_KINDS``).

A header is matched by its *key* (letters and digits, case-folded), so ``First Name``,
``first_name`` and ``FirstName`` are one header. A cell our export neutralised (``'=1+1``) is
read back as it was (``domain/exports.restored``), and its ``custom.<name>`` headers name custom
fields, so an export imports again as the same records. The built-in mappings recognise the usual
exports (Salesforce, HubSpot, Pipedrive) and our own field names; a saved mapping, chosen by
name, is tried first. A column no mapping knows goes to the custom field of that name, if
one exists, and is reported as ignored otherwise.

>>> plan = plan_columns(["FirstName", "LastName", "Company", "Shoe size"], custom_fields=["shoe_size"])
>>> plan.fields, plan.custom, plan.ignored
({0: 'first_name', 1: 'last_name', 2: 'company'}, {3: 'shoe_size'}, ())
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from leadline.domain.common import iso_day
from leadline.domain.errors import ValidationError
from leadline.domain.exports import restored

#: What an import row may set on a lead: the create-lead input's fields, by our names.
LEAD_IMPORT_FIELDS = (
    "first_name", "last_name", "company", "email", "phone", "title", "industry", "website", "street", "city",
    "state", "postal_code", "country", "annual_revenue", "number_of_employees", "source", "status", "rating",
    "currency", "budget_amount", "purchase_timeframe", "is_decision_maker", "description", "owner",
    "unqualified_reason", "qualification_override_reason", "duplicate_override_reason",
)

CUSTOM_PREFIX = "custom."

#: Columns of our own error report: left out when a fixed report is imported again.
REPORT_COLUMNS = ("_row", "_field", "_error")

SALESFORCE = {
    "FirstName": "first_name", "LastName": "last_name", "Company": "company", "Email": "email", "Phone": "phone",
    "LeadSource": "source", "Status": "status", "Rating": "rating", "Industry": "industry",
    "AnnualRevenue": "annual_revenue", "NumberOfEmployees": "number_of_employees", "Street": "street",
    "City": "city", "State": "state", "PostalCode": "postal_code", "Country": "country", "Website": "website",
    "Title": "title", "Description": "description", "OwnerEmail": "owner", "Owner": "owner",
    "CurrencyIsoCode": "currency",
}
HUBSPOT = {
    "First Name": "first_name", "Last Name": "last_name", "Company Name": "company", "Email": "email",
    "Phone Number": "phone", "Job Title": "title", "Lead Status": "status", "Original Source": "source",
    "Industry": "industry", "Annual Revenue": "annual_revenue", "Number of Employees": "number_of_employees",
    "Street Address": "street", "City": "city", "State/Region": "state", "Postal Code": "postal_code",
    "Country/Region": "country", "Website URL": "website", "Contact owner email": "owner",
    "hs_lead_status": "status", "Lifecycle Stage": "status",
}
#: Built-in headers read only when no other column of the file gives their field: HubSpot's
#: ``Lifecycle Stage`` is the status of a file without a ``Lead Status`` column, and ignored
#: (listed so) beside one (docs/adr/0076-value-mappings-saved-with-a-column-mapping.md)
FALLBACK_HEADERS = frozenset({"lifecyclestage"})
PIPEDRIVE = {
    "Person - First name": "first_name", "Person - Last name": "last_name", "Organization - Name": "company",
    "Person - Email": "email", "Person - Phone": "phone", "Person - Job title": "title",
    "Lead - Source": "source", "Organization - Address": "street", "Organization - Industry": "industry",
    "Organization - Annual revenue": "annual_revenue",
    "Organization - Number of employees": "number_of_employees", "Organization - Website": "website",
    "Lead - Owner email": "owner", "Organization": "company", "Owner email": "owner",
}
LEADLINE = {name: name for name in LEAD_IMPORT_FIELDS} | {"owner_email": "owner"}

#: Tried in this order after any saved mapping; the first that knows a header wins.
BUILT_IN_MAPPINGS: Mapping[str, Mapping[str, str]] = {
    "leadline": LEADLINE, "salesforce": SALESFORCE, "hubspot": HUBSPOT, "pipedrive": PIPEDRIVE,
}

ACCOUNT_IMPORT_FIELDS = (
    "name", "website", "industry", "number_of_employees", "billing_street", "billing_city", "billing_state",
    "billing_postal_code", "billing_country", "owner", "parent_id", "duplicate_override_reason",
)
CONTACT_IMPORT_FIELDS = (
    "first_name", "last_name", "title", "email", "phone", "account", "lead_source", "owner",
    "duplicate_override_reason",
)
OPPORTUNITY_IMPORT_FIELDS = (
    "name", "account", "stage", "process", "amount", "currency", "close_date", "type", "next_step",
    "description", "lead_source", "probability", "forecast_category", "loss_reason", "loss_comment", "owner",
)
#: Salesforce's report and Data Loader headers of each object (``Account.Name`` style and plain)
SALESFORCE_ACCOUNT = {
    "Name": "name", "Account Name": "name", "AccountName": "name", "Website": "website", "Industry": "industry",
    "NumberOfEmployees": "number_of_employees", "Employees": "number_of_employees",
    "BillingStreet": "billing_street", "BillingCity": "billing_city", "BillingState": "billing_state",
    "BillingPostalCode": "billing_postal_code", "BillingCountry": "billing_country", "OwnerEmail": "owner",
    "Account Owner Email": "owner", "ParentId": "parent_id",
}
SALESFORCE_CONTACT = {
    "FirstName": "first_name", "LastName": "last_name", "Title": "title", "Email": "email", "Phone": "phone",
    "AccountId": "account", "Account.Name": "account", "Account Name": "account", "AccountName": "account",
    "LeadSource": "lead_source", "OwnerEmail": "owner", "Contact Owner Email": "owner",
}
SALESFORCE_OPPORTUNITY = {
    "Name": "name", "Opportunity Name": "name", "OpportunityName": "name", "AccountId": "account",
    "Account.Name": "account", "Account Name": "account", "AccountName": "account", "StageName": "stage",
    "Stage": "stage", "Amount": "amount", "CurrencyIsoCode": "currency", "Opportunity Currency": "currency",
    "CloseDate": "close_date", "Close Date": "close_date", "Type": "type", "NextStep": "next_step",
    "Description": "description", "LeadSource": "lead_source", "Probability": "probability",
    "Probability (%)": "probability", "ForecastCategoryName": "forecast_category", "OwnerEmail": "owner",
    "Opportunity Owner Email": "owner",
}


@dataclass(frozen=True)
class ImportKind:
    """What an import of one kind of record reads: its fields, the built-in mappings tried after
    a saved one, the columns one of which a file must have, and its date fields."""

    name: str
    fields: tuple[str, ...]
    mappings: Mapping[str, Mapping[str, str]]
    needs_one_of: tuple[str, ...]
    date_fields: frozenset[str] = frozenset()


def _own(fields: Sequence[str]) -> dict[str, str]:
    return {name: name for name in fields} | {"owner_email": "owner"}


IMPORT_KINDS: Mapping[str, ImportKind] = {
    "lead": ImportKind("lead", LEAD_IMPORT_FIELDS, BUILT_IN_MAPPINGS, ("last_name", "company"),
                       frozenset({"purchase_timeframe"})),
    "account": ImportKind("account", ACCOUNT_IMPORT_FIELDS,
                          {"leadline": _own(ACCOUNT_IMPORT_FIELDS), "salesforce": SALESFORCE_ACCOUNT}, ("name",)),
    "contact": ImportKind("contact", CONTACT_IMPORT_FIELDS,
                          {"leadline": _own(CONTACT_IMPORT_FIELDS) | {"account_id": "account"},
                           "salesforce": SALESFORCE_CONTACT}, ("last_name",)),
    "opportunity": ImportKind("opportunity", OPPORTUNITY_IMPORT_FIELDS,
                              {"leadline": _own(OPPORTUNITY_IMPORT_FIELDS) | {"account_id": "account"},
                               "salesforce": SALESFORCE_OPPORTUNITY}, ("name",), frozenset({"close_date"})),
}


def import_kind(value: object) -> ImportKind:
    """``lead``, ``account``, ``contact`` or ``opportunity`` (plural accepted); else ``VALIDATION_FAILED``."""
    text = str(value or "").strip().lower()
    text = "opportunity" if text == "opportunities" else text.removesuffix("s")
    if text not in IMPORT_KINDS:
        raise ValidationError(f"{value!r} is not one of lead, account, contact, opportunity", field="record_type")
    return IMPORT_KINDS[text]


def header_key(header: str) -> str:
    """``First Name``, ``first_name`` and ``FIRSTNAME`` are one header: ``firstname``."""
    return re.sub(r"[^0-9a-z]", "", header.casefold())


def ensure_mapping(columns: Mapping[str, str], kind: str = "lead") -> dict[str, str]:
    """A saved mapping's columns (header -> field), each field one an import of ``kind`` may set."""
    if not columns:
        raise ValidationError("a mapping needs at least one column", field="columns")
    for header, name in columns.items():
        if not header_key(header):
            raise ValidationError(f"{header!r} is not a column header", field="columns")
        if name not in IMPORT_KINDS[kind].fields:
            raise ValidationError(f"{name!r} is not a {kind} field an import may set", field="columns")
    return dict(columns)


#: between a field and a column's header key in a value table's name: ``status@lifecyclestage`` is
#: read (instead of ``status``) in the status column headed ``Lifecycle Stage`` only
COLUMN_TABLE = "@"


def column_table(values: Mapping[str, Mapping[str, str]], field: str, header: str) -> Mapping[str, str]:
    """The value table (value key -> label) a column headed ``header`` read into ``field`` reads
    through: its own (``COLUMN_TABLE``) if there is one, else the field's.

    >>> column_table({"status": {"a": "A"}, "status@lifecyclestage": {"b": "B"}}, "status", "Lifecycle Stage")
    {'b': 'B'}
    """
    own = values.get(field + COLUMN_TABLE + header_key(header))
    return own if own is not None else values.get(field, {})


@dataclass(frozen=True)
class SavedMapping:
    """A column mapping a team saved, chosen by name at import: header -> field of
    ``record_type``, and its value mappings (field -> the file's value -> the label read
    instead; ``domain/imports/values.py``), applied after the standard ones."""

    name: str
    record_type: str
    columns: dict[str, str]
    values: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ColumnPlan:
    """Where each column of the file goes, by position: a lead field, a custom field, or nowhere."""

    headers: tuple[str, ...]
    fields: dict[int, str]
    custom: dict[int, str]
    ignored: tuple[str, ...]
    #: field -> the file's value (as ``header_key`` reads it) -> the label read instead
    #: (``domain/imports/values.py``)
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, headers: Sequence[str], columns: Mapping[str, str], ignored: Sequence[str] = (),
           values: Mapping[str, Mapping[str, str]] | None = None) -> ColumnPlan:
        """The plan ``columns()`` describes, for the same headers (a resumed job reads its file
        so), reading the values of a field through ``values`` (field -> value key -> label)."""
        fields: dict[int, str] = {}
        custom: dict[int, str] = {}
        for index, header in enumerate(headers):
            target = columns.get(header)
            if target is None:
                continue
            if target.startswith(CUSTOM_PREFIX):
                custom[index] = target.removeprefix(CUSTOM_PREFIX)
            else:
                fields[index] = target
        return cls(tuple(headers), fields, custom, tuple(ignored), dict(values or {}))

    def columns(self) -> dict[str, str]:
        """Header -> lead field, or ``custom.<name>`` for a custom field: what the job records."""
        return {**{self.headers[i]: name for i, name in self.fields.items()},
                **{self.headers[i]: CUSTOM_PREFIX + name for i, name in self.custom.items()}}

    def column_of(self, field: str) -> int | None:
        """The position of the column read into ``field`` (a standard field, or ``custom.<name>``);
        None when no column is (a refusal of the row as a whole, or of a value no cell gave)."""
        if field.startswith(CUSTOM_PREFIX):
            name = field.removeprefix(CUSTOM_PREFIX)
            return next((i for i, custom in self.custom.items() if custom == name), None)
        return next((i for i, standard in self.fields.items() if standard == field), None)

    def row_values(self, cells: Sequence[str], *, date_format: str | None = None,
                   date_fields: frozenset[str] = frozenset(),
                   standard_dates: frozenset[str] = frozenset({"purchase_timeframe"}),
                   ) -> tuple[dict[str, str], dict[str, str]]:
        """A row's standard and custom values, blank cells left out (a blank sets nothing); the
        cells of ``standard_dates`` and of custom ``date_fields`` read in ``date_format`` too.
        ``VALIDATION_FAILED`` on ``row`` for a row with a value beyond the header's last column
        (a delimiter inside an unquoted cell shifts every cell after it): nothing is guessed. Blank
        cells beyond it (a spreadsheet's trailing delimiters) are nothing.
        """
        width = len(cells)
        if width > len(self.headers) and any(cell.strip() for cell in cells[len(self.headers):]):
            raise self._too_wide(cells)
        values = {name: restored(cells[i].strip()) for i, name in self.fields.items()
                  if i < width and cells[i].strip()}
        custom = {name: restored(cells[i].strip()) for i, name in self.custom.items()
                  if i < width and cells[i].strip()}
        for index, name in self.fields.items():
            if name in values:
                reading = column_table(self.values, name, self.headers[index])
                values[name] = reading.get(header_key(values[name]), values[name])
        for name in custom:
            table = self.values.get(CUSTOM_PREFIX + name)
            if table:
                custom[name] = table.get(header_key(custom[name]), custom[name])
        if date_format:
            for name in standard_dates.intersection(values):
                values[name] = _declared_date(values[name], date_format, name)
            for name in date_fields.intersection(custom):
                custom[name] = _declared_date(custom[name], date_format, CUSTOM_PREFIX + name)
        return values, custom

    def _too_wide(self, cells: Sequence[str]) -> ValidationError:
        width = len(self.headers)
        column = next(i for i in range(width, len(cells)) if cells[i].strip())
        return ValidationError(f"the row has {cells[column].strip()!r} in column {column + 1} but the header has "
                               f"{width} columns: is a delimiter inside a value that is not quoted?", field="row")


def _declared_date(text: str, declared: str, field: str) -> str:
    """``iso_date``, or ``VALIDATION_FAILED`` on ``field`` naming both formats a cell may be in
    (the field's own rule would name ISO only, though the file declared another)."""
    found = iso_date(text, declared)
    if iso_day(found) is None:
        raise ValidationError(f"{text!r} is not a date (YYYY-MM-DD or {declared})", field=field)
    return found


def iso_date(text: str, declared: str | None) -> str:
    """A date cell as ISO: as it is if it is written ``YYYY-MM-DD`` (``domain.common.iso_day``:
    not ``20270131``, unless that is the declared format), else read in the file's declared
    format (``%d/%m/%Y``); a cell neither reads is left for the field's own rule to refuse.

    >>> iso_date("31/01/2027", "%d/%m/%Y"), iso_date("2027-01-31", "%d/%m/%Y"), iso_date("soon", "%d/%m/%Y")
    ('2027-01-31', '2027-01-31', 'soon')
    >>> iso_date("20270131", "%d/%m/%Y"), iso_date("20270131", "%Y%m%d")
    ('20270131', '2027-01-31')
    """
    if declared is None:
        return text
    day = iso_day(text)
    if day is not None:
        return day.isoformat()
    try:
        return datetime.strptime(text, declared).date().isoformat()
    except ValueError:
        return text


def plan_columns(headers: Sequence[str], *, saved: Mapping[str, str] | None = None,
                 custom_fields: Iterable[str] = (), kind: str = "lead", complete: bool = True) -> ColumnPlan:
    """Map ``headers`` (the file's first row) to fields of ``kind``; refuses a file whose headers
    name one field twice or (``complete``) none of the fields a record needs (nothing could be
    imported; a preview, where a person maps the columns next, passes ``complete=False``)."""
    if not any(h.strip() for h in headers):
        raise ValidationError("the file has no header row", field="file")
    spec = IMPORT_KINDS[kind]
    known = [{header_key(h): f for h, f in mapping.items() if f in spec.fields}
             for mapping in (saved or {}, *spec.mappings.values())]
    names = list(custom_fields)
    custom_by_key = {header_key(name): name for name in names} | {header_key(CUSTOM_PREFIX + n): n for n in names}
    fields: dict[int, str] = {}
    custom: dict[int, str] = {}
    ignored: list[str] = []
    fallbacks: list[tuple[int, str]] = []
    for index, header in enumerate(headers):
        key = header_key(header)
        name = next((m[key] for m in known if key in m), None)
        if header.strip() in REPORT_COLUMNS:
            continue
        if name is not None and key in FALLBACK_HEADERS and key not in known[0]:
            fallbacks.append((index, name))
        elif name is not None:
            if name in fields.values():
                raise ValidationError(f"two columns map to {name}: {header!r} and another", field="mapping")
            fields[index] = name
        elif key in custom_by_key:
            custom[index] = custom_by_key[key]
        else:
            ignored.append(header)
    for index, name in fallbacks:
        if name in fields.values():
            ignored.append(headers[index])
        else:
            fields[index] = name
    if complete and not set(spec.needs_one_of).intersection(fields.values()):
        needed = " or the ".join(name.replace("_", " ") for name in spec.needs_one_of)
        raise ValidationError(f"no column maps to the {needed}", field="mapping")
    return ColumnPlan(tuple(headers), fields, custom, tuple(ignored))


def chosen_columns(headers: Sequence[str], columns: Mapping[str, str], custom_fields: Iterable[str], *,
                   kind: str = "lead") -> ColumnPlan:
    """The plan a person chose (header -> field or ``custom.<name>``; a header left out, or
    mapped to nothing, is ignored), checked as ``plan_columns`` checks a mapping's."""
    spec = IMPORT_KINDS[kind]
    allowed = {*spec.fields, *(CUSTOM_PREFIX + name for name in custom_fields)}
    chosen = {header: target for header, target in columns.items() if target}
    for header, target in chosen.items():
        if header not in headers:
            raise ValidationError(f"the file has no column {header!r}", field="columns")
        if target not in allowed:
            raise ValidationError(f"{target!r} is not a {kind} field an import may set", field="columns")
    targets = list(chosen.values())
    for target in targets:
        if targets.count(target) > 1:
            raise ValidationError(f"two columns map to {target}", field="mapping")
    if not set(spec.needs_one_of).intersection(targets):
        needed = " or the ".join(name.replace("_", " ") for name in spec.needs_one_of)
        raise ValidationError(f"no column maps to the {needed}", field="mapping")
    ignored = [h for h in headers if h not in chosen and h.strip() not in REPORT_COLUMNS]
    return ColumnPlan.of(headers, chosen, ignored)
