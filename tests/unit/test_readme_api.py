"""The README's API section and the API cannot drift: every request the README documents (method,
path, query parameters, body fields) and every field it names beside them is checked against the
app's own OpenAPI document, and every collection of the API appears in the README."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qsl

import pytest

from leadline.api.app import create_app
from leadline.bootstrap import Application
from leadline.config import Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
API = "/api/v1"
METHODS = "GET|POST|PUT|PATCH|DELETE"
#: `POST /api/v1/opportunities/{id}/close` (`{outcome: won|lost, reason, ...}`): methods, path and body
ENDPOINT = re.compile(rf"`((?:{METHODS})(?:/(?:{METHODS}))*) (/[^`\s]*)`(?: \(`(\{{[^`]*\}})`)?")
#: A README bullet of the API section: one `* ...` item with its continuation lines.
BULLET = re.compile(r"^\* .*?(?=^\* |^\S|\Z)", re.MULTILINE | re.DOTALL)


@cache
def openapi() -> dict[str, Any]:
    """The OpenAPI document, as `GET /api/v1/openapi.json` serves it (no database is needed)."""
    app = create_app(Application(Settings(rate_limit_per_minute=0), SimpleNamespace(currency="USD"), None))  # type: ignore[arg-type]
    return app.openapi_schema.to_schema()  # type: ignore[no-any-return]


def normalised(path: str) -> str:
    """A path with every parameter as ``{}`` and without the /api/v1 prefix."""
    return re.sub(r"\{[^}]*\}", "{}", path.removeprefix(API)).rstrip("/") or "/"


def operation(method: str, path: str) -> dict[str, Any] | None:
    """The API's operation for a documented request; a parameter of the API's path matches any
    segment (`/config/sharing/lead` is `/config/sharing/{object_name}`)."""
    wanted = normalised(path).split("/")
    for api_path, item in openapi()["paths"].items():
        segments = normalised(api_path).split("/")
        if len(segments) == len(wanted) and all(a in ("{}", w) for a, w in zip(segments, wanted, strict=True)) \
                and method.lower() in item:
            return item[method.lower()]  # type: ignore[no-any-return]
    return None


def expanded(path: str) -> list[str]:
    """``/{leads|accounts}/{id}`` is two paths."""
    choice = re.search(r"\{([^{}]*\|[^{}]*)\}", path)
    if choice is None:
        return [path]
    before, after = path[:choice.start()], path[choice.end():]
    return [p for option in choice[1].split("|") for p in expanded(before + option + after)]


def documented(text: str = README) -> list[tuple[str, str, str, str | None]]:
    """(method, path, query, body) of each absolute request ``text`` names (``/{id}`` or
    ``.../reset`` continue the line before them and are skipped)."""
    found = []
    for match in ENDPOINT.finditer(text):
        path, _, query = match[2].partition("?")
        if path.startswith(("/{", "/...")) or path in (f"{API}/openapi.json", f"{API}/docs"):
            continue
        found += [(method, p, query, match[3]) for method in match[1].split("/") for p in expanded(path)]
    return found


def resolved(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return resolved(openapi()["components"]["schemas"][schema["$ref"].split("/")[-1]])
    return schema


def names_in(schema: dict[str, Any], seen: set[str] | None = None) -> set[str]:
    """Every property name a schema holds, at any depth."""
    seen = set() if seen is None else seen
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        if name in seen:
            return set()
        seen.add(name)
    schema = resolved(schema)
    found = set(schema.get("properties", {}))
    for child in [*schema.get("properties", {}).values(), *schema.get("oneOf", []), *schema.get("anyOf", []),
                  *schema.get("allOf", []), schema.get("items"), schema.get("additionalProperties")]:
        if isinstance(child, dict) and child:
            found |= names_in(child, seen)
    return found


def body_fields(body: str) -> list[str]:
    """``{outcome: won|lost, reason}`` and ``{"status": "Unqualified"}`` name their fields."""
    if '"' in body:
        return re.findall(r'"(\w+)"\s*:', body)
    return [part.split(":")[0].strip() for part in body.strip("{}").split(",") if part.strip()]


def request_schema(operation: dict[str, Any]) -> dict[str, Any]:
    content = operation.get("requestBody", {}).get("content", {})
    kind = next((k for k in ("application/json", "multipart/form-data") if k in content), None)  # uploads: a form
    return resolved(content[kind]["schema"]) if kind else {}


def fields_of(operation: dict[str, Any]) -> set[str]:
    """What an operation takes and answers: parameters, body fields, response fields at any depth."""
    names = {p["name"] for p in operation.get("parameters", [])} | names_in(request_schema(operation))
    for response in operation.get("responses", {}).values():
        for content in response.get("content", {}).values():
            names |= names_in(content.get("schema", {}))
    return names


def test_the_readme_documents_requests() -> None:
    assert len(documented()) > 30  # the parser still finds the API section


@pytest.mark.parametrize(("method", "path", "query", "body"), documented())
def test_each_request_the_readme_documents_is_in_the_api(method: str, path: str, query: str,
                                                        body: str | None) -> None:
    found = operation(method, path)
    assert found is not None, f"README documents {method} {path}, which the API does not have"
    parameters = {p["name"] for p in found.get("parameters", [])}
    assert [name for name, _ in parse_qsl(query, keep_blank_values=True) if name not in parameters] == []
    if body and method in ("POST", "PUT", "PATCH"):
        accepted = set(request_schema(found).get("properties", {}))
        assert [name for name in body_fields(body) if name not in accepted] == [], f"{method} {path}"


def bullets() -> list[str]:
    """The README's API bullets that name at least one absolute request."""
    start = README.index("`leadline serve` (uvicorn")
    return [b for b in BULLET.findall(README[start:README.index("\n## ", start)]) if documented(b)]


@pytest.mark.parametrize("bullet", bullets(), ids=lambda b: b[2:50])
def test_each_field_the_readme_names_beside_a_request_is_in_its_schema(bullet: str) -> None:
    """A bare `snake_case` name in an API bullet is a parameter, body or response field of one of
    that bullet's requests (values are written quoted, headers capitalised)."""
    known: set[str] = set()
    for method, path, _, _ in documented(bullet):
        found = operation(method, path)
        known |= fields_of(found) if found else set()
    assert sorted(set(re.findall(r"`([a-z][a-z_]*)`", bullet)) - known) == []


def test_every_collection_of_the_api_is_in_the_readme() -> None:
    collections = {path.removeprefix(API).split("/")[1] for path in openapi()["paths"]}
    assert sorted(c for c in collections if f"/{c}" not in README) == []
