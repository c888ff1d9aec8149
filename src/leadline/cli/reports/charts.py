"""``--png``: a report drawn as a chart. matplotlib (Agg, no display) is imported here only, when
a chart is asked for, so the CLI starts without it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leadline.analytics.deals import VelocityReport
from leadline.analytics.funnel import ConversionTimeReport, FunnelReport
from leadline.analytics.pipeline_history import PipelineReport


def draw(report: Any, path: Path) -> None:
    """Write ``report`` as a bar chart to ``path`` (PNG)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(9, 5))
    try:
        title, labels, values = _bars(report)
        axes.bar(labels, values, color="#2f6f9f")
        axes.set_title(title)
        for index, value in enumerate(values):
            axes.annotate(f"{value:,.0f}", (index, value), ha="center", va="bottom")
        axes.tick_params(axis="x", labelrotation=20)
        figure.tight_layout()
        figure.savefig(path, format="png", dpi=100)
    finally:
        pyplot.close(figure)


def _bars(report: Any) -> tuple[str, list[str], list[float]]:
    if isinstance(report, FunnelReport):
        return "Lead funnel", [s.name for s in report.total.steps], [s.count for s in report.total.steps]
    if isinstance(report, ConversionTimeReport):
        buckets = report.total.days.buckets
        return "Days from lead to conversion", [label for label, _ in buckets], [n for _, n in buckets]
    if isinstance(report, VelocityReport):
        groups = report.groups or [report.total]
        return (f"Pipeline velocity per day ({report.currency})", [g.label for g in groups],
                [float(g.velocity.per_day or 0) for g in groups])
    if isinstance(report, PipelineReport):
        sums: dict[str, float] = {}
        for line in sorted(report.lines, key=lambda line: line.order):  # by --by, the stages come group by group
            sums[line.stage] = sums.get(line.stage, 0.0) + float(line.amount)
        return f"Pipeline as of {report.as_of} ({report.currency})", list(sums), list(sums.values())
    steps = [(f"{p.process}: {s.stage}", s.reached) for p in report for s in p.steps]
    return "Opportunities reaching each stage", [label for label, _ in steps], [n for _, n in steps]
