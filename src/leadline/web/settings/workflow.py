"""Settings of the lead workflow: statuses and the status graph (the allowed moves), lead
sources, reasons (disqualification and loss) and the qualification criteria's frameworks."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.response import Template

from leadline.domain.configuration.reasons import ReasonKind
from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.errors import ValidationError
from leadline.domain.leads.qualification import Operator, Purpose
from leadline.services.configuration import lead_workflow as workflow
from leadline.services.configuration import statuses as status_service
from leadline.services.context import ServiceContext
from leadline.web.settings.forms import Form, SettingsPage, text, ticked

REASON_KINDS = {ReasonKind.LEAD_UNQUALIFIED.value: "Disqualification (leads)",
                ReasonKind.OPPORTUNITY_LOST.value: "Loss (opportunities)"}


def _statuses(ctx: ServiceContext, user: int) -> dict[str, Any]:
    return {"statuses": status_service.list_statuses(ctx), "kinds": [k.value for k in StatusKind],
            "transitions": workflow.list_transitions(ctx)}


def _sources(ctx: ServiceContext, user: int) -> dict[str, Any]:
    return {"sources": status_service.list_sources(ctx)}


def _reasons(ctx: ServiceContext, user: int) -> dict[str, Any]:
    return {"reasons": workflow.list_reasons(ctx), "reason_kinds": REASON_KINDS}


def _criteria(ctx: ServiceContext, user: int) -> dict[str, Any]:
    frameworks: dict[tuple[str, str], list[Any]] = {}
    for criterion in workflow.list_criteria(ctx):
        frameworks.setdefault((criterion.purpose.value, criterion.framework), []).append(criterion)
    return {"frameworks": frameworks, "purposes": [p.value for p in Purpose], "operators": [o.value for o in Operator]}


def conditions(text: str) -> list[dict[str, str | None]]:
    """One condition a line, ``FIELD:OPERATOR[:VALUE]`` (as the CLI's ``--condition``); the use
    case checks each part."""
    found: list[dict[str, str | None]] = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        field, _, rest = line.partition(":")
        operator, _, value = rest.partition(":")
        if not field.strip() or not operator.strip():
            raise ValidationError(f"{line!r} is not FIELD:OPERATOR[:VALUE]", field="conditions")
        found.append({"field": field.strip(), "operator": operator.strip(), "value": value.strip() or None})
    return found


STATUSES = SettingsPage("/settings/statuses", "settings/statuses.html", _statuses)
SOURCES = SettingsPage("/settings/sources", "settings/sources.html", _sources)
REASONS = SettingsPage("/settings/reasons", "settings/reasons.html", _reasons)
CRITERIA = SettingsPage("/settings/criteria", "settings/criteria.html", _criteria)


class WorkflowSettings(Controller):
    path = "/settings"

    @get("/statuses", sync_to_thread=False)
    def statuses_page(self, ctx: ServiceContext, user: int) -> Template:
        return STATUSES.render(ctx, user)

    @post("/statuses", sync_to_thread=False)
    def add_status(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return STATUSES.submit(ctx, user, "add-status", data, lambda: status_service.add_status(
            ctx, user, data.get("label", ""), data.get("kind", ""), make_default=ticked(data, "is_default")))

    @post("/statuses/{status_id:int}", sync_to_thread=False)
    def change_status(self, ctx: ServiceContext, user: int, status_id: int, data: Form) -> Response[Any]:
        return STATUSES.submit(ctx, user, f"status-{status_id}", data, lambda: status_service.change_status(
            ctx, user, str(status_id), label=text(data, "label"), is_default=ticked(data, "is_default") or None,
            is_active=False if ticked(data, "deactivate") else None))

    @post("/statuses/{status_id:int}/delete", sync_to_thread=False)
    def delete_status(self, ctx: ServiceContext, user: int, status_id: int, data: Form) -> Response[Any]:
        return STATUSES.submit(ctx, user, f"status-{status_id}", data,
                               lambda: status_service.delete_status(ctx, user, str(status_id)))

    @post("/transitions", sync_to_thread=False)
    def allow_transition(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return STATUSES.submit(ctx, user, "add-transition", data, lambda: workflow.allow_transition(
            ctx, user, data.get("from_status", ""), data.get("to_status", "")))

    @post("/transitions/forbid", sync_to_thread=False)
    def forbid_transition(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return STATUSES.submit(ctx, user, "transitions", data, lambda: workflow.forbid_transition(
            ctx, user, data.get("from_status", ""), data.get("to_status", "")))

    @post("/transitions/reset", sync_to_thread=False)
    def reset_transitions(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return STATUSES.submit(ctx, user, "transitions", data, lambda: workflow.reset_transitions(ctx, user))

    @get("/sources", sync_to_thread=False)
    def sources_page(self, ctx: ServiceContext, user: int) -> Template:
        return SOURCES.render(ctx, user)

    @post("/sources", sync_to_thread=False)
    def add_source(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return SOURCES.submit(ctx, user, "add-source", data,
                              lambda: status_service.add_source(ctx, user, data.get("label", "")))

    @post("/sources/{source_id:int}", sync_to_thread=False)
    def change_source(self, ctx: ServiceContext, user: int, source_id: int, data: Form) -> Response[Any]:
        return SOURCES.submit(ctx, user, f"source-{source_id}", data, lambda: status_service.change_source(
            ctx, user, str(source_id), label=text(data, "label"), is_active=ticked(data, "is_active")))

    @get("/reasons", sync_to_thread=False)
    def reasons_page(self, ctx: ServiceContext, user: int) -> Template:
        return REASONS.render(ctx, user)

    @post("/reasons", sync_to_thread=False)
    def add_reason(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return REASONS.submit(ctx, user, "add-reason", data,
                              lambda: workflow.add_reason(ctx, user, data.get("kind", ""), data.get("label", "")))

    @post("/reasons/{reason_id:int}", sync_to_thread=False)
    def change_reason(self, ctx: ServiceContext, user: int, reason_id: int, data: Form) -> Response[Any]:
        return REASONS.submit(ctx, user, f"reason-{reason_id}", data, lambda: workflow.change_reason(
            ctx, user, data.get("kind", ""), str(reason_id), label=text(data, "label"),
            is_active=ticked(data, "is_active")))

    @get("/criteria", sync_to_thread=False)
    def criteria_page(self, ctx: ServiceContext, user: int) -> Template:
        return CRITERIA.render(ctx, user)

    @post("/criteria", sync_to_thread=False)
    def add_criterion(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return CRITERIA.submit(ctx, user, "add-criterion", data, lambda: workflow.add_criterion(
            ctx, user, purpose=data.get("purpose", ""), framework=data.get("framework", ""),
            name=data.get("name", ""), label=text(data, "label"), conditions=conditions(data.get("conditions", ""))))

    @post("/criteria/framework", sync_to_thread=False)
    def use_framework(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return CRITERIA.submit(ctx, user, "frameworks", data,
                               lambda: workflow.use_framework(ctx, user, data.get("framework", "")))

    @post("/criteria/remove", sync_to_thread=False)
    def remove_criterion(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return CRITERIA.submit(ctx, user, "frameworks", data, lambda: workflow.remove_criterion(
            ctx, user, data.get("framework", ""), data.get("name", "")))
