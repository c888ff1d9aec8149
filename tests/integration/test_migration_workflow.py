"""Revision 0009 on both databases: an organisation whose graph made Qualified a dead end
gets the moves out of it (back to working, or disqualified), and keeps every move it had."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, text

from leadline.persistence.schema import alembic_config, upgrade_to_head
from leadline.services.configuration.lead_workflow import list_transitions
from leadline.services.context import ServiceContext


def test_an_existing_graph_gets_the_moves_out_of_a_qualified_status(
        engine: Engine, ctx: ServiceContext, admin_id: int) -> None:
    with engine.begin() as connection:  # the graph as the defaults before 0009 made it
        connection.execute(text(
            "DELETE FROM lead_status_transitions WHERE from_status_id IN "
            "(SELECT id FROM lead_statuses WHERE kind = 'qualified')"))
    before = {(t.from_status, t.to_status) for t in list_transitions(ctx)}
    assert not any(a == "Qualified" for a, _ in before)
    command.downgrade(alembic_config(engine), "0008")
    upgrade_to_head(engine)
    after = {(t.from_status, t.to_status) for t in list_transitions(ctx)}
    assert after == before | {("Qualified", "Contacted"), ("Qualified", "Unqualified")}
    upgrade_to_head(engine)  # nothing more the second time
    assert {(t.from_status, t.to_status) for t in list_transitions(ctx)} == after
