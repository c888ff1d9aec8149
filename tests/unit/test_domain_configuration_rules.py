"""Renaming configured items and keeping an admin: rules of the domain, no database."""

from __future__ import annotations

import pytest

from leadline.domain.errors import ConflictError, ValidationError
from leadline.domain.sources import LeadSource
from leadline.domain.users import Role, User, ensure_an_admin_remains


def test_a_source_is_renamed_to_a_clean_label_unique_ignoring_case() -> None:
    from leadline.domain.statuses import relabel

    web, fair = LeadSource(1, "Web"), LeadSource(2, "Trade show")
    relabel(web, "  Website  ", [web, fair])
    assert web.label == "Website"
    with pytest.raises(ValidationError) as error:
        relabel(web, "TRADE SHOW", [web, fair])
    assert error.value.field == "label" and web.label == "Website"
    relabel(web, "website", [web, fair])  # its own name in another case is fine
    assert web.label == "website"


def test_the_last_active_admin_cannot_go() -> None:
    admin = User(1, "Ada", "ada@example.com", Role.ADMIN)
    rep = User(2, "Sam", "sam@example.com", Role.REP)
    ensure_an_admin_remains([admin, rep])
    admin.active = False
    with pytest.raises(ConflictError):
        ensure_an_admin_remains([admin, rep])
    admin.active, admin.role = True, Role.MANAGER
    with pytest.raises(ConflictError):
        ensure_an_admin_remains([admin, rep])
