"""/api/v1 configuration and people: statuses, sources, stages, custom fields, sharing, users
and API tokens (signing in with a password: api/sign_in.py)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

import msgspec
from litestar import Controller, Response, get
from litestar.datastructures import State
from litestar.params import Parameter

from leadline.api.routes import PROBLEMS, RecordId, api_delete, api_get, api_patch, api_post, one_of
from leadline.api.schemas import present
from leadline.domain.common import MAX_POSITION
from leadline.domain.configuration.custom_fields import CustomFieldType, RecordType
from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.errors import DatabaseUnavailableError
from leadline.domain.opportunities.opportunity import ForecastCategory
from leadline.domain.security.access import SharingDefault
from leadline.domain.security.rights import RIGHTS_OBJECTS, Action
from leadline.domain.security.users import Role
from leadline.services.configuration import sales as sales_configuration
from leadline.services.configuration import statuses as configuration
from leadline.services.context import ServiceContext
from leadline.services.security import auth, rights, sharing, users
from leadline.services.security.access import fields_of

Label = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
Position = Annotated[int, msgspec.Meta(ge=0, le=MAX_POSITION, description="0 is first; default: last.")]


#: the roles the object-rights endpoint takes: an admin's rights are every right, never changed
CHANGEABLE_ROLES = [r.value for r in Role if r is not Role.ADMIN]


class StatusIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    label: Label
    kind: Annotated[str, one_of(StatusKind)]
    is_default: bool = False
    position: Position | None = None


class StatusChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    label: Label | None = None
    is_default: bool | None = None
    is_active: Annotated[bool | None, msgspec.Meta(description="Only false (deactivate) is accepted.")] = None


class SourceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    label: Label


class SourceChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    label: Label | None = None
    is_active: bool | None = None


class StageIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    label: Label
    probability: Annotated[int, msgspec.Meta(ge=0, le=100)]
    forecast_category: Annotated[str, one_of(ForecastCategory)] = "pipeline"
    process: str | None = None
    position: Position | None = None
    is_closed: bool = False
    is_won: bool = False


class StageChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    label: Label | None = None
    probability: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    forecast_category: Annotated[str, one_of(ForecastCategory, nullable=True)] | None = None
    is_active: bool | None = None


class ProcessIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Label
    copy_stages_from: str | None = None
    #: opportunities of this type (new_business, existing_business, renewal, upsell) follow it
    opportunity_type: str | None = None


class CustomFieldIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    object: Annotated[str, one_of(RecordType)]
    name: Annotated[str, msgspec.Meta(max_length=63)]
    label: Label
    type: Annotated[str, one_of(CustomFieldType)]
    options: list[Annotated[str, msgspec.Meta(max_length=80)]] = []
    required: bool = False


class SharingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    access: Annotated[str, one_of(SharingDefault)]


class RightIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    granted: bool


class UserIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=120)]
    email: Annotated[str, msgspec.Meta(max_length=254)]
    role: str = "rep"
    manager: str | None = None
    password: Annotated[str, msgspec.Meta(max_length=1000)] | None = None


class TokenIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=120)]
    user: str | None = None
    expires_in_days: Annotated[int, msgspec.Meta(ge=1, le=3650)] | None = 90


def _plain(items: Any) -> Any:
    if isinstance(items, list):
        return [_plain(i) for i in items]
    return present(fields_of(items))


class ConfigurationController(Controller):
    path = "/config"
    tags = ["configuration"]

    @api_get("/statuses", summary="List lead statuses")
    def list_statuses(self, ctx: ServiceContext, actor: int) -> list[dict[str, Any]]:
        return _plain(configuration.list_statuses(ctx))

    @api_post("/statuses", summary="Add a lead status (admin)")
    def add_status(self, ctx: ServiceContext, actor: int, data: StatusIn) -> dict[str, Any]:
        return _plain(configuration.add_status(ctx, actor, data.label, data.kind, make_default=data.is_default,
                                               position=data.position))

    @api_patch("/statuses/{status_id:int}", summary="Rename, make default or deactivate (admin)")
    def change_status(self, ctx: ServiceContext, actor: int, status_id: RecordId, data: StatusChange) -> dict[str, Any]:
        return _plain(configuration.change_status(ctx, actor, str(status_id), label=data.label,
                                                  is_default=data.is_default, is_active=data.is_active))

    @api_delete("/statuses/{status_id:int}", summary="Delete an unused lead status (admin)", status_code=204)
    def delete_status(self, ctx: ServiceContext, actor: int, status_id: RecordId) -> None:
        configuration.delete_status(ctx, actor, str(status_id))

    @api_get("/sources", summary="List lead sources")
    def list_sources(self, ctx: ServiceContext, actor: int) -> list[dict[str, Any]]:
        return _plain(configuration.list_sources(ctx))

    @api_post("/sources", summary="Add a lead source (admin)")
    def add_source(self, ctx: ServiceContext, actor: int, data: SourceIn) -> dict[str, Any]:
        return _plain(configuration.add_source(ctx, actor, data.label))

    @api_patch("/sources/{source_id:int}", summary="Rename or (de)activate a source (admin)")
    def change_source(self, ctx: ServiceContext, actor: int, source_id: RecordId, data: SourceChange) -> dict[str, Any]:
        return _plain(configuration.change_source(ctx, actor, str(source_id), label=data.label,
                                                  is_active=data.is_active))

    @api_get("/processes", summary="List sales processes")
    def list_processes(self, ctx: ServiceContext, actor: int) -> list[dict[str, Any]]:
        return _plain(sales_configuration.list_processes(ctx))

    @api_post("/processes", summary="Add a sales process (admin)")
    def add_process(self, ctx: ServiceContext, actor: int, data: ProcessIn) -> dict[str, Any]:
        return _plain(sales_configuration.add_process(ctx, actor, data.name, copy_stages_from=data.copy_stages_from,
                                                      opportunity_type=data.opportunity_type))

    @api_get("/stages", summary="List opportunity stages")
    def list_stages(self, ctx: ServiceContext, actor: int,
                    process: Annotated[str | None, Parameter(max_length=80)] = None) -> list[dict[str, Any]]:
        return _plain(sales_configuration.list_stages(ctx, process))

    @api_post("/stages", summary="Add a stage (admin)")
    def add_stage(self, ctx: ServiceContext, actor: int, data: StageIn) -> dict[str, Any]:
        return _plain(sales_configuration.add_stage(
            ctx, actor, data.label, probability=data.probability, forecast_category=data.forecast_category,
            process=data.process, position=data.position, closed=data.is_closed, won=data.is_won))

    @api_patch("/stages/{stage_id:int}", summary="Change a stage (admin)")
    def change_stage(self, ctx: ServiceContext, actor: int, stage_id: RecordId, data: StageChange) -> dict[str, Any]:
        stages = sales_configuration.list_stages(ctx)
        process = next((str(s.process_id) for s in stages if s.id == stage_id), None)
        return _plain(sales_configuration.update_stage(
            ctx, actor, str(stage_id), process=process, label=data.label, probability=data.probability,
            forecast_category=data.forecast_category, active=data.is_active))

    @api_get("/custom-fields", summary="List custom fields")
    def list_custom_fields(self, ctx: ServiceContext, actor: int,
                           object: Annotated[str | None, Parameter(max_length=20, schema_extra={"enum": [
                               r.value for r in RecordType]})] = None) -> list[dict[str, Any]]:
        return _plain(sales_configuration.list_custom_fields(ctx, object))

    @api_post("/custom-fields", summary="Declare a custom field (admin)")
    def add_custom_field(self, ctx: ServiceContext, actor: int, data: CustomFieldIn) -> dict[str, Any]:
        return _plain(sales_configuration.add_custom_field(ctx, actor, data.object, data.name, data.label, data.type,
                                                           options=data.options, required=data.required))

    @api_get("/sharing", summary="Organisation-wide sharing defaults")
    def get_sharing(self, ctx: ServiceContext, actor: int) -> dict[str, str]:
        return {k.value: v.value for k, v in sharing.get_sharing(ctx).items()}

    @api_patch("/sharing/{object_name:str}", summary="Set an object's sharing default (admin)")
    def set_sharing(self, ctx: ServiceContext, actor: int, object_name: str, data: SharingIn) -> dict[str, str]:
        return {k.value: v.value for k, v in sharing.set_sharing(ctx, actor, object_name, data.access).items()}

    @api_get("/object-rights", summary="What each role may create, edit and delete")
    def get_object_rights(self, ctx: ServiceContext, actor: int) -> dict[str, dict[str, dict[str, bool]]]:
        return rights.get_object_rights(ctx).as_table()

    @api_patch("/object-rights/{role:str}/{object_name:str}/{action:str}",
               summary="Grant or revoke a role's right to create, edit or delete an object's records (admin)")
    def set_object_right(
            self, ctx: ServiceContext, actor: int, data: RightIn,
            role: Annotated[str, Parameter(description="A role whose rights an admin may change (an admin's "
                                           "are all, always)", schema_extra={"enum": CHANGEABLE_ROLES})],
            object_name: Annotated[str, Parameter(schema_extra={"enum": [o.value for o in RIGHTS_OBJECTS]})],
            action: Annotated[str, Parameter(schema_extra={"enum": [a.value for a in Action]})],
    ) -> dict[str, dict[str, dict[str, bool]]]:
        return rights.set_object_right(ctx, actor, role, action, object_name, data.granted).as_table()


class PeopleController(Controller):
    path = "/"
    tags = ["users and tokens"]

    @api_get("/users", summary="List users")
    def list_users(self, ctx: ServiceContext, actor: int) -> list[dict[str, Any]]:
        return _plain(users.list_users(ctx, actor))

    @api_post("/users", summary="Add a user (admin)")
    def add_user(self, ctx: ServiceContext, actor: int, data: UserIn) -> dict[str, Any]:
        return _plain(users.add_user(ctx, actor, name=data.name, email=data.email, role=data.role,
                                     manager=data.manager, password=data.password))

    @api_get("/me", summary="The signed-in user")
    def me(self, ctx: ServiceContext, actor: int) -> dict[str, Any]:
        return _plain(users.find_user(ctx, actor))

    @api_get("/tokens", summary="List API tokens (yours; an admin sees all)")
    def list_tokens(self, ctx: ServiceContext, actor: int) -> list[dict[str, Any]]:
        return _plain(auth.list_tokens(ctx, actor))

    @api_post("/tokens", summary="Create an API token (shown once)")
    def create_token(self, ctx: ServiceContext, actor: int, data: TokenIn) -> dict[str, Any]:
        token, info = auth.create_token(ctx, actor, name=data.name, user=data.user,
                                        expires_in_days=data.expires_in_days)
        return {"token": token, **_plain(info)}

    @api_post("/tokens/{token_id:int}/revoke", summary="Revoke an API token", status_code=204)
    def revoke_token(self, ctx: ServiceContext, actor: int, token_id: RecordId) -> None:
        auth.revoke_token(ctx, actor, token_id)


#: Health checks have a thread of their own: never queued behind writes, never blocking the loop.
_HEALTH_THREAD = ThreadPoolExecutor(1, thread_name_prefix="leadline-health")


@get("/health", summary="Liveness and database check", tags=["health"], responses=PROBLEMS)
async def health(state: State) -> Response[dict[str, str]]:
    from leadline.services.health import check

    ok, detail = await asyncio.get_running_loop().run_in_executor(_HEALTH_THREAD, check, state.context)
    if ok:
        return Response({"status": "ok", "database": detail})
    retry = {"Retry-After": str(DatabaseUnavailableError.retry_after)}
    return Response({"status": "unavailable", "database": detail}, status_code=503, headers=retry)


