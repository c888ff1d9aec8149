"""The standard values of the usual exports read as Leadline's default labels: Salesforce's lead
``Status`` (``Open - Not Contacted``...) and ``LeadSource`` (``Web``, ``Phone Inquiry``...),
HubSpot's ``Lead Status`` (``NEW``, ``IN_PROGRESS``... or their display names) and ``Original
Source`` (``ORGANIC_SEARCH``, ``OFFLINE``...) match none of the labels an organisation starts
with, so every row of such a file failed on its status or source.

A lead import reads a value of ``status`` or ``source`` through this table unless the value is
one of the organisation's own labels (an organisation that made ``Web`` a source keeps it). A
value in neither is refused as before, naming the labels allowed. Values are compared as headers
are (``header_key``: case, spaces and punctuation aside), so ``IN_PROGRESS`` is ``In Progress``.

>>> mapped = standard_values("lead", {"status": ["Open", "Contacted"], "source": ["Web"]})
>>> mapped["status"]["opennotcontacted"], "web" in mapped["source"]
('Open', False)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from leadline.domain.common import INDUSTRY_LENGTH
from leadline.domain.errors import ValidationError
from leadline.domain.imports.mapping import COLUMN_TABLE, header_key

_SALESFORCE_STATUS = {"Open - Not Contacted": "Open", "Working - Contacted": "Contacted",
                      # a converted Salesforce lead was qualified; Leadline converts it anew
                      "Closed - Converted": "Qualified", "Closed - Not Converted": "Unqualified"}
_HUBSPOT_STATUS = {"NEW": "Open", "OPEN": "Open", "IN_PROGRESS": "Contacted", "ATTEMPTED_TO_CONTACT": "Contacted",
                   "CONNECTED": "Contacted", "OPEN_DEAL": "Qualified", "UNQUALIFIED": "Unqualified",
                   "BAD_TIMING": "Unqualified"}
#: HubSpot's lifecycle stages, read only in a status column headed ``Lifecycle Stage`` (a file
#: without a ``Lead Status`` column, or one a mapping names so), never in another status column
#: (docs/adr/0076-value-mappings-saved-with-a-column-mapping.md): a stage sales has not
#: worked yet is Open; one sales accepted, or that became a deal or a customer, was qualified
#: (as Salesforce's ``Closed - Converted``; Leadline converts it anew)
_HUBSPOT_LIFECYCLE = {"subscriber": "Open", "lead": "Open", "marketingqualifiedlead": "Open", "other": "Open",
                      "salesqualifiedlead": "Qualified", "opportunity": "Qualified", "customer": "Qualified",
                      "evangelist": "Qualified"}
_SALESFORCE_SOURCE = {"Web": "Website form", "Phone Inquiry": "Phone call", "Partner Referral": "Customer referral",
                      "Purchased List": "Other", "Other": "Other"}
_HUBSPOT_SOURCE = {"ORGANIC_SEARCH": "Website form", "DIRECT_TRAFFIC": "Website form",
                   "PAID_SEARCH": "Web ad click-through", "PAID_SOCIAL": "Social media", "SOCIAL_MEDIA": "Social media",
                   "Organic Social": "Social media", "REFERRALS": "Customer referral", "EMAIL_MARKETING": "Other",
                   "OTHER_CAMPAIGNS": "Other", "OFFLINE": "Other", "Offline Sources": "Other"}

_STATUS = {header_key(k): v for k, v in {**_SALESFORCE_STATUS, **_HUBSPOT_STATUS}.items()}
#: kind -> field (or ``field@header key``: a column's own table, ``column_table``) -> the file's
#: value (as ``header_key`` reads it) -> Leadline's default label
STANDARD_VALUES: Mapping[str, Mapping[str, Mapping[str, str]]] = {
    "lead": {
        "status": _STATUS,
        "status" + COLUMN_TABLE + "lifecyclestage": {**_STATUS,
                                                     **{header_key(k): v for k, v in _HUBSPOT_LIFECYCLE.items()}},
        "source": {header_key(k): v for k, v in {**_SALESFORCE_SOURCE, **_HUBSPOT_SOURCE}.items()},
    },
}


def standard_values(kind: str, labels: Mapping[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """The standard values an import of ``kind`` reads as Leadline labels, but for the values
    that are one of the organisation's own ``labels`` of that field (those stay as they are)."""
    found: dict[str, dict[str, str]] = {}
    for field, table in STANDARD_VALUES.get(kind, {}).items():
        own = {header_key(label) for label in labels.get(field.split(COLUMN_TABLE)[0], ())}
        found[field] = {key: label for key, label in table.items() if key not in own}
    return found


def value_key(text: str) -> str:
    """A file's value as a value mapping looks it up."""
    return header_key(text)


#: Rating labels a value mapping may name (a lead's rating is read case aside)
RATING_LABELS = ("Hot", "Warm", "Cold")
#: the longest text a free-text field's value mapping may name (a lead's or account's industry)
TEXT_TARGET_LENGTH = INDUSTRY_LENGTH


@dataclass(frozen=True)
class ValueField:
    """A field of an import whose file values a saved mapping may read as other values: its
    name (``custom.<name>`` for a custom pick-list) and the labels allowed (None: any text up to
    ``TEXT_TARGET_LENGTH``, as a free-text field such as ``industry`` takes)."""

    name: str
    labels: tuple[str, ...] | None

    def target(self, value: object) -> str:
        """``value`` as this field stores it: the allowed label it names (case aside, in the label's
        own spelling), or the text itself for a free-text field; else ``VALIDATION_FAILED`` on
        ``values.<name>`` naming the labels allowed."""
        text = str(value or "").strip()
        where = f"values.{self.name}"
        if self.labels is None:
            if not text or len(text) > TEXT_TARGET_LENGTH:
                raise ValidationError(f"{value!r} is not a value of 1 to {TEXT_TARGET_LENGTH} characters", field=where)
            return text
        found = next((label for label in self.labels if label.casefold() == text.casefold()), None)
        if found is None:
            raise ValidationError(f"{value!r} is not a label of {self.name} (one of: {', '.join(self.labels)})",
                                  field=where)
        return found


def ensure_value_maps(maps: Mapping[str, Mapping[str, str]], fields: Mapping[str, ValueField],
                      kind: str = "lead") -> dict[str, dict[str, str]]:
    """A saved mapping's value mappings (field -> the file's value -> the value read instead), each
    field one of ``fields`` (the pick-lists of ``kind``) and each target one of its labels, in
    the label's spelling; a field mapped to nothing is left out. ``VALIDATION_FAILED`` naming
    ``values`` (an unknown field) or ``values.<field>`` (a blank file value, a target that is no
    label: the labels allowed are named; two values that are one, case and punctuation aside,
    mapped to two labels).

    >>> fields = {"rating": ValueField("rating", RATING_LABELS)}
    >>> ensure_value_maps({"rating": {"A": "hot"}}, fields)
    {'rating': {'A': 'Hot'}}
    """
    checked: dict[str, dict[str, str]] = {}
    for name, table in maps.items():
        spec = fields.get(name)
        if spec is None:
            raise ValidationError(f"{name!r} is not a field of {kind} records whose values a mapping may map "
                                  f"(one of: {', '.join(fields)})", field="values")
        found: dict[str, str] = {}
        keys: dict[str, str] = {}
        for value, label in table.items():
            key = value_key(value)
            if not key:
                raise ValidationError(f"{value!r} is not a value of the file", field=f"values.{name}")
            target = spec.target(label)
            if key in keys and found[keys[key]] != target:
                raise ValidationError(f"{keys[key]!r} and {value!r} are one value (case and punctuation aside) "
                                      "mapped to two labels", field=f"values.{name}")
            keys[key] = value.strip()
            found[value.strip()] = target
        if found:
            checked[name] = found
    return checked


def with_saved_values(standard: Mapping[str, Mapping[str, str]],
                      saved: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """The value map an import reads through (field -> value key -> label): the standard values,
    then a saved mapping's own, which win for the same value.

    >>> with_saved_values({"status": {"new": "Open"}}, {"status": {"NEW": "Contacted"}})
    {'status': {'new': 'Contacted'}}
    """
    merged = {name: dict(table) for name, table in standard.items()}
    for name, table in saved.items():
        read = {value_key(value): label for value, label in table.items()}
        merged.setdefault(name, {}).update(read)
        for column in [key for key in merged if key.startswith(name + COLUMN_TABLE)]:
            merged[column].update(read)
    return merged


def described_values(values: Mapping[str, Mapping[str, str]]) -> str:
    """Value mappings as one line, as the CLI and the job page show them.

    >>> described_values({"status": {"Hot prospect": "Qualified"}, "rating": {"A": "Hot", "B": "Warm"}})
    'status: Hot prospect -> Qualified; rating: A -> Hot, B -> Warm'
    """
    return "; ".join(f"{field}: " + ", ".join(f"{value} -> {label}" for value, label in table.items())
                     for field, table in values.items())
