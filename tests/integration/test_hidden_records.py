"""A record the actor may not read does not exist for them, on every path, on SQLite and
PostgreSQL, under mixed sharing: accounts public (read/write), contacts and opportunities private.

Two reps share the public Acme account. The other rep has a private contact there (with the
e-mail of the rep's lead), a private opportunity, and a note linking the account and that
opportunity. The rep must learn none of their ids, and must not be blocked by them except where
a duplicate is flagged without its fields (DUPLICATE_HIDDEN, docs/adr/0013).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from leadline.analytics.pipeline import pipeline_summary
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import ConflictError, DuplicateHiddenError, NotFoundError
from leadline.domain.queries import Page, RecordQuery
from leadline.services import activities, records
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.conversion.bulk import preview_conversion
from leadline.services.exports import export_table
from leadline.services.leads import records as leads
from leadline.services.opportunities import lifecycle
from leadline.services.opportunities.parts import add_contact_role, list_contact_roles
from leadline.services.security import users
from leadline.services.security.sharing import set_sharing
from tests.integration.conversion_support import new_lead

HANK = {"company": "Acme", "website": "acme.example", "email": "hank@acme.example"}


@dataclass
class Mixed:
    rep: int  # sees the account, none of the other rep's contacts and opportunities
    other: int
    account: int  # public, owned by the other rep
    contact: int  # private, the other rep's, with the e-mail of the rep's lead
    opportunity: int  # private, the other rep's, open
    note: int  # the other rep's note on the account and the opportunity

    def secrets(self) -> list[str]:
        return [str(self.contact), str(self.opportunity), str(self.note)]


@pytest.fixture
def mixed(ctx: ServiceContext, admin_id: int) -> Mixed:
    set_sharing(ctx, admin_id, "account", "public_read_write")
    for kind in ("contact", "opportunity"):
        set_sharing(ctx, admin_id, kind, "private")
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    other = users.add_user(ctx, admin_id, name="Other", email="other@example.com").id
    account = records.create_account(ctx, other, {"name": "Acme", "website": "acme.example"}).id
    contact = records.create_contact(ctx, other, {"account_id": account, "last_name": "Scorpio",
                                                  "email": "hank@acme.example"}).id
    opportunity = records.create_opportunity(ctx, other, {"account_id": account, "name": "Secret deal",
                                                          "amount": "5000"}).id
    note = activities.log_activity(ctx, other, kind="note", subject="Hank wants a discount",
                                   links=[("account", account), ("opportunity", opportunity)]).id
    return Mixed(rep, other, account, contact, opportunity, note)


def test_the_preview_lists_no_opportunity_the_rep_may_not_read(ctx: ServiceContext, mixed: Mixed) -> None:
    own = records.create_opportunity(ctx, mixed.rep, {"account_id": mixed.account, "name": "Mine"}).id

    preview = preview_conversion(ctx, mixed.rep, new_lead(ctx, mixed.rep, **HANK))

    assert [a.record_id for a in preview.accounts] == [mixed.account]
    assert preview.open_opportunities == {mixed.account: [own]}
    assert preview.contacts == [] and [h.record_type for h in preview.hidden] == [RecordType.CONTACT]
    for secret in mixed.secrets():
        assert secret not in repr(preview)
    # each rep sees their own: the other rep does not see the rep's either
    assert preview_conversion(ctx, mixed.other, new_lead(ctx, mixed.other, **HANK)).open_opportunities == {
        mixed.account: [mixed.opportunity]}


def test_converting_into_the_account_never_attaches_the_hidden_contact(ctx: ServiceContext, mixed: Mixed) -> None:
    lead_id = new_lead(ctx, mixed.rep, **HANK)

    with pytest.raises(DuplicateHiddenError) as refused:
        conversion.convert_lead(ctx, mixed.rep, lead_id, account_id=mixed.account, opportunity="none")
    assert [f for f, _ in refused.value.details] == ["contact"]
    for secret in mixed.secrets():
        assert secret not in str(refused.value) + repr(refused.value.details)

    result = conversion.convert_lead(ctx, mixed.rep, lead_id, account_id=mixed.account, opportunity="none",
                                     confirm_separate=True)
    assert result.account_id == mixed.account and result.created == ["contact"]
    assert result.contact_id != mixed.contact and result.attached == ["account"]


def test_an_activity_on_a_record_the_rep_may_not_read_is_not_listed(
        ctx: ServiceContext, admin_id: int, mixed: Mixed) -> None:
    public = activities.log_activity(ctx, mixed.other, kind="call", subject="Called the switchboard",
                                     links=[("account", mixed.account)]).id
    # a task an admin gave the rep on the account and the other rep's opportunity: the rep owns it
    task = activities.log_activity(ctx, admin_id, kind="task", subject="Send the brochure", owner=mixed.rep,
                                   links=[("account", mixed.account), ("opportunity", mixed.opportunity)]).id

    seen = activities.list_activities(ctx, mixed.rep, "account", mixed.account)

    assert {a.id for a in seen} == {public, task}
    assert [link.record_type.value for a in seen if a.id == task for link in a.links] == ["account"]
    for secret in mixed.secrets():
        assert secret not in repr(seen)
    assert {a.id for a in activities.list_activities(ctx, mixed.other, "account", mixed.account)} == {
        public, task, mixed.note}
    with pytest.raises(NotFoundError):
        activities.complete_activity(ctx, mixed.rep, mixed.note)
    assert activities.complete_activity(ctx, mixed.rep, task).completed_at is not None


def test_deleting_an_account_with_only_hidden_records_is_refused_without_telling_them(
        ctx: ServiceContext, mixed: Mixed) -> None:
    with pytest.raises(ConflictError) as refused:
        records.delete_record(ctx, mixed.rep, "account", mixed.account)

    told = str(refused.value)
    assert "not shared with you" in told and "contacts" not in told and "opportunit" not in told
    for secret in mixed.secrets():
        assert secret not in told
    assert records.get_record(ctx, mixed.rep, "account", mixed.account).id == mixed.account


def test_deleting_an_account_with_records_the_rep_sees_names_them_as_before(ctx: ServiceContext, mixed: Mixed) -> None:
    records.create_contact(ctx, mixed.rep, {"account_id": mixed.account, "last_name": "Mine"})

    with pytest.raises(ConflictError, match="still has contacts or opportunities"):
        records.delete_record(ctx, mixed.rep, "account", mixed.account)


def test_what_a_lead_became_shows_only_records_the_rep_may_read(
        ctx: ServiceContext, admin_id: int, mixed: Mixed) -> None:
    lead_id = new_lead(ctx, mixed.rep, **{**HANK, "email": "lee@acme.example"})
    # an admin converts the rep's lead into the account, for the other rep: the rep keeps the lead
    result = conversion.convert_lead(ctx, admin_id, lead_id, account_id=mixed.account, owner="other@example.com",
                                     override_reason="admin", qualification_override_reason="admin")
    made = [str(result.contact_id), str(result.opportunity_id)]

    lineage = conversion.lead_lineage(ctx, mixed.rep, lead_id)
    lead = leads.get_lead(ctx, mixed.rep, lead_id).lead
    history = leads.lead_history(ctx, mixed.rep, lead_id)

    assert (lineage["account_id"], lineage["contact_id"], lineage["opportunity_ids"]) == (mixed.account, None, [])
    assert (lead.converted_account_id, lead.converted_contact_id, lead.converted_opportunity_id) == (
        mixed.account, None, None)
    assert lead.converted_at is not None
    listed = [d.lead for d in leads.list_leads(ctx, mixed.rep, leads.resolve_lead_query(ctx), Page())]
    assert [(x.id, x.converted_contact_id) for x in listed] == [(lead_id, None)]
    for secret in made:
        assert secret not in repr(lineage) + repr(history)
    assert str(mixed.account) in repr(history)  # the account is public: its id stays
    whole = conversion.lead_lineage(ctx, admin_id, lead_id)
    assert (whole["contact_id"], whole["opportunity_ids"]) == (result.contact_id, [result.opportunity_id])
    # nothing was changed by reading: the lead still points at what it became
    assert leads.get_lead(ctx, admin_id, lead_id).lead.converted_contact_id == result.contact_id


def test_contact_roles_and_account_details_leave_out_hidden_contacts(
        ctx: ServiceContext, admin_id: int, mixed: Mixed) -> None:
    own = records.create_opportunity(ctx, mixed.rep, {"account_id": mixed.account, "name": "Mine"}).id
    add_contact_role(ctx, admin_id, own, contact_id=mixed.contact, role="decision maker")

    assert list_contact_roles(ctx, mixed.rep, own) == []
    assert [r["contact_id"] for r in list_contact_roles(ctx, admin_id, own)] == [mixed.contact]
    details = records.get_account(ctx, mixed.rep, mixed.account)
    assert details.contacts == [] and [o.id for o in details.opportunities] == [own]
    assert records.list_records(ctx, mixed.rep, "contact", RecordQuery(account_id=mixed.account), Page()) == []


def test_history_leaves_out_ids_of_records_the_rep_may_not_read(
        ctx: ServiceContext, admin_id: int, mixed: Mixed) -> None:
    set_sharing(ctx, admin_id, "contact", "public_read_only")
    mine = records.create_account(ctx, mixed.rep, {"name": "Rep's own"}).id
    records.update_record(ctx, admin_id, "contact", mixed.contact, {"account_id": mine})
    set_sharing(ctx, admin_id, "account", "private")  # the rep reads the contact and their account, not Acme

    def moves(actor: int) -> list[tuple[str | None, str | None]]:
        return [(c.old_value, c.new_value) for c in records.record_history(ctx, actor, "contact", mixed.contact)
                if c.field == "account_id"]

    assert moves(mixed.rep) == [(None, str(mine))]
    assert moves(admin_id) == [(None, str(mixed.account)), (str(mixed.account), str(mine))]


def test_reports_count_no_opportunity_the_rep_may_not_read(ctx: ServiceContext, admin_id: int, mixed: Mixed) -> None:
    records.create_opportunity(ctx, mixed.rep, {"account_id": mixed.account, "name": "Mine", "amount": "10"})

    def counted(actor: int) -> int:
        return sum(line.count for line in pipeline_summary(ctx, actor).stages)

    assert (counted(mixed.rep), counted(mixed.other), counted(admin_id)) == (1, 1, 2)


def test_an_opportunitys_history_leaves_out_the_lead_it_came_from_when_the_rep_may_not_read_it(
        ctx: ServiceContext, admin_id: int, mixed: Mixed) -> None:
    set_sharing(ctx, admin_id, "lead", "private")
    set_sharing(ctx, admin_id, "opportunity", "public_read_only")
    lead_id = new_lead(ctx, mixed.other, company="Bolt", email="bo@bolt.example")
    deal = conversion.convert_lead(ctx, mixed.other, lead_id, qualification_override_reason="met at a fair",
                                   override_reason="known buyer").opportunity_id
    assert deal is not None

    def origins(actor: int) -> list[str | None]:
        return [c.new_value for c in records.record_history(ctx, actor, "opportunity", deal)
                if c.field == "originating_lead_id"]

    assert origins(admin_id) == [str(lead_id)]
    assert origins(mixed.rep) == []


def test_an_opportunity_leaves_out_the_lead_it_came_from_on_every_answer_when_the_rep_may_not_read_it(
        ctx: ServiceContext, admin_id: int, mixed: Mixed) -> None:
    set_sharing(ctx, admin_id, "lead", "private")
    set_sharing(ctx, admin_id, "opportunity", "public_read_write")
    lead_id = new_lead(ctx, mixed.other, company="Bolt", email="bo@bolt.example")
    converted = conversion.convert_lead(ctx, mixed.other, lead_id, qualification_override_reason="met at a fair",
                                        override_reason="known buyer")
    deal, account = converted.opportunity_id, converted.account_id
    assert deal is not None and account is not None
    everywhere = RecordQuery(account_id=account)

    def answers(actor: int) -> list[int | None]:
        listed = records.list_records(ctx, actor, "opportunity", everywhere, Page())
        return [records.get_record(ctx, actor, "opportunity", deal).originating_lead_id,
                *[o.originating_lead_id for o in listed if o.id == deal],
                *[o.originating_lead_id for o in records.get_account(ctx, actor, account).opportunities]]

    assert answers(mixed.rep) == [None, None, None]
    assert answers(mixed.other) == answers(admin_id) == [lead_id] * 3
    # the write paths answer the same, and what is stored keeps the lead
    assert records.update_record(ctx, mixed.rep, "opportunity", deal, {"next_step": "call"}).originating_lead_id is None
    assert lifecycle.move_stage(ctx, mixed.rep, deal, "Negotiation").originating_lead_id is None
    assert lifecycle.close_opportunity(ctx, mixed.rep, deal, "won").originating_lead_id is None
    assert lifecycle.reopen_opportunity(ctx, mixed.rep, deal).originating_lead_id is None
    assert records.get_record(ctx, admin_id, "opportunity", deal).originating_lead_id == lead_id
    # nor does an export of it say which lead it came from (no one's: an id another database cannot read)
    table = export_table(ctx, mixed.rep, "opportunity", everywhere)
    rows = [table.as_text(row) for batch in table.batches for row in batch]
    assert "originating_lead_id" not in table.header and len(rows) == 1 and str(lead_id) not in rows[0]
