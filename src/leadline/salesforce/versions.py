"""The API versions answered (40.0, Summer '17, to 62.0, Winter '25) and what each version's
root lists; a request for another version is 404 as Salesforce answers it."""

from __future__ import annotations

from typing import Any

from leadline.salesforce.errors import SalesforceError

FIRST, LAST = 40, 62
SEASONS = ("Summer", "Winter", "Spring")


def version_label(number: int) -> str:
    """``Summer '17`` for 40, ``Winter '18`` for 41 ..."""
    step = number - FIRST
    return f"{SEASONS[step % 3]} '{17 + (step + 2) // 3}"


def versions() -> list[dict[str, Any]]:
    return [{"label": version_label(n), "url": f"/services/data/v{n}.0", "version": f"{n}.0"}
            for n in range(FIRST, LAST + 1)]


def checked_version(text: str) -> str:
    """``v59.0`` as given, if answered; else 404 NOT_FOUND."""
    number = text.removeprefix("v").removesuffix(".0")
    if not (text.startswith("v") and text.endswith(".0") and number.isdigit() and FIRST <= int(number) <= LAST):
        raise SalesforceError(404, "NOT_FOUND", "The requested resource does not exist")
    return text


def resources(version: str) -> dict[str, str]:
    base = f"/services/data/{version}"
    return {name: f"{base}/{name}" for name in ("sobjects", "limits", "actions", "query", "queryAll")}
