"""Lead conversion, as data: which lead field fills which field of the account, contact and
opportunity, and what a lead must have for conversion to create an opportunity.

The mapping is written out here rather than guessed from matching names, so a reader (and an
admin screen later) sees exactly what conversion copies.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from operator import attrgetter
from typing import Any

from leadline.domain.accounts import Account, Contact, normalise_company_name, website_domain
from leadline.domain.configuration.custom_fields import CustomFieldDefinition, CustomFieldType, RecordType
from leadline.domain.configuration.statuses import LeadStatus, StatusKind
from leadline.domain.conversion.opportunity_fields import OpportunityFields
from leadline.domain.errors import ConfigurationError, UndoRefusedError, ValidationError
from leadline.domain.leads.lead import Lead, phone_number_of

#: lead field -> account field
LEAD_TO_ACCOUNT: tuple[tuple[str, str], ...] = (
    ("company", "name"), ("website", "website"), ("industry", "industry"),
    ("number_of_employees", "number_of_employees"), ("street", "billing_street"), ("city", "billing_city"),
    ("state", "billing_state"), ("postal_code", "billing_postal_code"), ("country", "billing_country"),
)
#: lead field -> contact field
LEAD_TO_CONTACT: tuple[tuple[str, str], ...] = (
    ("first_name", "first_name"), ("last_name", "last_name"), ("email", "email"), ("phone", "phone"),
    ("title", "title"), ("source_id", "lead_source_id"),
)
#: lead field -> opportunity field
LEAD_TO_OPPORTUNITY: tuple[tuple[str, str], ...] = (
    ("source_id", "lead_source_id"), ("budget_amount", "amount"), ("currency", "currency"),
    ("purchase_timeframe", "close_date"),
)


def mapped_values(lead: Lead, mapping: tuple[tuple[str, str], ...]) -> dict[str, object]:
    """The target fields a conversion fills from ``lead`` under ``mapping``."""
    targets, read = _mapping_reader(mapping)
    return dict(zip(targets, read(lead), strict=True))


@cache
def _mapping_reader(mapping: tuple[tuple[str, str], ...]) -> tuple[tuple[str, ...], Callable[[Lead], tuple[Any, ...]]]:
    """The target fields of ``mapping`` and one getter of their source fields' values, as a tuple."""
    sources = [source for source, _ in mapping]
    targets = tuple(target for _, target in mapping)
    if len(sources) < 2:
        return targets, lambda lead: tuple(getattr(lead, source) for source in sources)
    return targets, attrgetter(*sources)


def opportunity_name(lead: Lead) -> str:
    """``<Company> - <first product>`` or ``<Company> - New business``."""
    what = lead.products[0].product_name if lead.products else "New business"
    return f"{lead.company} - {what}"[:255]


def converted_status(statuses: Iterable[LeadStatus], chosen: str | None = None) -> LeadStatus:
    """The status a conversion sets: the one named, else the first active converted status."""
    candidates = [s for s in statuses if s.kind is StatusKind.CONVERTED and s.is_active]
    if chosen:
        candidates = [s for s in candidates if s.label.casefold() == chosen.casefold() or str(s.id) == chosen]
    if not candidates:
        raise ConfigurationError(f"no active converted status {chosen or ''}".strip(), field="converted_status")
    return min(candidates, key=lambda s: s.order)


class OpportunityChoice(StrEnum):
    CREATE = "create"   # a new opportunity (or one per product line)
    ATTACH = "attach"   # the new contact joins an existing open opportunity of the account
    NONE = "none"       # contact and account only


@dataclass(frozen=True, slots=True)
class ConversionOptions:
    """What the user chose for one conversion. Defaults: a new account, the account's contact
    with the lead's e-mail if there is one (else a new contact), a new opportunity."""

    account_id: int | None = None
    contact_id: int | None = None
    opportunity: OpportunityChoice = OpportunityChoice.CREATE
    opportunity_id: int | None = None
    one_per_product: bool = False
    status: str | None = None
    owner: str | None = None
    override_reason: str | None = None
    #: convert a lead that is not in a qualified status although it misses its qualification criteria
    qualification_override_reason: str | None = None
    #: disqualify the lead with this reason but keep it as account and contact for nurturing
    nurture_reason: str | None = None
    idempotency_key: str | None = None
    expected_version: int | None = None
    #: create the account or contact although one the actor may not see matches (docs/adr/0013)
    confirm_separate: bool = False
    #: create the account or contact although a ``block`` duplicate rule matches (kept in history)
    duplicate_override_reason: str | None = None
    #: the new opportunity's name, amount, close date and stage as the user set them (else worked out)
    new_opportunity: OpportunityFields = OpportunityFields()

    def ensure_consistent(self) -> None:
        """Refuse contradictory choices before anything is read or written."""
        if self.opportunity is OpportunityChoice.ATTACH and self.opportunity_id is None:
            raise ValidationError("attaching to an opportunity needs its id", field="opportunity_id")
        if self.opportunity is not OpportunityChoice.ATTACH and self.opportunity_id is not None:
            raise ValidationError("an opportunity id is only given with opportunity=attach", field="opportunity_id")
        if self.nurture_reason and self.opportunity is not OpportunityChoice.NONE:
            raise ValidationError("a lead kept for nurturing yields no opportunity; use opportunity=none",
                                  field="opportunity")
        if self.one_per_product and self.opportunity is not OpportunityChoice.CREATE:
            raise ValidationError("one opportunity per product needs opportunity=create", field="one_per_product")
        fields = self.new_opportunity
        if fields.is_given() and self.opportunity is not OpportunityChoice.CREATE:
            raise ValidationError("the new opportunity's fields are given only with opportunity=create",
                                  field=fields.given_field())
        if fields.names_one_opportunity() and self.one_per_product:
            raise ValidationError("one opportunity per product takes no single name or amount",
                                  field=fields.given_field())
        if self.nurture_reason and self.qualification_override_reason:
            raise ValidationError("a lead kept for nurturing is disqualified: it needs no qualification override",
                                  field="qualification_override_reason")


@dataclass
class ConversionResult:
    """What one conversion did: ids, and which records it created, attached and filled."""

    lead_id: int
    account_id: int = 0
    contact_id: int = 0
    opportunity_id: int | None = None
    opportunity_ids: list[int] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    attached: list[str] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    override_reason: str | None = None
    #: why a lead that was not qualified converted without its qualification criteria met
    qualification_override_reason: str | None = None
    replayed: bool = False
    #: the lead's version once converted (its ETag); None in a result stored before it was kept
    lead_version: int | None = None


#: The organisation setting (``org_settings``) of the qualification gate of conversion: "on" unless set.
QUALIFICATION_GATE = "conversion_requires_qualification"


def parse_switch(value: object, field: str) -> bool:
    """``on``/``off`` (also true/false, yes/no, 1/0) as a bool; anything else names ``field``."""
    text = str(value).strip().lower()
    if text in ("on", "true", "yes", "1"):
        return True
    if text in ("off", "false", "no", "0"):
        return False
    raise ValidationError(f"{value!r} is neither on nor off", field=field)


def needs_qualification(status: LeadStatus, options: ConversionOptions, *, gate_on: bool) -> bool:
    """Whether converting a lead in ``status`` asks for its qualification criteria met (or an
    override with a written reason): when the gate is on and the lead is not in a qualified status,
    unless it is kept for nurturing (it is disqualified, and yields no opportunity)."""
    return gate_on and status.kind is not StatusKind.QUALIFIED and not options.nurture_reason


@dataclass(frozen=True, slots=True)
class Candidate:
    """An existing record a lead may belong to, with why it matched."""

    record_id: int
    name: str
    reasons: tuple[str, ...]


def shared_domain(lead: Lead, account: Account) -> str | None:
    """The website domain ``account`` shares with the lead, if any."""
    domain = website_domain(lead.website)
    return domain if domain and domain == (account.domain or website_domain(account.website)) else None


def shared_company_name(lead: Lead, account: Account) -> str | None:
    """The normalised company name ``account`` shares with the lead, if any."""
    name = normalise_company_name(lead.company)
    return name if name and name == normalise_company_name(account.name) else None


def shares_email(lead: Lead, contact: Contact) -> bool:
    return bool(lead.email and contact.email and lead.email.casefold() == contact.email.casefold())


def shares_phone(lead: Lead, contact: Contact) -> bool:
    return bool(lead.phone and contact.phone and phone_number_of(lead.phone) == phone_number_of(contact.phone))


def account_match_reasons(lead: Lead, account: Account) -> list[str]:
    """Why ``account`` may be the lead's company: same website domain, same normalised name."""
    domain, name = shared_domain(lead, account), shared_company_name(lead, account)
    return ([f"same website domain {domain}"] if domain else []) + ([f"same company name {name!r}"] if name else [])


def contact_match_reasons(lead: Lead, contact: Contact) -> list[str]:
    """Why ``contact`` may be the lead's person: same e-mail (ignoring case), same phone."""
    return (([f"same e-mail {contact.email}"] if shares_email(lead, contact) else [])
            + ([f"same phone {contact.phone}"] if shares_phone(lead, contact) else []))


def same_email_contact(lead: Lead, contacts: Iterable[Contact]) -> Contact | None:
    """The contact a conversion attaches to by default: same e-mail, in the target account."""
    for contact in contacts:
        if lead.email and contact.email and lead.email.casefold() == contact.email.casefold():
            return contact
    return None


def fill_empty(target: Any, values: dict[str, object]) -> dict[str, object]:
    """Set the fields of ``target`` that are empty from ``values`` (never overwrite); returns what
    was filled."""
    filled = {name: value for name, value in values.items()
              if value not in (None, "") and getattr(target, name) in (None, "")}
    for name, value in filled.items():
        setattr(target, name, value)
    return filled


@dataclass(frozen=True, slots=True)
class FieldMapping:
    """An admin's mapping of a custom lead field to a custom field of account, contact or opportunity."""

    id: int
    source_field_id: int
    target_field_id: int


def ensure_mapping_compatible(source: CustomFieldDefinition, target: CustomFieldDefinition,
                              existing: Iterable[FieldMapping]) -> None:
    """A lead field maps to a field of a converted record whose type can hold its values: the same
    type (a pick-list's options all present in the target), or text, which holds anything. A target
    is filled from one lead field only."""
    if source.record_type is not RecordType.LEAD:
        raise ValidationError(f"{source.name} is not a lead field", field="source")
    if target.record_type not in (RecordType.ACCOUNT, RecordType.CONTACT, RecordType.OPPORTUNITY):
        raise ValidationError(f"{target.name} is not a field of an account, contact or opportunity", field="target")
    if target.type is not CustomFieldType.TEXT and target.type is not source.type:
        raise ValidationError(f"a {source.type.value} field cannot fill a {target.type.value} field", field="target")
    if source.type is CustomFieldType.PICKLIST and target.type is CustomFieldType.PICKLIST:
        missing = [o for o in source.options if o.casefold() not in {t.casefold() for t in target.options}]
        if missing:
            raise ValidationError(f"{target.record_type.value}.{target.name} lacks the options "
                                  f"{', '.join(missing)}", field="target")
    if any(m.target_field_id == target.id for m in existing):
        raise ValidationError(f"{target.record_type.value}.{target.name} is already filled by another lead field",
                              field="target")


def mapped_custom_value(value: object, target: CustomFieldDefinition) -> object:
    """The value a mapped lead field gives its target (text targets take the text form)."""
    if value is None or target.type is not CustomFieldType.TEXT:
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def ensure_undoable(blockers: list[str]) -> None:
    """A conversion is undone only when nothing was attached to what it created since, and those
    records were not edited; otherwise ``UNDO_REFUSED`` with every reason."""
    if blockers:
        raise UndoRefusedError("the conversion cannot be undone: " + "; ".join(blockers), field="lead",
                               details=[("lead", b) for b in blockers])
