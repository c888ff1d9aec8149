"""Port of the Salesforce-compatible API's queries: one SOQL page, compiled to one SQL statement
with the viewer's record-level security inside it (docs/adr/0042-soql-compiled-to-one-statement.md).
Faked nowhere: tested on both databases (tests/integration/test_soql_*.py)."""

from __future__ import annotations

from typing import Protocol

from leadline.domain.salesforce.soql.request import SoqlPage, SoqlRequest
from leadline.domain.security.access import Viewer


class SoqlQueries(Protocol):
    def page(self, viewer: Viewer | None, request: SoqlRequest) -> SoqlPage:
        """The page ``request`` asks for, of the rows ``viewer`` may read (None: every row).
        Raises ``SoqlError`` (MALFORMED_QUERY, INVALID_FIELD, INVALID_TYPE, ...)."""
        ...
