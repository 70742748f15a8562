"""A tiny notes API for the service field trial: stdlib HTTP server + SQLite, token auth.

Configuration comes from the environment, as a real service's would:
  NOTES_HOST   address to listen on, default 127.0.0.1 (0.0.0.0 in a container)
  NOTES_PORT   port to listen on, default 8080
  NOTES_DB     SQLite file, default ./notes.db
  API_TOKEN    bearer token every /api/ request must carry (required)
  NOTES_PIDFILE  where to write the process id (optional)

Routes: GET /health, GET / (HTML portal), GET|POST /api/notes, GET /api/notes/<id>.
"""

from __future__ import annotations

import html
import json
import os
import re
import signal
import sqlite3
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DB_PATH = os.environ.get("NOTES_DB", "notes.db")
TOKEN = os.environ.get("API_TOKEN", "")
_lock = threading.Lock()


def db() -> sqlite3.Connection:
    conn = sqlite3.connect(DB_PATH, timeout=5)
    conn.row_factory = sqlite3.Row
    return conn


def init_db() -> None:
    with db() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, title TEXT NOT NULL, "
                     "body TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL)")


def note(row: sqlite3.Row) -> dict[str, object]:
    return {"id": row["id"], "title": row["title"], "body": row["body"], "created_at": row["created_at"]}


class Handler(BaseHTTPRequestHandler):
    server_version = "notes/1.0"

    def log_message(self, fmt: str, *args: object) -> None:
        # One access-log line per request; the field trial shows it from the background log.
        sys.stderr.write(fmt % args + "\n")

    def send_json(self, status: int, payload: object) -> None:
        data = (json.dumps(payload, indent=2) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def authorised(self) -> bool:
        if self.headers.get("Authorization", "") == f"Bearer {TOKEN}" and TOKEN:
            return True
        self.send_json(401, {"error": "missing or invalid token"})
        return False

    def do_GET(self) -> None:
        if self.path == "/health":
            with db() as conn:
                conn.execute("SELECT 1")
            self.send_json(200, {"status": "ok", "db": "ok"})
        elif self.path == "/":
            self.portal()
        elif self.path == "/api/notes":
            if self.authorised():
                with db() as conn:
                    rows = conn.execute("SELECT * FROM notes ORDER BY id").fetchall()
                self.send_json(200, {"count": len(rows), "items": [note(r) for r in rows]})
        elif m := re.fullmatch(r"/api/notes/(\d+)", self.path):
            if self.authorised():
                with db() as conn:
                    row = conn.execute("SELECT * FROM notes WHERE id = ?", (int(m.group(1)),)).fetchone()
                if row is None:
                    self.send_json(404, {"error": f"note {m.group(1)} not found"})
                else:
                    self.send_json(200, note(row))
        else:
            self.send_json(404, {"error": f"no route {self.path}"})

    def do_POST(self) -> None:
        if self.path != "/api/notes":
            self.send_json(404, {"error": f"no route {self.path}"})
            return
        if not self.authorised():
            return
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            data = json.loads(raw)
        except ValueError as exc:
            self.send_json(400, {"error": f"invalid JSON: {exc}"})
            return
        if not isinstance(data, dict) or not isinstance(data.get("title"), str) or not data["title"].strip():
            self.send_json(400, {"error": "field 'title' is required"})
            return
        created = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        with _lock, db() as conn:
            cur = conn.execute("INSERT INTO notes (title, body, created_at) VALUES (?, ?, ?)",
                               (data["title"], str(data.get("body", "")), created))
            row = conn.execute("SELECT * FROM notes WHERE id = ?", (cur.lastrowid,)).fetchone()
        self.send_json(201, note(row))

    def portal(self) -> None:
        with db() as conn:
            rows = conn.execute("SELECT * FROM notes ORDER BY id").fetchall()
        items = "".join(f"<li>{html.escape(r['title'])}</li>" for r in rows)
        page = (f"<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Notes portal</title></head>\n"
                f"<body><h1>Notes portal</h1>\n<p>{len(rows)} notes</p>\n<ul>{items}</ul></body></html>\n")
        data = page.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main() -> int:
    if not TOKEN:
        print("notes: API_TOKEN is not set", file=sys.stderr)
        return 2
    init_db()
    port = int(os.environ.get("NOTES_PORT", "8080"))
    host = os.environ.get("NOTES_HOST", "127.0.0.1")
    server = ThreadingHTTPServer((host, port), Handler)
    pidfile = os.environ.get("NOTES_PIDFILE")
    if pidfile:
        with open(pidfile, "w") as fh:
            fh.write(f"{os.getpid()}\n")
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"notes: listening on http://{host}:{port} (db {DB_PATH})", file=sys.stderr, flush=True)
    server.serve_forever()
    server.server_close()
    if pidfile:
        os.unlink(pidfile)
    print("notes: stopped", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
