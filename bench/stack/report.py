"""Turn results/results.json into a Markdown table: best of the rounds (by requests/s) per combination."""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["ceiling", "get", "create", "create_pyd"]


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "results" / "results.json"
    rows = json.loads(src.read_text())
    best: dict[tuple, dict] = {}
    for r in rows:
        key = (r["framework"], r["server"], r["workers"], r["endpoint"])
        if key not in best or r["rps"] > best[key]["rps"]:
            best[key] = r
    lines = ["| framework | server | workers | endpoint | req/s | p50 ms | p99 ms | req/s vs ceiling | errors |",
             "|---|---|---|---|---:|---:|---:|---:|---:|"]
    for fw, server, workers in sorted({k[:3] for k in best}):
        ceil = best.get((fw, server, workers, "ceiling"))
        for ep in ORDER:
            r = best.get((fw, server, workers, ep))
            if r is None:
                continue
            rel = f"{r['rps'] / ceil['rps']:.0%}" if ceil else "-"
            lines.append(f"| {fw} | {server} | {workers} | {ep} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | "
                         f"{r['p99_ms']:.2f} | {rel} | {r['non2xx']} |")
    table = "\n".join(lines)
    (src.parent / "table.md").write_text(table + "\n")
    print(table)


def wide(paths: list[Path]) -> str:
    """One row per stack: 'runA / runB' best-of-rounds req/s and p99 for each endpoint."""
    bests = []
    for p in paths:
        best: dict[tuple, dict] = {}
        for r in json.loads(p.read_text()):
            key = (r["framework"], r["server"], r["workers"], r["endpoint"])
            if key not in best or r["rps"] > best[key]["rps"]:
                best[key] = r
        bests.append(best)
    head = ("| stack | w | ceiling req/s | get req/s | get p99 ms | create req/s | create p99 ms "
            "| create (pydantic) req/s · p99 |")
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|"]
    stacks = sorted({k[:3] for k in bests[0]})
    for fw, server, workers in stacks:
        def cell(ep: str, field: str, fmt: str, fw=fw, server=server, workers=workers) -> str:
            vals = [b.get((fw, server, workers, ep)) for b in bests]
            if any(v is None for v in vals):
                return "–"
            return " / ".join(format(v[field], fmt) for v in vals)

        pyd = "–"
        if fw == "litestar":
            pyd = f"{cell('create_pyd', 'rps', ',.0f')} · {cell('create_pyd', 'p99_ms', '.0f')}"
        lines.append(
            f"| {fw}+{server} | {workers} | {cell('ceiling', 'rps', ',.0f')} | {cell('get', 'rps', ',.0f')} | "
            f"{cell('get', 'p99_ms', '.1f')} | {cell('create', 'rps', ',.0f')} | {cell('create', 'p99_ms', '.0f')} "
            f"| {pyd} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--wide":
        print(wide([Path(a) for a in sys.argv[2:]]))
    else:
        main()
