"""What every settings page shares: the admin check, the posted form, and the answer to a post
(back to the page on success; the page again with the use case's refusal beside its field).

The rules are the use cases' own: a settings page calls the same configuration and security use
cases as the API and the CLI, and shows their ``LeadlineError`` next to the field it names (the
form's first line when the field is not one of the form's). A refusal of the user themselves
(``PERMISSION_DENIED``, ``AUTHENTICATION_FAILED``) is the error page, not an inline message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Response
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from leadline.domain.errors import (
    AuthenticationError,
    LeadlineError,
    PermissionDeniedError,
)
from leadline.http_status import status_of
from leadline.services.context import ServiceContext
from leadline.services.security.access import require_admin
from leadline.services.security.users import find_user

#: A posted form, field by field (the CSRF token among them, unused here).
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


@dataclass(frozen=True)
class FormErrors:
    """The refusal of one form's post, and what was typed in it (shown again)."""

    form: str = ""
    field: str | None = None
    message: str = ""
    values: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def at(self, form: str, name: str) -> str | None:
        """The message for ``name`` of ``form``, if the refusal named that field."""
        return self.message if self.form == form and self.field == name else None

    def general(self, form: str, names: tuple[str, ...]) -> str | None:
        """The message for ``form`` when the refusal named none of its ``names``."""
        return self.message if self.form == form and self.field not in names else None

    def value(self, form: str, name: str, default: object = "") -> object:
        """What was typed in ``form``'s ``name``, else ``default``."""
        return self.values.get(name, "") if self.form == form else default


NO_ERRORS = FormErrors()
#: A page's context, read as the signed-in user: (ctx, user) -> template values.
PageData = Callable[[ServiceContext, int], dict[str, Any]]


@dataclass(frozen=True)
class SettingsPage:
    """One settings page: its template and the values it shows."""

    path: str
    template: str
    data: PageData

    def render(self, ctx: ServiceContext, user: int, *, errors: FormErrors = NO_ERRORS, status: int = 200,
               **extra: Any) -> Template:
        ensure_admin(ctx, user)
        context = {**self.data(ctx, user), "errors": errors, "page": self.path, **extra}
        return Template(self.template, status_code=status, context=context)

    def submit(self, ctx: ServiceContext, user: int, form: str, values: Mapping[str, str],
               action: Callable[[], object]) -> Response[Any]:
        """Run ``action`` (one use case); back to the page on success (303), else the page again
        with the refusal beside its field, under the status the API gives it. Only admins post
        here (a use case anyone may call, such as creating one's own token, is no exception)."""
        ensure_admin(ctx, user)
        try:
            action()
        except (PermissionDeniedError, AuthenticationError):
            raise
        except LeadlineError as error:
            # "conditions[2]" is the form's "conditions" field
            field = error.field.partition("[")[0] if error.field else None
            errors = FormErrors(form, field, error.message, values)
            return self.render(ctx, user, errors=errors, status=status_of(error))
        return Redirect(self.path, status_code=303)


def ensure_admin(ctx: ServiceContext, user: int) -> None:
    """``PERMISSION_DENIED`` (the 403 page) unless ``user`` is an admin: the use cases' own rule."""
    require_admin(find_user(ctx, user))


def text(values: Mapping[str, str], name: str) -> str | None:
    """A field's text, or None when it was left blank (no change)."""
    value = values.get(name, "").strip()
    return value or None


def ticked(values: Mapping[str, str], name: str) -> bool:
    """A checkbox: sent (as "on") when ticked, absent otherwise."""
    return name in values
