"""A bounded fuzz run over the whole OpenAPI document, as ``schemathesis run --checks all`` makes
it (issue 14, item 11 and "Show"): every check schemathesis has, in its coverage phase (boundary
and refused values of every parameter and body field, one by one, deterministic), against the
real app on the test's database, with an admin's token.

Bounded so that it stays in the suite: the coverage phase only (the random fuzzing and stateful
phases took minutes; random generation per operation is test_api_properties.py's), a fixed seed,
no shrinking; about 30 s per database on the shared 2-core machine.
A failure is allowed only when it is one of ``DOCUMENTED_EXCEPTIONS``, each saying
why the server is right and the check does not apply. The longer runs per operation, with real
ids, are tests/e2e/test_api_properties.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema

from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from tests.e2e.api_support import make_app, token_for

SEED = 14
MAX_EXAMPLES = 2
PHASES = ["coverage"]

#: (operation, check) -> why it is not a defect.
DOCUMENTED_EXCEPTIONS = {
    ("POST /api/v1/auth/token", "positive_data_acceptance"):
        "a well-formed e-mail and password of no account are refused (401): the document cannot say which "
        "credentials exist",
}


@dataclass(frozen=True)
class Finding:
    operation: str
    check: str
    title: str
    status: int | None
    answer: str
    request: str

    def __str__(self) -> str:
        return (f"{self.operation} · {self.check} · {self.status}: {self.title}\n    {self.request}"
                f"\n    -> {self.answer}")


def fuzz_config(token: str) -> SchemathesisConfig:
    config = SchemathesisConfig()
    config.update(seed=SEED, max_failures=None)
    project = config.projects.override  # as the command line applies its options
    project.update(headers={"Authorization": f"Bearer {token}"})
    project.checks.update(included_check_names=["all"])
    project.phases.update(phases=PHASES)
    project.generation.update(max_examples=MAX_EXAMPLES, deterministic=True, database="none", no_shrink=True)
    return config


def finding(recorder: Any, case_id: str, check: Any) -> Finding:
    interaction = recorder.interactions.get(case_id)
    response = interaction.response if interaction is not None else None
    return Finding(recorder.label, check.name, check.failure_info.failure.title,
                   response.status_code if response is not None else None,
                   response.content[:300].decode(errors="replace") if response is not None and response.content else "",
                   check.failure_info.code_sample)


def findings_of(stream: Any) -> tuple[list[Finding], list[str]]:
    """The failed checks of a run and its errors (a phase or operation that could not run)."""
    found, errors = [], []
    for event in stream:
        if isinstance(event, events.ScenarioFinished):
            found += [finding(event.recorder, case_id, check)
                      for case_id, checks in event.recorder.checks.items() for check in checks
                      if check.failure_info is not None]
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(str(getattr(event, "value", None) or getattr(event, "exception", event)))
    return found, errors


@pytest.mark.xfail(strict=True, reason=(
    "issue 14 item 11, still open: the document does not describe values the domain refuses (about 40 "
    "operations fail positive_data_acceptance: empty names, unknown record ids and references; Litestar drops "
    "the constraints of a union's members, e.g. DecimalIn). Booleans are strict now (no negative_data_rejection). "
    "Remove this mark when item 11 is done."))
def test_schemathesis_with_every_check_finds_nothing_but_the_documented_exceptions(
        ctx: ServiceContext, engine: Any, admin_id: int) -> None:
    leads.create_lead(ctx, admin_id, {"last_name": "Seed", "company": "Seed Co"})
    records.create_account(ctx, admin_id, {"name": "Seed Co"})
    config = fuzz_config(token_for(ctx, admin_id, admin_id))
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", make_app(ctx, engine), config=config)

    found, errors = findings_of(from_schema(schema).execute())

    assert not errors, errors
    undocumented = [f for f in found if (f.operation, f.check) not in DOCUMENTED_EXCEPTIONS]
    assert not undocumented, "\n".join(str(f) for f in undocumented)
