"""Paired measurement of the admin's forecast page: a baseline source tree against this one, in
alternating child processes of ``bench/profile_forecast_page.py`` (same database, same load),
then the medians of each side's per-process medians (CPU ms of the process, and wall ms).

The baseline is another checkout's ``src`` folder, put first on ``PYTHONPATH`` (e.g.
``git archive webpolish src | tar -x -C /tmp/base``); the change is the installed one. With
``--baseline-url``, the baseline reads its own copy of the database (a change that adds a
migration: the baseline's copy without it, the change's with it).

Example::

    .venv/bin/python bench/pair_forecast_page.py sqlite:////tmp/leadline-forecast-xxxx/forecast.db \\
        --baseline /tmp/base/src --pairs 5 --rounds 20
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("profile_forecast_page.py")
LINE = re.compile(r"^(page|predicted_forecast alone): median of \d+, CPU (\d+) ms, wall (\d+) ms$")


def run(url: str, rounds: int, source: str | None) -> dict[str, tuple[int, int]]:
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = source + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, str(SCRIPT), url, "--rounds", str(rounds)], env=env,
                          capture_output=True, text=True, check=True)
    found = {}
    for line in done.stdout.splitlines():
        match = LINE.match(line.strip())
        if match:
            found[match[1]] = (int(match[2]), int(match[3]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--baseline", required=True, help="the baseline's src folder")
    parser.add_argument("--baseline-url", help="the baseline's database (default: url)")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    sides: dict[str, list[dict[str, tuple[int, int]]]] = {"baseline": [], "change": []}
    for n in range(args.pairs):
        order = ("baseline", "change") if n % 2 == 0 else ("change", "baseline")
        for side in order:
            if side == "baseline":
                sides[side].append(run(args.baseline_url or args.url, args.rounds, args.baseline))
            else:
                sides[side].append(run(args.url, args.rounds, None))
            print(side, sides[side][-1], flush=True)
    for label in ("page", "predicted_forecast alone"):
        for side, runs in sides.items():
            cpu = statistics.median(r[label][0] for r in runs)
            wall = statistics.median(r[label][1] for r in runs)
            print(f"{label:26} {side:8}: CPU {cpu:.0f} ms, wall {wall:.0f} ms "
                  f"(per-process medians: {[r[label][0] for r in runs]})")


if __name__ == "__main__":
    main()
