"""A bounded fuzz run over the whole OpenAPI document, as ``schemathesis run --checks all`` makes
it (issue 14, item 11 and "Show"): every check schemathesis has, in its coverage phase (boundary
and refused values of every parameter and body field, one by one, deterministic), against the
real app on the test's database, with an admin's token.

Bounded so that it stays in the suite: the coverage phase only (the random fuzzing and stateful
phases took minutes; random generation per operation is test_api_properties.py's), a fixed seed,
no shrinking; about 30 s per database on the shared 2-core machine, split into ``SHARDS`` tests of
every SHARDS-th operation each (together: every operation, the same examples) so that the suite's
workers share it, as test_api_properties.py's run is split.
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

from leadline.bootstrap import Application
from leadline.config import Settings
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from tests.e2e.api_support import lent_app, token_for

SEED = 14
MAX_EXAMPLES = 2
PHASES = ["coverage"]
#: The run is split into this many tests, each over every SHARDS-th operation of the document (in
#: its order), each on a database of its own: whole, it was one of the longest tests of the suite
#: (bench/RESULTS.md, "CI speed"). Eight, not four as test_api_properties.py: one operation (PUT
#: .../exchange-rates/...) costs about a fifth of the whole run, and its part is the longest.
SHARDS = 8

_ACCEPTANCE = "positive_data_acceptance"
_MISSING = "names a record or label that does not exist: the document cannot say which exist"
_EXISTS = "names a label that already exists: the document cannot say which exist"
_ACROSS = "a rule between fields, which a JSON schema of this document does not state"
#: (operation, check, status code) -> why the server is right and the check does not apply.
DOCUMENTED_EXCEPTIONS = {
    ("POST /api/v1/auth/token", _ACCEPTANCE, 401):
        "a well-formed e-mail and password of no account are refused: the document cannot say which "
        "credentials exist",
    ("POST /api/v1/activities", _ACCEPTANCE, 422): f"a link {_MISSING}",
    **{(f"POST /api/v1/imports/{kind}", _ACCEPTANCE, 422):
       f"an uploaded file whose header names no {kind[:-1]} column (any bytes are a schema-valid file): the "
       "document cannot describe the content of a CSV or .xlsx file"
       for kind in ("leads", "accounts", "contacts", "opportunities")},
    ("POST /api/v1/opportunities/{opportunity_id}/contact-roles", _ACCEPTANCE, 422): f"the contact {_MISSING}",
    ("POST /api/v1/opportunities/{opportunity_id}/line-items", _ACCEPTANCE, 422): f"the product {_MISSING}",
    ("POST /api/v1/config/conversion-mappings", _ACCEPTANCE, 422): f"the mapped field {_MISSING}",
    ("PUT /api/v1/import-mappings/{name}", _ACCEPTANCE, 422):
        f"a column's field or a value's label {_MISSING} (or the name is a built-in mapping's)",
    ("POST /api/v1/config/criteria", _ACCEPTANCE, 422): f"a condition's field {_MISSING}",
    ("POST /api/v1/config/status-transitions", _ACCEPTANCE, 422): f"a status {_MISSING}",
    ("DELETE /api/v1/config/status-transitions", _ACCEPTANCE, 422): f"a status {_MISSING}",
    ("PATCH /api/v1/config/sources/{source_id}", _ACCEPTANCE, 422): f"the source {_MISSING}",
    ("PATCH /api/v1/config/statuses/{status_id}", _ACCEPTANCE, 422): f"the status {_MISSING}",
    ("PATCH /api/v1/config/reasons/{kind}/{reason}", _ACCEPTANCE, 422):
        f"the reason {_MISSING} (a run over every operation at once had added it by POST /config/reasons)",
    ("DELETE /api/v1/config/statuses/{status_id}", _ACCEPTANCE, 422): f"the status {_MISSING}",
    ("POST /api/v1/leads/{lead_id}/qualify", _ACCEPTANCE, 422): f"the qualified status {_MISSING}",
    ("POST /api/v1/forecast/adjustments", _ACCEPTANCE, 422): f"the user {_MISSING}",
    ("GET /api/v1/accounts", _ACCEPTANCE, 422): f"a custom field filtered on {_MISSING}",
    ("GET /api/v1/contacts", _ACCEPTANCE, 422): f"a custom field filtered on {_MISSING}",
    ("GET /api/v1/leads", _ACCEPTANCE, 422): f"a custom field filtered on {_MISSING} (or refuses the value's type); "
                                              f"or min_score above max_score, {_ACROSS}",
    ("GET /api/v1/opportunities", _ACCEPTANCE, 422): f"a stage or process {_MISSING}",
    ("POST /api/v1/leads", _ACCEPTANCE, 422):
        "a custom field made required (by this run's POST /config/custom-fields) is missing: custom fields are "
        "configuration, not in the document",
    ("POST /api/v1/config/statuses", _ACCEPTANCE, 422): f"the label {_EXISTS}",
    ("GET /api/v1/leads/export", _ACCEPTANCE, 422): f"a custom field filtered on {_MISSING}",
    ("GET /api/v1/accounts/export", _ACCEPTANCE, 422): f"a custom field filtered on {_MISSING}",
    ("GET /api/v1/contacts/export", _ACCEPTANCE, 422): f"a custom field filtered on {_MISSING}",
    ("GET /api/v1/opportunities/export", _ACCEPTANCE, 422): f"a custom field filtered on {_MISSING}",
    ("PUT /api/v1/duplicate-rules/{record_kind}/{match}", _ACCEPTANCE, 422):
        f"not every match is a rule of every record kind (an account has no e-mail): {_ACROSS}",
    ("POST /api/v1/duplicates/check", _ACCEPTANCE, 422):
        "a value the create paths refuse (an e-mail's or a phone number's form, a field a kind does not have)",
    ("POST /api/v1/merges", _ACCEPTANCE, 409): f"a field chosen {_MISSING}",
    ("POST /api/v1/merges", _ACCEPTANCE, 422): f"the same record named twice or keep not among them: {_ACROSS}",
    ("POST /api/v1/config/custom-fields", _ACCEPTANCE, 422): f"a pick-list needs options: {_ACROSS}",
    ("POST /api/v1/config/stages", _ACCEPTANCE, 422): f"a won stage must be closed: {_ACROSS}",
    ("POST /api/v1/leads/convert", _ACCEPTANCE, 422): f"lead_ids or filter: {_ACROSS}",
    ("POST /api/v1/leads/{lead_id}/convert", _ACCEPTANCE, 422):
        f"opportunity_id only with opportunity=attach: {_ACROSS}",
    ("POST /api/v1/opportunities/{opportunity_id}/close", _ACCEPTANCE, 422):
        f"an amount only when winning: {_ACROSS}",
    ("POST /api/v1/auth/locks/lift", _ACCEPTANCE, 422): f"an e-mail or an address: {_ACROSS}",
    ("GET /api/v1/campaigns", _ACCEPTANCE, 422):
        "a status or type filter outside the fixed lists: the parameter names are shared with other lists, "
        "whose statuses are configuration",
    ("POST /api/v1/campaigns", _ACCEPTANCE, 422):
        f"the parent {_MISSING}; a sub-campaign in its parent's currency, an end after the start: {_ACROSS}",
    ("PATCH /api/v1/campaigns/{campaign_id}", _ACCEPTANCE, 422):
        f"the parent {_MISSING}; no cycle of parents, dates in order: {_ACROSS}",
    ("POST /api/v1/campaigns/{campaign_id}/members", _ACCEPTANCE, 422):
        f"exactly one of a lead and a contact, a member status of the campaign's type: {_ACROSS}",
    ("POST /api/v1/assignment-rules", _ACCEPTANCE, 422): f"the user, group or criterion's label {_MISSING}",
    ("POST /api/v1/assignment-rules/simulate", _ACCEPTANCE, 422): f"a user, group or label {_MISSING}",
    ("PUT /api/v1/assignment-rules/default-owner", _ACCEPTANCE, 422): f"the user {_MISSING}",
    ("POST /api/v1/assignment-groups", _ACCEPTANCE, 422): f"a member {_MISSING}",
    ("POST /api/v1/leads/assign", _ACCEPTANCE, 422): f"lead_ids or a filter naming labels: {_ACROSS}",
    ("POST /api/v1/forms", _ACCEPTANCE, 422):
        "the form's questions, thresholds and spam settings are free-form JSON in the document, checked by "
        f"the form's rules; the source, owner or campaign {_MISSING}",
    ("PATCH /api/v1/forms/{form_id}", _ACCEPTANCE, 422):
        "the form's questions, thresholds and spam settings are free-form JSON in the document, checked by "
        f"the form's rules; the source or owner {_MISSING}",
    ("POST /api/v1/capture/call", _ACCEPTANCE, 422):
        "a phone number phonenumbers does not accept, or neither a last name nor a company: a rule between "
        "fields and a numbering plan, which a JSON schema of this document does not state",
    ("PUT /api/v1/leads/{lead_id}/referral", _ACCEPTANCE, 422):
        f"exactly one of a contact and an account: {_ACROSS}",
    ("POST /api/v1/users", _ACCEPTANCE, 422):
        "an e-mail address email-validator refuses beyond what a pattern says (a domain label over 63 "
        "characters, an unknown top-level form); found only on a clean clone's run",
    **{(f"GET /api/v1/reports/{report}", _ACCEPTANCE, status): why for report in (
        "funnel", "conversion-time", "stages", "velocity", "pipeline") for status, why in (
        (422, f"the lead source or the campaign {_MISSING}; or a date past its month's end, before 1900, or an "
              f"end before the start: {_ACROSS}"),
        (404, f"the owner or the team's manager {_MISSING}"))},
    ("PUT /api/v1/config/exchange-rates/{currency}/{valid_from}", _ACCEPTANCE, 422):
        "the organisation's own currency has no rate (it is 1): which currency that is is configuration",
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


def findings_of(stream: Any, ran: set[str] | None = None) -> tuple[list[Finding], list[str]]:
    """The failed checks of a run and its errors (a phase or operation that could not run); the
    operations that ran are added to ``ran``."""
    found, errors = [], []
    for event in stream:
        if isinstance(event, events.ScenarioFinished):
            if ran is not None:
                ran.add(event.recorder.label)
            found += [finding(event.recorder, case_id, check)
                      for case_id, checks in event.recorder.checks.items() for check in checks
                      if check.failure_info is not None]
        elif isinstance(event, events.NonFatalError | events.FatalError):
            errors.append(str(getattr(event, "value", None) or getattr(event, "exception", event)))
    return found, errors


def operations_of(schema: Any, shard: int) -> list[str]:
    """The labels (``POST /api/v1/leads``) of shard ``shard``'s operations: every SHARDS-th one."""
    labels = [result.ok().label for result in schema.get_all_operations()]
    assert len(labels) >= 100, labels  # the whole document, not a part that failed to load
    return labels[shard::SHARDS]


@pytest.mark.parametrize("shard", range(SHARDS), ids=lambda shard: f"part{shard + 1}of{SHARDS}")
def test_schemathesis_with_every_check_finds_nothing_but_the_documented_exceptions(
        ctx: ServiceContext, engine: Any, admin_id: int, shard: int) -> None:
    leads.create_lead(ctx, admin_id, {"last_name": "Seed", "company": "Seed Co"})
    records.create_account(ctx, admin_id, {"name": "Seed Co"})
    config = fuzz_config(token_for(ctx, admin_id, admin_id))
    with lent_app(Application(Settings(rate_limit_per_minute=0), ctx, engine)) as app:
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app, config=config)
        operations = operations_of(schema, shard)
        ran: set[str] = set()
        found, errors = findings_of(from_schema(schema.include(name=operations)).execute(), ran)

    assert not errors, errors
    assert ran == set(operations)  # every operation of the part, and only those
    undocumented = [f for f in found if (f.operation, f.check, f.status) not in DOCUMENTED_EXCEPTIONS]
    assert not undocumented, "\n".join(str(f) for f in undocumented)
