"""/api/v1/opportunities/{id}/...: selling an opportunity: stage moves, the rep's probability and
forecast category overrides, closing as won or lost, reopening.

Each handler parses, calls the one use case and renders the opportunity as ``GET
/opportunities/{id}`` does, with its version as ``ETag``; ``If-Match`` refuses a stale change
(412). The rules (figures following the stage, overrides kept until cleared, what closing
needs, a closed opportunity changing only by reopening) live in the use cases.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from litestar import Controller, Request, Response

from leadline.api.deps import etag, expected_version
from leadline.api.idempotency import idempotent
from leadline.api.opportunities.schemas import CloseIn, ForecastOverrideIn, ReopenIn, StageMoveIn
from leadline.api.records import opportunity_public
from leadline.api.routes import RecordId, api_delete, api_post, api_put
from leadline.api.schemas import OpportunityPublic
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.services.context import ServiceContext
from leadline.services.opportunities import lifecycle as opportunities
from leadline.services.opportunities.queries import StageName, stage_names
from leadline.services.security.idempotency import IdempotencyClaim

AnyRequest = Request[Any, Any, Any]


def opportunity_response(ctx: ServiceContext, opportunity: Opportunity) -> Response[OpportunityPublic]:
    """The opportunity as ``GET /opportunities/{id}`` renders it, with its version as ``ETag``
    (the status is the route's)."""
    return _rendered(opportunity, stage_names(ctx))


def _rendered(opportunity: Opportunity, names: Mapping[int, StageName]) -> Response[OpportunityPublic]:
    return Response(opportunity_public(opportunity, names), headers={"ETag": etag(opportunity.version)})


def _idempotent_change(request: AnyRequest, body: bytes, ctx: ServiceContext, actor: int,
                       change: Callable[[IdempotencyClaim[Opportunity] | None], Opportunity]) -> Response[Any]:
    """``change`` with the request's ``Idempotency-Key``, rendered with the stage names read before."""
    names = stage_names(ctx)
    return idempotent(request, body, ctx, actor, change, lambda opportunity: _rendered(opportunity, names))


class OpportunitySalesController(Controller):
    path = "/opportunities"
    tags = ["opportunities"]

    @api_post("/{opportunity_id:int}/stage", summary="Move an opportunity to another stage", status_code=200)
    def move_stage(self, request: AnyRequest, ctx: ServiceContext, actor: int, opportunity_id: RecordId,
                   data: StageMoveIn, body: bytes) -> Response[OpportunityPublic]:
        """To an open stage of its sales process: probability and forecast category follow the stage
        unless the rep overrode them. A closed stage is VALIDATION_FAILED (close the opportunity
        instead); a closed opportunity OPPORTUNITY_CLOSED (reopen it first)."""
        version = expected_version(request)
        return _idempotent_change(request, body, ctx, actor, lambda claim: opportunities.move_stage(
            ctx, actor, opportunity_id, data.stage, expected_version=version, claim=claim))

    @api_put("/{opportunity_id:int}/forecast-override", summary="Override probability or forecast category")
    def override_forecast(self, request: AnyRequest, ctx: ServiceContext, actor: int, opportunity_id: RecordId,
                          data: ForecastOverrideIn) -> Response[OpportunityPublic]:
        """The rep's own figures, kept through stage moves until cleared with ``DELETE``."""
        return opportunity_response(ctx, opportunities.override_forecast(
            ctx, actor, opportunity_id, probability=data.probability, category=data.forecast_category,
            expected_version=expected_version(request)))

    @api_delete("/{opportunity_id:int}/forecast-override", summary="Clear the probability and category overrides",
                status_code=200)
    def clear_override(self, request: AnyRequest, ctx: ServiceContext, actor: int,
                       opportunity_id: RecordId) -> Response[OpportunityPublic]:
        """Probability and forecast category come from the current stage again."""
        return opportunity_response(ctx, opportunities.override_forecast(
            ctx, actor, opportunity_id, clear=True, expected_version=expected_version(request)))

    @api_post("/{opportunity_id:int}/close", summary="Close an opportunity as won or lost", status_code=200)
    def close(self, request: AnyRequest, ctx: ServiceContext, actor: int, opportunity_id: RecordId,
              data: CloseIn, body: bytes) -> Response[OpportunityPublic]:
        """Won needs a positive amount: the opportunity's, or ``amount`` sent here as the final
        one, set in the same change (refused with line items, or when losing); VALIDATION_FAILED
        naming ``amount`` otherwise. Lost needs a reason from the list (REASON_REQUIRED without
        one). The close date becomes today; an admin may back-date it with ``close_date``
        (PERMISSION_DENIED for others); a future one is CLOSE_DATE_IN_FUTURE."""
        version = expected_version(request)
        return _idempotent_change(request, body, ctx, actor, lambda claim: opportunities.close_opportunity(
            ctx, actor, opportunity_id, data.outcome, reason=data.reason, comment=data.comment, stage=data.stage,
            amount=data.amount, close_date=data.close_date, expected_version=version, claim=claim))

    @api_post("/{opportunity_id:int}/reopen", summary="Reopen a won or lost opportunity", status_code=200)
    def reopen(self, request: AnyRequest, ctx: ServiceContext, actor: int, opportunity_id: RecordId,
               data: ReopenIn, body: bytes) -> Response[OpportunityPublic]:
        """Back to an open stage (by default the last one it was in): outcome open, no close time,
        no loss reason; probability and category from the stage. History keeps the close."""
        version = expected_version(request)
        return _idempotent_change(request, body, ctx, actor, lambda claim: opportunities.reopen_opportunity(
            ctx, actor, opportunity_id, stage=data.stage, expected_version=version, claim=claim))
