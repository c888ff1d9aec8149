"""Check every endpoint of both apps on both servers answers correctly; save each OpenAPI document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

from run import FRAMEWORKS, HERE, OPENAPI, free_port, server_cmd, stop, wait_ready

BODY = {"first_name": "Grace", "last_name": "Hopper", "email": "grace.hopper@example.com", "phone": "+1 555 0100",
        "company": "Navy Computing", "title": "Rear Admiral", "source": "event", "status": "contacted",
        "score": 64, "country": "US"}


def call(port: int, method: str, path: str, body: dict | None = None) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def main() -> None:
    sys.path.insert(0, str(HERE))
    env = {**os.environ, "PYTHONPATH": str(HERE)}
    out = HERE / "results"
    out.mkdir(exist_ok=True)
    failures = []
    for fw, (target, endpoints) in FRAMEWORKS.items():
        for server in ("uvicorn", "granian"):
            port = free_port()
            proc = subprocess.Popen(server_cmd(server, target, port, 1), cwd=HERE, env=env, start_new_session=True,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                wait_ready(port)
                checks = []
                st, doc = call(port, "GET", "/ceiling")
                checks.append(("ceiling", st == 200 and len(doc) == 20))
                st, doc = call(port, "GET", "/leads/42")
                checks.append(("get", st == 200 and doc["id"] == 42 and len(doc) == 20))
                st, _ = call(port, "GET", "/leads/99999999")
                checks.append(("get 404", st == 404))
                for name, path, _script in endpoints:
                    if name.startswith("create"):
                        st, doc = call(port, "POST", path, BODY)
                        checks.append((name, st == 201 and doc["id"] > 10_000 and doc["email"] == BODY["email"]))
                        st, _ = call(port, "POST", path, {**BODY, "score": 101, "email": "nope"})
                        checks.append((name + " invalid", st in (400, 422)))
                st, spec = call(port, "GET", OPENAPI[fw])
                checks.append(("openapi", st == 200 and "/leads" in spec["paths"]))
                (out / f"openapi-{fw}.json").write_text(json.dumps(spec, indent=1))
                bad = [n for n, ok in checks if not ok]
                print(f"smoke {fw:8} {server:8} {'OK' if not bad else 'FAILED ' + ','.join(bad)}")
                failures += bad
            finally:
                stop(proc)
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
