"""The pipeline board: a sales process's stages as columns of the opportunities the user may read,
each column with its count, amount and weighted amount (``analytics/board.py``).

Moving a card (dragged, or by its "Move to…" select) posts to ``/board/move``, which calls the
opportunity lifecycle use case the target stage asks for: an open stage moves the opportunity
(``move_stage``; ``reopen_opportunity`` for a card of a closed column), a closed one closes it as
won or lost (``close_opportunity``). The script (``static/leadline-board.js``) gets the board's
columns back, or the refusal as JSON: when the use case names an input the board can ask for (a
loss reason, an amount to win), it opens the dialog asking for it and posts again; any other
refusal snaps the card back with the use case's message. Without the script, the card's form (a
GET: no token in each of the board's cards) opens a page confirming the move and asking for what
it needs; its post answers with the board, or with that page and the refusal beside its field.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template
from markupsafe import Markup, escape

from leadline.analytics.board import Board, pipeline_board
from leadline.domain.errors import (
    ConflictError,
    LeadlineError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from leadline.domain.opportunities.opportunity import Opportunity, OpportunityStage
from leadline.http_status import status_of
from leadline.services.configuration.lead_workflow import list_reasons
from leadline.services.configuration.sales import list_stages
from leadline.services.context import ServiceContext
from leadline.services.opportunities import lifecycle
from leadline.services.records import get_record
from leadline.web.values import money_text

#: The inputs the board's dialog asks for when a move needs them (the use case names the field).
ASKED = ("reason", "amount")
Refusal = (ValidationError, ConflictError, NotFoundError, PermissionDeniedError)


class MoveForm(msgspec.Struct, kw_only=True):
    opportunity: str = ""
    stage: str = ""
    version: str = ""
    process: str = ""
    reason: str = ""
    comment: str = ""
    amount: str = ""


class BoardPages(Controller):
    path = "/board"

    @get("/", sync_to_thread=False)
    def board(self, ctx: ServiceContext, user: int,
              process: Annotated[str, Parameter(max_length=100)] = "") -> Template:
        return Template("board/page.html", context=_context(pipeline_board(ctx, user, process or None)))

    @get("/move", sync_to_thread=False)
    def move_page(self, ctx: ServiceContext, user: int, opportunity: Annotated[int, Parameter(ge=1)],
                  stage: Annotated[str, Parameter(max_length=40)]) -> Template:
        """A card's "Move to…" without the script: the move to confirm, with what a close needs."""
        return _move_page(ctx, user, MoveForm(opportunity=str(opportunity), stage=stage))

    @post("/move", sync_to_thread=False)
    def move(self, request: Request[Any, Any, Any], ctx: ServiceContext, user: int,
             data: Annotated[MoveForm, Body(media_type=RequestEncodingType.URL_ENCODED)]) -> Response[Any]:
        """The board's columns after the move (a script's request), else the board page; a refusal
        as JSON ``{message, field, asks}`` (a script's request) or on the move's page, beside the
        field it names."""
        scripted = "application/json" in request.headers.get("accept", "")
        try:
            target = _stage(ctx, data.stage)
            move_card(ctx, user, data, target)
        except Refusal as error:
            if scripted:
                return Response({"message": error.message, "field": error.field,
                                 "asks": error.field in ASKED, "code": error.code},
                                status_code=status_of(error))
            return _move_page(ctx, user, data, error)
        if scripted:
            board = pipeline_board(ctx, user, data.process or str(target.process_id))
            return Template("board/columns.html", context=_context(board))
        return Redirect("/board?" + urlencode({"process": target.process_id}), status_code=303)


def move_card(ctx: ServiceContext, user: int, data: MoveForm, stage: OpportunityStage) -> Opportunity:
    """The lifecycle use case for a card dropped on ``stage``."""
    opportunity_id, version = _number(data.opportunity, "opportunity"), _number(data.version, "version")
    if stage.is_closed:
        return lifecycle.close_opportunity(
            ctx, user, opportunity_id, "won" if stage.is_won else "lost", stage=str(stage.id),
            reason=data.reason or None, comment=data.comment or None, amount=data.amount or None,
            expected_version=version)
    try:
        return lifecycle.move_stage(ctx, user, opportunity_id, str(stage.id), expected_version=version)
    except ConflictError as error:  # a card of a closed column: dropping it on an open stage reopens it
        if error.code != "OPPORTUNITY_CLOSED":
            raise
        return lifecycle.reopen_opportunity(ctx, user, opportunity_id, stage=str(stage.id),
                                            expected_version=version)


def _stage(ctx: ServiceContext, reference: str) -> OpportunityStage:
    stage = next((s for s in list_stages(ctx) if str(s.id) == reference.strip()), None)
    if stage is None:
        raise ValidationError(f"there is no stage {reference!r}", field="stage")
    return stage


def _move_page(ctx: ServiceContext, user: int, data: MoveForm, error: LeadlineError | None = None) -> Template:
    opportunity = get_record(ctx, user, "opportunity", _number(data.opportunity, "opportunity"))
    stage = _stage(ctx, data.stage)
    errors = {} if error is None else {error.field if error.field in ASKED else "form": error.message}
    return Template("board/move.html", status_code=200 if error is None else status_of(error), context={
        "opportunity": opportunity, "stage": stage, "form": data, "errors": errors,
        "lost_reasons": list_reasons(ctx, "opportunity_lost")})


def _number(text: str, field: str) -> int:
    if not text.strip().isdigit():
        raise ValidationError("is required", field=field)
    return int(text)


def _context(board: Board) -> dict[str, Any]:
    """The board's template helpers; each column's "Move to…" options written once, not per card."""
    stages = [column.stage for column in board.columns]
    following = {stage.id: stages[n + 1].id for n, stage in enumerate(stages[:-1])}  # selected: the next stage

    def option(stage: OpportunityStage, other: OpportunityStage) -> str:
        chosen = " selected" if following.get(stage.id) == other.id else ""
        return f'<option value="{other.id}"{chosen}>{escape(other.label)}</option>'

    options = {stage.id: Markup("".join(option(stage, other) for other in stages if other.id != stage.id))
               for stage in stages}
    return {"board": board, "options": options,
            "money": money_text,
            "opportunities_url": lambda column: "/opportunities?" + urlencode(
                {"process": board.process.name, "stage": column.stage.label})}
