"""The ``--png`` charts of ``leadline report``: what each bar chart draws, without drawing it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from leadline.analytics.pipeline_history import PipelineLine, PipelineReport
from leadline.cli.reports.charts import _bars


def test_the_pipeline_chart_of_a_report_cut_by_owner_sums_each_stage_in_the_process_order() -> None:
    # given a pipeline cut by owner: Ann has a deal in Negotiation only, Bob one in each stage
    lines = [PipelineLine("Ann", "Negotiation", 4, 1, Decimal("500")),
             PipelineLine("Bob", "Prospecting", 0, 1, Decimal("100")),
             PipelineLine("Bob", "Negotiation", 4, 1, Decimal("250"))]
    report = PipelineReport(date(2026, 3, 31), "USD", "owner", lines, [])
    # when it is charted, the stages follow the process (Ann's group came first), amounts summed
    title, labels, values = _bars(report)
    assert (labels, values) == (["Prospecting", "Negotiation"], [100.0, 750.0])
    assert title == "Pipeline as of 2026-03-31 (USD)"
