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

from leadline.domain.imports.mapping import header_key

_SALESFORCE_STATUS = {"Open - Not Contacted": "Open", "Working - Contacted": "Contacted",
                      # a converted Salesforce lead was qualified; Leadline converts it anew
                      "Closed - Converted": "Qualified", "Closed - Not Converted": "Unqualified"}
_HUBSPOT_STATUS = {"NEW": "Open", "OPEN": "Open", "IN_PROGRESS": "Contacted", "ATTEMPTED_TO_CONTACT": "Contacted",
                   "CONNECTED": "Contacted", "OPEN_DEAL": "Qualified", "UNQUALIFIED": "Unqualified",
                   "BAD_TIMING": "Unqualified"}
_SALESFORCE_SOURCE = {"Web": "Website form", "Phone Inquiry": "Phone call", "Partner Referral": "Customer referral",
                      "Purchased List": "Other", "Other": "Other"}
_HUBSPOT_SOURCE = {"ORGANIC_SEARCH": "Website form", "DIRECT_TRAFFIC": "Website form",
                   "PAID_SEARCH": "Web ad click-through", "PAID_SOCIAL": "Social media", "SOCIAL_MEDIA": "Social media",
                   "Organic Social": "Social media", "REFERRALS": "Customer referral", "EMAIL_MARKETING": "Other",
                   "OTHER_CAMPAIGNS": "Other", "OFFLINE": "Other", "Offline Sources": "Other"}

#: kind -> field -> the file's value (as ``header_key`` reads it) -> Leadline's default label
STANDARD_VALUES: Mapping[str, Mapping[str, Mapping[str, str]]] = {
    "lead": {
        "status": {header_key(k): v for k, v in {**_SALESFORCE_STATUS, **_HUBSPOT_STATUS}.items()},
        "source": {header_key(k): v for k, v in {**_SALESFORCE_SOURCE, **_HUBSPOT_SOURCE}.items()},
    },
}


def standard_values(kind: str, labels: Mapping[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """The standard values an import of ``kind`` reads as Leadline labels, but for the values
    that are one of the organisation's own ``labels`` of that field (those stay as they are)."""
    found: dict[str, dict[str, str]] = {}
    for field, table in STANDARD_VALUES.get(kind, {}).items():
        own = {header_key(label) for label in labels.get(field, ())}
        found[field] = {key: label for key, label in table.items() if key not in own}
    return found


def value_key(text: str) -> str:
    """A file's value as a value mapping looks it up."""
    return header_key(text)
