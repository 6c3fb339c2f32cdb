"""The server under test: `make serve`'s configuration on a free local port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from http.client import HTTPConnection

from bench.load import BIN, DATA, ROOT, UA

SECRET = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105


def server_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        RADROUNDS_MODE="production",
        SECRET_KEY=env.get("BENCH_SECRET_KEY", SECRET),
        ALLOWED_HOSTS="127.0.0.1",
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        # wrk stands in for a proxy: X-Forwarded-For from loopback names the visitor.
        TRUSTED_PROXIES="127.0.0.1",
        MEDIA_ROOT=str(DATA / "media"),
        STATIC_ROOT=str(DATA / "static"),
        LOG_FORMAT="json",
        PYTHONUNBUFFERED="1",
    )
    if not env.get("DATABASE_URL"):
        env["SQLITE_PATH"] = str(DATA / "bench.sqlite3")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn (and the worker) as `make serve` runs them, stopped by ``close``."""

    def __init__(self, port: int):
        self.port = port
        self.log_path = DATA / "server.log"
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in close()
        env = server_env(port)
        self.processes = [
            subprocess.Popen(  # noqa: S603 - our own executables
                [str(BIN / "gunicorn"), "-c", "radrounds/gunicorn.conf.py", "radrounds.wsgi"],
                cwd=ROOT,
                env=env,
                stdout=self.log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            ),
            subprocess.Popen(  # noqa: S603
                [str(BIN / "python"), "manage.py", "worker"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            ),
        ]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        self.close()
        raise SystemExit(f"The server did not answer on port {port}; see {self.log_path}")

    def get(self, path: str, headers: dict | None = None) -> tuple[int, bytes]:
        connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers={"User-Agent": UA, **(headers or {})})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def settle(self) -> None:
        """Wait until the server has answered everything (its log stops growing)."""
        deadline = time.monotonic() + 60
        last, quiet = -1, 0
        while time.monotonic() < deadline and quiet < 3:
            offset = self.log_offset()
            quiet = quiet + 1 if offset == last else 0
            last = offset
            time.sleep(0.5)

    def log_offset(self) -> int:
        self.log.flush()
        return self.log_path.stat().st_size

    def log_lines(self, start: int, end: int) -> list[dict]:
        with open(self.log_path, "rb") as handle:
            handle.seek(start)
            chunk = handle.read(end - start).decode(errors="replace")
        lines = []
        for line in chunk.splitlines():
            if line.startswith("{"):
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    continue
        return lines

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.log.close()
