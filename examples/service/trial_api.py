"""A stand-in for the stack of examples/field-trial-v2.md: stdlib HTTP server, fixed answers.

It answers the way the real stack's parts do, so the trial's v2 checks read realistic
output offline: JSON health, a 201 on create, a 404, a degraded 503, a warm-up that answers
503 twice before 200, metrics lines (``p95=48ms``), and ``docker compose ps`` / ``kubectl get
pods`` tables. Listens on 127.0.0.1:$TRIAL_PORT; prints one line when it is up.
"""

from __future__ import annotations

import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEALTH = {"status": "ok", "version": "1.4.2", "items": [{"name": "web"}, {"name": "db"}, {"name": "cache"}],
          "data": {"id": 7, "ready": True}}
METRICS = "requests=500 errors=0 p50=12ms p95=48ms p99=0.12s\nthroughput: 1450 req/s\ndisk usage: 42%\n"
COMPOSE_PS = (
    "NAME           IMAGE          SERVICE   STATE     STATUS                   RESTARTS\n"
    "trial-web-1    nginx:1.27     web       running   Up 2 minutes (healthy)   0\n"
    "trial-db-1     postgres:16    db        running   Up 2 minutes (healthy)   0\n"
    "trial-cache-1  redis:7        cache     running   Up 2 minutes             0\n")
PODS = (
    "NAME                     READY   STATUS             RESTARTS      AGE\n"
    "web-7d9f8b6c4-abcde      1/1     Running            0             3d\n"
    "db-0                     1/1     Running            0             3d\n"
    "worker-5c6d7-xyz         0/1     CrashLoopBackOff   7 (2m ago)    1h\n")
PORTAL = "<!doctype html><html><head><title>Portal</title></head><body><h1>Dashboard</h1></body></html>\n"
_warmup = {"calls": 0}


class Handler(BaseHTTPRequestHandler):
    server_version = "trial/1.0"

    def log_message(self, format: str, *args: object) -> None:
        return None

    def _send(self, code: int, body: str, kind: str = "application/json") -> None:
        data = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        routes = {
            "/health": (200, json.dumps(HEALTH) + "\n", "application/json"),
            "/degraded": (503, '{"status": "degraded"}\n', "application/json"),
            "/metrics": (200, METRICS, "text/plain"),
            "/replicas": (200, "deployment web: 3 replicas ready\n", "text/plain"),
            "/ps": (200, COMPOSE_PS, "text/plain"),
            "/pods": (200, PODS, "text/plain"),
            "/": (200, PORTAL, "text/html; charset=utf-8"),
        }
        if self.path == "/warmup":
            _warmup["calls"] += 1
            ready = _warmup["calls"] > 2
            self._send(200 if ready else 503, '{"warm": %s}\n' % ("true" if ready else "false"))
            return
        code, body, kind = routes.get(self.path, (404, '{"error": "not found"}\n', "application/json"))
        self._send(code, body, kind)

    def do_POST(self) -> None:
        self._send(201, '{"id": 8}\n')


def main() -> None:
    port = int(os.environ.get("TRIAL_PORT", "8080"))
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"trial api: listening on http://127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
