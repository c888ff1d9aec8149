"""The assignment rules page (``/settings/assignment``, admins): the ordered entries with their
criteria and target, the round-robin groups with their weights, the default owner, and a
simulation that replays the last leads through the stored rule set and shows who would have got
each and why, writing nothing. Every change goes through the assignment use cases
(services/assignment), as the API's; a refusal is shown beside its field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from litestar import Controller, Response, get, post
from litestar.response import Template

from leadline.domain.assignment import AssignmentRule
from leadline.domain.errors import ValidationError
from leadline.http_status import status_of
from leadline.services.assignment import rules as rule_service
from leadline.services.assignment.assign import simulate_assignment
from leadline.services.campaigns.records import list_campaigns
from leadline.services.configuration.statuses import list_sources
from leadline.services.context import ServiceContext
from leadline.web.settings.forms import Form, FormErrors, SettingsPage, ensure_admin, ticked

#: the criteria the entry forms show: (form field, label); lists are comma-separated
LIST_CRITERIA = (("country", "Countries"), ("state", "States"), ("source", "Sources"), ("campaign", "Campaigns"),
                 ("industry", "Industries"), ("product_interest", "Product interest"))
RULE_FIELDS = ("name", "user", "group", "position", "min_employees", "max_employees",
               *(name for name, _ in LIST_CRITERIA))


def _page(ctx: ServiceContext, user: int) -> dict[str, Any]:
    found = rule_service.list_assignment_rules(ctx, user)
    users = sorted(found.users.values(), key=lambda u: (u.name.casefold(), u.email))
    sources = {s.id: s.label for s in list_sources(ctx)}
    campaigns = {c.id: c.name for c in list_campaigns(ctx, user)}
    return {"rules": [(r, _criteria(r, sources, campaigns), _form_values(r, found, sources, campaigns))
                      for r in found.rules],
            "groups": list(found.groups.values()), "groups_by_id": found.groups, "users": found.users, "people": users,
            "default_owner_id": found.default_owner_id, "list_criteria": LIST_CRITERIA,
            "user_choices": [(u.email, f"{u.name} <{u.email}>") for u in users if u.active],
            "group_choices": [(g.name, g.name) for g in found.groups.values()],
            "simulation": None, "last": 20}


def _criteria(rule: AssignmentRule, sources: Mapping[int, str], campaigns: Mapping[int, str]) -> list[str]:
    """The entry's criteria in words, one part a line (none: it matches every lead)."""
    c = rule.criteria
    parts = [(label, values) for label, values in (
        ("Country", c.countries), ("State", c.states), ("Industry", c.industries),
        ("Source", tuple(sources.get(i, str(i)) for i in c.source_ids)),
        ("Campaign", tuple(campaigns.get(i, str(i)) for i in c.campaign_ids)),
        ("Product interest", c.products)) if values]
    found = [f"{label}: {', '.join(values)}" for label, values in parts]
    if c.min_employees is not None or c.max_employees is not None:
        found.append(f"Employees: {c.min_employees if c.min_employees is not None else 0}"
                     f"–{c.max_employees if c.max_employees is not None else '∞'}")
    found += [f"{name}: {', '.join(values)}" for name, values in c.custom.items()]
    return found


def _form_values(rule: AssignmentRule, found: rule_service.RuleSet, sources: Mapping[int, str],
                 campaigns: Mapping[int, str]) -> dict[str, str]:
    c = rule.criteria
    target = found.users.get(rule.user_id) if rule.user_id is not None else None
    group = found.groups.get(rule.group_id) if rule.group_id is not None else None
    return {"name": rule.name, "user": target.email if target else "", "group": group.name if group else "",
            "position": str(rule.position), "country": ", ".join(c.countries), "state": ", ".join(c.states),
            "industry": ", ".join(c.industries), "product_interest": ", ".join(c.products),
            "source": ", ".join(sources.get(i, str(i)) for i in c.source_ids),
            "campaign": ", ".join(campaigns.get(i, str(i)) for i in c.campaign_ids),
            "min_employees": "" if c.min_employees is None else str(c.min_employees),
            "max_employees": "" if c.max_employees is None else str(c.max_employees)}


def _listed(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def rule_values(data: Mapping[str, str]) -> dict[str, object]:
    """An entry's form as ``add_assignment_rule`` takes it."""
    criteria: dict[str, object] = {name: _listed(data.get(name, "")) for name, _ in LIST_CRITERIA}
    size = {key: data.get(f"{key}_employees", "").strip() for key in ("min", "max")}
    if any(size.values()):
        criteria["company_size"] = {key: value or None for key, value in size.items()}
    values: dict[str, object] = {"name": data.get("name", ""), "criteria": {k: v for k, v in criteria.items() if v},
                                 "user": data.get("user", "").strip() or None,
                                 "group": data.get("group", "").strip() or None, "active": ticked(data, "active")}
    if data.get("position", "").strip():
        values["position"] = data["position"].strip()
    return values


def _on_form(action: Callable[[], object]) -> Callable[[], object]:
    """``action`` with a refusal's field named as the form names it ("criteria.country" is
    "country", "criteria.company_size.min" is "min_employees", "target" is "user")."""
    def run() -> object:
        try:
            return action()
        except ValidationError as error:
            field = error.field or ""
            if field.startswith("criteria.company_size."):
                field = field.rsplit(".", 1)[1] + "_employees"
            elif field.startswith("criteria."):
                field = field.split(".")[1]
            elif field.startswith("members"):
                field = "members"
            elif field == "target":
                field = "user"
            raise ValidationError(error.message, field=field) from None
    return run


def _members(text: str) -> list[tuple[str, object]]:
    """The group form's members: one a line, "e-mail" or "e-mail weight"."""
    found: list[tuple[str, object]] = []
    for line in text.splitlines():
        words = line.replace(",", " ").split()
        if words:
            found.append((words[0], words[1] if len(words) > 1 else 1))
    return found


ASSIGNMENT = SettingsPage("/settings/assignment", "settings/assignment.html", _page)


class AssignmentSettings(Controller):
    path = "/settings/assignment"

    @get("/", sync_to_thread=False)
    def assignment_page(self, ctx: ServiceContext, user: int) -> Template:
        return ASSIGNMENT.render(ctx, user)

    @post("/rules", sync_to_thread=False)
    def add_rule(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return ASSIGNMENT.submit(ctx, user, "add-rule", data, _on_form(
            lambda: rule_service.add_assignment_rule(ctx, user, rule_values(data))))

    @post("/rules/{rule_id:int}", sync_to_thread=False)
    def change_rule(self, ctx: ServiceContext, user: int, rule_id: int, data: Form) -> Response[Any]:
        return ASSIGNMENT.submit(ctx, user, f"rule-{rule_id}", data, _on_form(
            lambda: rule_service.update_assignment_rule(ctx, user, rule_id, rule_values(data))))

    @post("/rules/{rule_id:int}/move", sync_to_thread=False)
    def move_rule(self, ctx: ServiceContext, user: int, rule_id: int, data: Form) -> Response[Any]:
        return ASSIGNMENT.submit(ctx, user, "rules", data, lambda: rule_service.move_assignment_rule(
            ctx, user, rule_id, data.get("direction", "")))

    @post("/rules/{rule_id:int}/remove", sync_to_thread=False)
    def remove_rule(self, ctx: ServiceContext, user: int, rule_id: int, data: Form) -> Response[Any]:
        return ASSIGNMENT.submit(ctx, user, "rules", data,
                                 lambda: rule_service.delete_assignment_rule(ctx, user, rule_id))

    @post("/groups", sync_to_thread=False)
    def add_group(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return ASSIGNMENT.submit(ctx, user, "add-group", data, _on_form(lambda: rule_service.add_assignment_group(
            ctx, user, data.get("name", ""), _members(data.get("members", "")),
            method=data.get("method", "weighted"))))

    @post("/default-owner", sync_to_thread=False)
    def default_owner(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return ASSIGNMENT.submit(ctx, user, "default-owner", data, lambda: rule_service.set_default_owner(
            ctx, user, data.get("owner", "").strip() or None))

    @post("/simulate", sync_to_thread=False)
    def simulate(self, ctx: ServiceContext, user: int, data: Form) -> Template:
        """The stored rule set replayed over the last leads: who would get each and why (nothing written)."""
        ensure_admin(ctx, user)
        text = data.get("last", "").strip()
        try:
            if not text.isdigit():
                raise ValidationError("is a whole number of leads", field="last")
            simulated = simulate_assignment(ctx, user, last=int(text))
        except ValidationError as error:
            return ASSIGNMENT.render(ctx, user, errors=FormErrors("simulate", error.field, error.message, data),
                                     status=status_of(error))
        return ASSIGNMENT.render(ctx, user, simulation=simulated, last=int(text))

