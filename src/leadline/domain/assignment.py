"""Assignment rules: which rep a new lead goes to, and why (docs/adr/0033-assignment-rules-as-data.md).

A rule set is data: ordered entries, each with criteria on lead fields and a target, a user or a
round-robin group. The first active entry whose criteria all hold and whose target has an active
candidate wins; an entry whose user is inactive, or whose group has no active member, is passed
over (and said so in the reason). No entry: the default owner, if set and active; else the lead
keeps its owner. Every decision names the entry, the candidates and the tie-break.

A group picks among its active members by ``weighted`` round robin (the member furthest behind
its share, ``assigned / weight`` smallest) or ``fewest_open`` (fewest open leads, then as
weighted). Its counters are stored; the caller locks them for the decision's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from leadline.domain.common import clean_text, parse_non_negative_int
from leadline.domain.errors import ValidationError
from leadline.domain.leads.lead import Lead
from leadline.domain.security.users import User


class GroupMethod(StrEnum):
    WEIGHTED = "weighted"
    FEWEST_OPEN = "fewest_open"


def parse_group_method(value: object) -> GroupMethod:
    try:
        return GroupMethod(str(value).strip().lower().replace("-", "_"))
    except ValueError:
        raise ValidationError(f"{value!r} is not weighted or fewest_open", field="method") from None


#: Criteria keys on the lead's standard fields: text matched case-blind against any of the values.
TEXT_CRITERIA = ("country", "state", "industry")


@dataclass(frozen=True, slots=True)
class Criteria:
    """What a lead must have for an entry to match; an empty part matches anything. Each part is
    "any of these values"; the parts must all hold."""

    countries: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    industries: tuple[str, ...] = ()
    source_ids: tuple[int, ...] = ()
    campaign_ids: tuple[int, ...] = ()
    min_employees: int | None = None
    max_employees: int | None = None
    products: tuple[str, ...] = ()  # product interest, by name
    custom: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # custom field name -> values

    def matches(self, lead: Lead) -> bool:
        return not self.mismatches(lead)

    def mismatches(self, lead: Lead) -> list[str]:
        """The parts ``lead`` fails, by name (empty: it matches)."""
        failed = [name for name, wanted, value in (
            ("country", self.countries, lead.country), ("state", self.states, lead.state),
            ("industry", self.industries, lead.industry)) if wanted and not _any_text(wanted, [value])]
        if self.source_ids and lead.source_id not in self.source_ids:
            failed.append("source")
        if self.campaign_ids and lead.campaign_id not in self.campaign_ids:
            failed.append("campaign")
        size = lead.number_of_employees
        if (self.min_employees is not None or self.max_employees is not None) and (
                size is None or (self.min_employees is not None and size < self.min_employees)
                or (self.max_employees is not None and size > self.max_employees)):
            failed.append("company_size")
        if self.products and not _any_text(self.products, [p.product_name for p in lead.products]):
            failed.append("product_interest")
        for name, wanted in self.custom.items():
            if not _any_text(wanted, [_text(lead.custom.get(name))]):
                failed.append(f"custom.{name}")
        return failed


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 100, not 1E+2
    return str(value)


def _any_text(wanted: Iterable[str], values: Iterable[str | None]) -> bool:
    folded = {w.casefold().strip() for w in wanted}
    return any(v is not None and v.casefold().strip() in folded for v in values)


def parse_criteria(values: Mapping[str, object], *, source_ids: Mapping[str, int],
                   campaign_ids: Mapping[str, int], custom_names: Iterable[str]) -> Criteria:
    """Criteria from a transport's plain values: ``country``, ``state``, ``industry``,
    ``product_interest`` (lists of texts), ``source`` and ``campaign`` (names or ids, looked up in
    the given maps of folded name -> id), ``company_size`` (``{"min": 10, "max": 500}``) and
    ``custom`` (``{name: [values]}``). An unknown key or name is refused by its field."""
    known = {"country", "state", "industry", "source", "campaign", "company_size", "product_interest", "custom"}
    for key in values:
        if key not in known:
            raise ValidationError(f"is not a criterion; use {', '.join(sorted(known))}", field=f"criteria.{key}")
    size = values.get("company_size") or {}
    if not isinstance(size, Mapping):
        raise ValidationError("is {\"min\": n, \"max\": n}", field="criteria.company_size")
    low = parse_non_negative_int(size.get("min"), field="criteria.company_size.min")
    high = parse_non_negative_int(size.get("max"), field="criteria.company_size.max")
    if low is not None and high is not None and high < low:
        raise ValidationError("must not be below min", field="criteria.company_size.max")
    custom = values.get("custom") or {}
    if not isinstance(custom, Mapping):
        raise ValidationError("is {name: [values]}", field="criteria.custom")
    for name, wanted in custom.items():
        if not isinstance(wanted, (str, int, list, tuple)) or isinstance(wanted, bool):
            raise ValidationError("is a text or a list of texts", field=f"criteria.custom.{name}")
    names = set(custom_names)
    for name in custom:
        if name not in names:
            raise ValidationError(f"{name!r} is not a custom lead field", field=f"criteria.custom.{name}")
    return Criteria(
        countries=_texts(values, "country"), states=_texts(values, "state"), industries=_texts(values, "industry"),
        source_ids=_references(values, "source", source_ids),
        campaign_ids=_references(values, "campaign", campaign_ids),
        min_employees=low, max_employees=high, products=_texts(values, "product_interest"),
        custom={str(name): _texts({"v": wanted}, "v", f"criteria.custom.{name}") for name, wanted in custom.items()},
    )


def _listed(values: Mapping[str, object], key: str, field: str) -> list[object]:
    value = values.get(key)
    if value in (None, ""):
        return []
    found = list(value) if isinstance(value, (list, tuple)) else [value]
    if any(isinstance(item, (dict, list, tuple, bool)) for item in found):
        raise ValidationError("is a text or a list of texts", field=field)
    return found


def _texts(values: Mapping[str, object], key: str, field: str | None = None) -> tuple[str, ...]:
    where = field or f"criteria.{key}"
    found = [clean_text(v, field=where, max_length=255) for v in _listed(values, key, where)]
    return tuple(v for v in found if v)


def _references(values: Mapping[str, object], key: str, ids: Mapping[str, int]) -> tuple[int, ...]:
    found = []
    for value in _listed(values, key, f"criteria.{key}"):
        text = str(value).strip()
        if text.isdigit() and int(text) in ids.values():
            found.append(int(text))
        elif text.casefold() in ids:
            found.append(ids[text.casefold()])
        else:
            raise ValidationError(f"there is no {key} {text!r}", field=f"criteria.{key}")
    return tuple(found)


#: The largest weight (capacity) of a group member: a ratio, not a count.
MAX_WEIGHT = 1000


@dataclass(frozen=True, slots=True)
class GroupMember:
    user_id: int
    weight: int = 1
    assigned: int = 0  # leads given by this group so far (the stored round-robin state)
    position: int = 0


@dataclass(frozen=True, slots=True)
class AssignmentGroup:
    id: int
    name: str
    method: GroupMethod
    members: tuple[GroupMember, ...]


def ensure_valid_group(name: str | None, members: Sequence[GroupMember]) -> None:
    clean_text(name, field="name", max_length=120, required=True)
    if not members:
        raise ValidationError("a round-robin group needs at least one member", field="members")
    seen = set()
    for index, member in enumerate(members):
        if not 1 <= member.weight <= MAX_WEIGHT:
            raise ValidationError(f"must be between 1 and {MAX_WEIGHT}", field=f"members[{index}].weight")
        if member.user_id in seen:
            raise ValidationError("is already a member", field=f"members[{index}].user")
        seen.add(member.user_id)


@dataclass(frozen=True, slots=True)
class AssignmentRule:
    """One entry of the rule set: its place, criteria and target (a user or a group, not both)."""

    id: int
    position: int
    name: str
    criteria: Criteria
    user_id: int | None = None
    group_id: int | None = None
    is_active: bool = True

    def __post_init__(self) -> None:
        clean_text(self.name, field="name", max_length=120, required=True)
        if (self.user_id is None) == (self.group_id is None):
            raise ValidationError("an entry points to a user or to a round-robin group (one of them)", field="target")


@dataclass(frozen=True, slots=True)
class Candidate:
    user_id: int
    weight: int
    assigned: int
    open_leads: int | None = None


@dataclass(frozen=True, slots=True)
class AssignmentDecision:
    """Who gets the lead and why. ``owner_id`` None: nothing matched and there is no default owner."""

    owner_id: int | None
    rule_id: int | None
    group_id: int | None
    reason: str
    candidates: tuple[Candidate, ...] = ()
    tie_break: str | None = None
    skipped: tuple[str, ...] = ()


def matching_entry(rules: Sequence[AssignmentRule], lead: Lead, users: Mapping[int, User],
                   groups: Mapping[int, AssignmentGroup]) -> tuple[AssignmentRule | None, tuple[str, ...]]:
    """The first active entry matching ``lead`` whose target has an active candidate, and the
    entries passed over on the way for their inactive target."""
    skipped: list[str] = []
    for rule in sorted(rules, key=lambda r: (r.position, r.id)):
        if not rule.is_active or not rule.criteria.matches(lead):
            continue
        if rule.user_id is not None:
            user = users.get(rule.user_id)
            if user is not None and user.active:
                return rule, tuple(skipped)
            skipped.append(f"{rule.name}: user {rule.user_id} is inactive")
            continue
        group = groups.get(rule.group_id)  # type: ignore[arg-type]
        if group is not None and active_members(group, users):
            return rule, tuple(skipped)
        skipped.append(f"{rule.name}: no active member in its group")
    return None, tuple(skipped)


def active_members(group: AssignmentGroup, users: Mapping[int, User]) -> list[GroupMember]:
    return [m for m in group.members if (u := users.get(m.user_id)) is not None and u.active]


def pick_member(group: AssignmentGroup, users: Mapping[int, User],
                open_leads: Mapping[int, int] | None = None) -> tuple[GroupMember, tuple[Candidate, ...], str]:
    """The active member who gets the next lead of ``group``, the candidates weighed and the
    tie-break used. Weighted: the smallest ``(assigned + 1) / weight`` (whom one more lead puts
    least ahead of their share), then the lowest position. Fewest open: the fewest open leads
    (``open_leads``), then as weighted."""
    members = active_members(group, users)
    if not members:
        raise ValidationError(f"group {group.name!r} has no active member", field="group")
    opened = open_leads or {}
    fewest = group.method is GroupMethod.FEWEST_OPEN

    def share(m: GroupMember) -> Fraction:
        return Fraction(m.assigned + 1, m.weight)

    def key(m: GroupMember) -> tuple[int, Fraction, int]:
        return (opened.get(m.user_id, 0) if fewest else 0, share(m), m.position)

    ordered = sorted(members, key=key)
    chosen = ordered[0]
    candidates = tuple(Candidate(m.user_id, m.weight, m.assigned, opened.get(m.user_id, 0) if fewest else None)
                       for m in members)
    tied = [m for m in ordered if key(m)[:2] == key(chosen)[:2]]
    if fewest and len([m for m in ordered if key(m)[0] == key(chosen)[0]]) == 1:
        tie_break = "fewest open leads"
    elif len(tied) > 1:
        tie_break = "lowest position among equal shares"
    else:
        tie_break = "furthest behind its weighted share"
    return chosen, candidates, tie_break


def counted_once_more(group: AssignmentGroup, user_id: int) -> AssignmentGroup:
    """``group`` with one more lead counted for ``user_id`` (what is stored after a decision)."""
    return replace(group, members=tuple(replace(m, assigned=m.assigned + 1) if m.user_id == user_id else m
                                        for m in group.members))


def decide(rules: Sequence[AssignmentRule], lead: Lead, users: Mapping[int, User],
           groups: Mapping[int, AssignmentGroup], default_owner_id: int | None,
           open_leads: Mapping[int, int] | None = None) -> AssignmentDecision:
    """The assignment of ``lead`` under ``rules`` (see the module's docstring)."""
    rule, skipped = matching_entry(rules, lead, users, groups)
    if rule is None:
        default = users.get(default_owner_id) if default_owner_id is not None else None
        if default is not None and default.active:
            return AssignmentDecision(default.id, None, None, "no entry matched: the default owner", skipped=skipped)
        return AssignmentDecision(None, None, None, "no entry matched and no active default owner: owner kept",
                                  skipped=skipped)
    if rule.user_id is not None:
        return AssignmentDecision(rule.user_id, rule.id, None, f"entry {rule.position} {rule.name!r} matched",
                                  skipped=skipped)
    group = groups[rule.group_id]  # type: ignore[index]
    member, candidates, tie_break = pick_member(group, users, open_leads)
    return AssignmentDecision(member.user_id, rule.id, group.id,
                              f"entry {rule.position} {rule.name!r} matched: group {group.name!r}",
                              candidates, tie_break, skipped)


@dataclass(frozen=True, slots=True)
class AssignmentLogEntry:
    """One assignment as logged: the decision's reason and details beside who got the lead from whom."""

    id: int
    lead_id: int
    assigned_at: datetime
    actor_id: int | None
    previous_owner_id: int | None
    owner_id: int | None
    rule_id: int | None
    group_id: int | None
    reason: str
    #: candidates (``[{"user_id", "weight", "assigned", "open_leads"}]``), tie_break, skipped
    details: dict[str, Any]
