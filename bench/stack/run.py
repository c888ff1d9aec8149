"""Driver for the HTTP-stack benchmark: {FastAPI, Litestar} x {uvicorn, granian} x {1, 2} workers.

Run with the separate bench venv (see README.md):  /tmp/stackvenv/bin/python bench/stack/run.py
Everything is on 127.0.0.1; each wrk run lasts --duration seconds; each server is killed after its runs.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent

FRAMEWORKS = {
    "fastapi": ("app_fastapi:app", [("ceiling", "/ceiling", None), ("get", "/leads/1", "get_lead.lua"),
                                    ("create", "/leads", "post_lead.lua")]),
    "litestar": ("app_litestar:app", [("ceiling", "/ceiling", None), ("get", "/leads/1", "get_lead.lua"),
                                      ("create", "/leads", "post_lead.lua"),
                                      ("create_pyd", "/leads-pydantic", "post_lead.lua")]),
}
OPENAPI = {"fastapi": "/openapi.json", "litestar": "/schema/openapi.json"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_cmd(server: str, target: str, port: int, workers: int) -> list[str]:
    if server == "uvicorn":
        return [str(BIN / "uvicorn"), target, "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
                "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning"]
    return [str(BIN / "granian"), "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
            "--workers", str(workers), "--no-access-log", "--log-level", "warning", target]


def wait_ready(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ceiling", timeout=1) as r:
                if r.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} not ready after {timeout}s")


def to_ms(value: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value)
    if not m:
        raise ValueError(value)
    n, unit = float(m.group(1)), m.group(2)
    return {"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60_000}[unit]


def parse_wrk(out: str) -> dict[str, float]:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors:.*", out)
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "socket_errors": sock.group(0) if sock else ""}


def wrk(port: int, path: str, script: str | None, duration: int, threads: int, conns: int) -> dict[str, float]:
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}s", "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", str(HERE / script)]
    cmd.append(f"http://127.0.0.1:{port}{path}")
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30, check=True).stdout
    return parse_wrk(out)


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--frameworks", default="fastapi,litestar")
    ap.add_argument("--servers", default="uvicorn,granian")
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--out", default=str(HERE / "results" / "results.json"))
    args = ap.parse_args()

    sys.path.insert(0, str(HERE))
    import common  # noqa: PLC0415  (make the template database once)

    template = common.DB_PATH.with_name(common.DB_PATH.stem + "-template.db")
    common.ensure_db(template)
    env = {**os.environ, "PYTHONPATH": str(HERE), "STACK_BENCH_DB": str(common.DB_PATH)}

    combos = [(f, s, int(w)) for f in args.frameworks.split(",") for s in args.servers.split(",")
              for w in args.workers.split(",")]
    results: list[dict] = []
    for rnd in range(1, args.rounds + 1):  # rounds interleave the combinations to spread drift
        for fw, server, workers in combos:
            # Fresh copy of the 10,000-row database for every server start.
            for suffix in ("", "-wal", "-shm"):
                Path(str(common.DB_PATH) + suffix).unlink(missing_ok=True)
            shutil.copyfile(template, common.DB_PATH)
            target, endpoints = FRAMEWORKS[fw]
            port = free_port()
            proc = subprocess.Popen(server_cmd(server, target, port, workers), cwd=HERE, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
            try:
                wait_ready(port)
                for name, path, script in endpoints:
                    if args.warmup:
                        wrk(port, path, script, args.warmup, 2, 8)
                    r = wrk(port, path, script, args.duration, 2, 8)
                    row = {"framework": fw, "server": server, "workers": workers, "round": rnd, "endpoint": name, **r}
                    results.append(row)
                    print(json.dumps(row), flush=True)
            finally:
                stop(proc)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
