"""Which column of an import file fills which lead field: mappings written out as data.

A header is matched by its *key* (letters and digits, case-folded), so ``First Name``,
``first_name`` and ``FirstName`` are one header. The built-in mappings recognise the usual
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
from dataclasses import dataclass
from datetime import date, datetime

from leadline.domain.errors import ValidationError

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
}
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


def header_key(header: str) -> str:
    """``First Name``, ``first_name`` and ``FIRSTNAME`` are one header: ``firstname``."""
    return re.sub(r"[^0-9a-z]", "", header.casefold())


def ensure_mapping(columns: Mapping[str, str]) -> dict[str, str]:
    """A saved mapping's columns (header -> lead field), each field a lead import field."""
    if not columns:
        raise ValidationError("a mapping needs at least one column", field="columns")
    for header, name in columns.items():
        if not header_key(header):
            raise ValidationError(f"{header!r} is not a column header", field="columns")
        if name not in LEAD_IMPORT_FIELDS:
            raise ValidationError(f"{name!r} is not a lead field an import may set", field="columns")
    return dict(columns)


@dataclass(frozen=True)
class ColumnPlan:
    """Where each column of the file goes, by position: a lead field, a custom field, or nowhere."""

    headers: tuple[str, ...]
    fields: dict[int, str]
    custom: dict[int, str]
    ignored: tuple[str, ...]

    @classmethod
    def of(cls, headers: Sequence[str], columns: Mapping[str, str], ignored: Sequence[str] = ()) -> ColumnPlan:
        """The plan ``columns()`` describes, for the same headers (a resumed job reads its file so)."""
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
        return cls(tuple(headers), fields, custom, tuple(ignored))

    def columns(self) -> dict[str, str]:
        """Header -> lead field, or ``custom.<name>`` for a custom field: what the job records."""
        return {**{self.headers[i]: name for i, name in self.fields.items()},
                **{self.headers[i]: CUSTOM_PREFIX + name for i, name in self.custom.items()}}

    def row_values(self, cells: Sequence[str], *, date_format: str | None = None,
                   date_fields: frozenset[str] = frozenset()) -> tuple[dict[str, str], dict[str, str]]:
        """A row's standard and custom values, blank cells left out (a blank sets nothing); the
        cells of ``purchase_timeframe`` and of custom ``date_fields`` read in ``date_format`` too."""
        width = len(cells)
        values = {name: cells[i].strip() for i, name in self.fields.items() if i < width and cells[i].strip()}
        custom = {name: cells[i].strip() for i, name in self.custom.items() if i < width and cells[i].strip()}
        if date_format:
            if "purchase_timeframe" in values:
                values["purchase_timeframe"] = iso_date(values["purchase_timeframe"], date_format)
            for name in date_fields.intersection(custom):
                custom[name] = iso_date(custom[name], date_format)
        return values, custom


def iso_date(text: str, declared: str | None) -> str:
    """A date cell as ISO: as it is if it already is, else read in the file's declared format
    (``%d/%m/%Y``); a cell neither reads is left for the field's own rule to refuse.

    >>> iso_date("31/01/2027", "%d/%m/%Y"), iso_date("2027-01-31", "%d/%m/%Y"), iso_date("soon", "%d/%m/%Y")
    ('2027-01-31', '2027-01-31', 'soon')
    """
    if declared is None:
        return text
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return datetime.strptime(text, declared).date().isoformat()
    except ValueError:
        return text


def plan_columns(headers: Sequence[str], *, saved: Mapping[str, str] | None = None,
                 custom_fields: Iterable[str] = ()) -> ColumnPlan:
    """Map ``headers`` (the file's first row) to lead fields; refuses a file whose headers name one
    field twice or name neither the last name nor the company (nothing could be imported)."""
    if not any(h.strip() for h in headers):
        raise ValidationError("the file has no header row", field="file")
    known = [{header_key(h): f for h, f in mapping.items()} for mapping in (saved or {}, *BUILT_IN_MAPPINGS.values())]
    custom_by_key = {header_key(name): name for name in custom_fields}
    fields: dict[int, str] = {}
    custom: dict[int, str] = {}
    ignored: list[str] = []
    for index, header in enumerate(headers):
        key = header_key(header)
        name = next((m[key] for m in known if key in m), None)
        if header.strip() in REPORT_COLUMNS:
            continue
        if name is not None:
            if name in fields.values():
                raise ValidationError(f"two columns map to {name}: {header!r} and another", field="mapping")
            fields[index] = name
        elif key in custom_by_key:
            custom[index] = custom_by_key[key]
        else:
            ignored.append(header)
    if "last_name" not in fields.values() and "company" not in fields.values():
        raise ValidationError("no column maps to the last name or the company", field="mapping")
    return ColumnPlan(tuple(headers), fields, custom, tuple(ignored))
