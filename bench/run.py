#!/usr/bin/env python
"""`make bench`: radRounds under load, every figure as a ratio to a constant Django route.

    .venv/bin/python bench/run.py                   # SQLite: bench/.data/bench.sqlite3
    .venv/bin/python bench/run.py --duration 30     # seconds per scenario (default 15)
    .venv/bin/python bench/run.py --rebuild         # build the data again
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/run.py

Builds the database once (bench/build_data.py), starts `make serve`'s configuration
(gunicorn, 2 sync workers, production settings, the background worker) on a free local
port, and drives it with wrk (16 connections, a fixed time) and, for the mixed run, with
32 signed-in members in threads. Prints a table, writes bench/results/<date>-<db>.json and
a PNG chart, and checks that the view counters moved by exactly the number of distinct
visitors the server answered and that every write it acknowledged is in the database.
Exits non-zero when a check fails. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
SECRET = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"  # noqa: S105
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36 bench"
WRK_HELP = "wrk is not installed: apt-get install wrk (Debian/Ubuntu) or brew install wrk"
MIXED_MEMBERS = 32


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per scenario")
    parser.add_argument("--warmup", type=int, default=3, help="unrecorded seconds before each")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rebuild", action="store_true", help="build the data again")
    parser.add_argument("--label", default="", help="added to the result file's name")
    parser.add_argument(
        "--only", default="", help="comma-separated scenario keys (the floor always runs)"
    )
    parser.add_argument("--no-mixed", action="store_true", help="skip the mixed run")
    return parser.parse_args()


# --- setup ------------------------------------------------------------------------------


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


def setup_django(rebuild: bool) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    os.environ.update(server_env(0))
    os.environ["DJANGO_SETTINGS_MODULE"] = "radrounds.settings"
    import django

    django.setup()
    import build_data
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if rebuild or not build_data.is_built():
        print("Building the benchmark database (once; reused next time) ...", flush=True)
        build_data.build()


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


# --- what is measured -------------------------------------------------------------------


def bench_sessions(count: int) -> list[tuple[str, int]]:
    """Signed-in sessions for ``count`` bench members: (session key, user id)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from accounts.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for user in User.objects.filter(username__startswith="bench").order_by("pk")[:count]:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append((session.session_key, user.pk))
    return sessions


def plan():
    from build_data import HOT_POSTS
    from django.conf import settings

    from posts.models import Post

    posts = list(Post.objects.visible().order_by("pk").only("pk", "slug", "title"))
    sessions = bench_sessions(1 + MIXED_MEMBERS)
    cookie = f"{settings.SESSION_COOKIE_NAME}={sessions[0][0]}"
    hot = posts[0]
    assert Post.objects.get(pk=hot.pk).comment_count >= 500, "the 500-comment post is missing"
    member = Post._meta.get_field("posted_by").related_model.objects.get(pk=sessions[0][1])
    counted = posts[HOT_POSTS + 200 : HOT_POSTS + 250]  # new visitors' posts, nothing else
    return {
        "posts": posts,
        "hot": hot,
        "read": posts[HOT_POSTS + 50],
        "counted": counted,
        "cookie": cookie,
        "member": member.username,
        "sessions": sessions[1:],
    }


def scenarios(p) -> list[dict]:
    member = {"Cookie": p["cookie"]}
    return [
        {"key": "floor", "name": "floor: /healthz", "paths": ["/healthz"]},
        {"key": "home", "name": "home, anonymous", "paths": ["/"]},
        {
            "key": "post",
            "name": "post, anonymous returning visitor",
            "paths": [p["read"].get_absolute_url()],
        },
        {
            "key": "post_new_visitor",
            "name": "post, a new visitor every request",
            "paths": [post.get_absolute_url() for post in p["counted"]],
            "new_visitors": True,
        },
        {
            "key": "post_500_member",
            "name": "post with 500+ comments, signed in",
            "paths": [p["hot"].get_absolute_url()],
            "headers": member,
        },
        {"key": "search", "name": "search 'lung', anonymous", "paths": ["/search/?q=lung"]},
        {
            "key": "search_mesh",
            "name": "search MeSH filter, anonymous",
            "paths": ["/search/?" + urlencode({"q": "imaging", "mesh": "Humans"})],
        },
        {
            "key": "search_member",
            "name": "search 'lung', signed in (no page cache)",
            "paths": ["/search/?q=lung"],
            "headers": member,
        },
        {
            "key": "search_mesh_member",
            "name": "search MeSH filter, signed in",
            "paths": ["/search/?" + urlencode({"q": "imaging", "mesh": "Humans"})],
            "headers": member,
        },
        {
            "key": "badge",
            "name": "member badge PNG",
            "paths": [f"/badges/members/{p['member']}.png"],
        },
    ]


LUA = """
local paths = {%(paths)s}
local headers = {%(headers)s}
local new_visitors = %(new_visitors)s
local thread_count = 0
local threads = {}

function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
  table.insert(threads, thread)
end

function init(args)
  n = 0
  s2 = 0
  s3 = 0
  s4 = 0
  s5 = 0
  offset = tonumber(args[1] or "0")
end

function request()
  n = n + 1
  local h = {}
  for k, v in pairs(headers) do h[k] = v end
  if new_visitors then
    local b, c = math.floor(n / 250) %% 250, n %% 250 + 1
    h["X-Forwarded-For"] = string.format("10.%%d.%%d.%%d", offset + tid, b, c)
  end
  return wrk.format("GET", paths[(n %% #paths) + 1], h)
end

function response(status, hdrs, body)
  if status >= 500 then s5 = s5 + 1
  elseif status >= 400 then s4 = s4 + 1
  elseif status >= 300 then s3 = s3 + 1
  else s2 = s2 + 1 end
end

function done(summary, latency, requests)
  local t2, t3, t4, t5 = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    t2 = t2 + t:get("s2"); t3 = t3 + t:get("s3"); t4 = t4 + t:get("s4"); t5 = t5 + t:get("s5")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %%d, "duration_us": %%d, "s2": %%d, "s3": %%d, "s4": %%d, "s5": %%d, ' ..
    '"socket_errors": %%d, "p50": %%d, "p95": %%d, "p99": %%d, "max": %%d}\\n',
    summary.requests, summary.duration, t2, t3, t4, t5,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def _lua(scenario) -> str:
    quote = json.dumps  # a JSON string is a valid Lua string literal for these values
    return LUA % {
        "paths": ", ".join(quote(p) for p in scenario["paths"]),
        "headers": ", ".join(
            f"[{quote(k)}] = {quote(v)}"
            for k, v in {"User-Agent": UA, **scenario.get("headers", {})}.items()
        ),
        "new_visitors": "true" if scenario.get("new_visitors") else "false",
    }


def run_wrk(port: int, scenario, *, seconds: int, connections: int, offset: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(scenario))
    try:
        result = subprocess.run(  # noqa: S603
            [
                shutil.which("wrk") or "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
                "--",
                str(offset),
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
            check=False,
        )
    finally:
        os.unlink(script.name)
    found = re.search(r"^BENCH (.*)$", result.stdout, re.MULTILINE)
    if not found:
        raise SystemExit(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    data = json.loads(found.group(1))
    seconds_run = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "rps": data["requests"] / seconds_run,
        "p50_ms": data["p50"] / 1000,
        "p95_ms": data["p95"] / 1000,
        "p99_ms": data["p99"] / 1000,
        "max_ms": data["max"] / 1000,
        "status_2xx": data["s2"],
        "status_3xx": data["s3"],
        "status_4xx": data["s4"],
        "status_5xx": data["s5"],
        "socket_errors": data["socket_errors"],
        "errors": data["s4"] + data["s5"] + data["socket_errors"],
    }


# --- the mixed run ------------------------------------------------------------------------


class Member(threading.Thread):
    """One signed-in member: 90 % reads, 10 % writes (comments, likes, saves, reports)."""

    def __init__(self, port, session, posts, deadline, seed):
        super().__init__(daemon=True)
        from django.conf import settings

        self.port, self.posts, self.deadline = port, posts, deadline
        self.rng = random.Random(seed)
        self.user_id = session[1]
        self.token = secrets.token_hex(16)  # our own CSRF secret: 32 characters
        self.cookie = (
            f"{settings.SESSION_COOKIE_NAME}={session[0]}; {settings.CSRF_COOKIE_NAME}={self.token}"
        )
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.socket_errors = 0
        self.comments: list[str] = []
        self.likes: dict[int, bool] = {}
        self.saves: dict[int, bool] = {}
        self.reports: list[str] = []
        self.refused = 0

    def _send(self, method, path, body=None):
        headers = {"User-Agent": UA, "Cookie": self.cookie}
        if body is not None:
            body = urlencode({"csrfmiddlewaretoken": self.token, **body})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}/"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            response.read()
        except OSError:
            self.socket_errors += 1
            self.connection.close()
            self.connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
            return 0
        self.latencies.append(time.perf_counter() - started)
        self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        if response.status == 429:
            self.refused += 1
        return response.status

    def run(self):
        self.connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
        while time.monotonic() < self.deadline:
            post = self.rng.choice(self.posts)
            roll = self.rng.random()
            if roll < 0.6:
                self._send("GET", post.get_absolute_url())
            elif roll < 0.75:
                self._send("GET", "/")
            elif roll < 0.9:
                self._send("GET", "/search/?" + urlencode({"q": self.rng.choice(["spine", "ct"])}))
            elif roll < 0.925:
                text = f"Bench comment {uuid.uuid4().hex}."
                if self._send("POST", f"/posts/{post.pk}/comment/", {"body": text}) == 302:
                    self.comments.append(text)
            elif roll < 0.95:
                state = self.rng.choice(["on", "off"])
                if self._send("POST", f"/posts/{post.pk}/like/", {"state": state}) == 302:
                    self.likes[post.pk] = state == "on"
            elif roll < 0.975:
                state = self.rng.choice(["on", "off"])
                if self._send("POST", f"/posts/{post.pk}/save/", {"state": state}) == 302:
                    self.saves[post.pk] = state == "on"
            else:
                text = f"Bench report {uuid.uuid4().hex}"
                form = {"reason": "broken", "description": text, "page": f"/?r={text[-8:]}"}
                if self._send("POST", "/report/", form) == 302:
                    self.reports.append(text)
        self.connection.close()


def run_mixed(port: int, p, seconds: int) -> tuple[dict, list[Member]]:
    posts = p["posts"][100:1100]
    deadline = time.monotonic() + seconds
    members = [
        Member(port, session, posts, deadline, seed=n)
        for n, session in enumerate(p["sessions"][:MIXED_MEMBERS])
    ]
    started = time.perf_counter()
    for member in members:
        member.start()
    for member in members:
        member.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - started
    latencies = sorted(x for m in members for x in m.latencies)
    statuses: dict[int, int] = {}
    for m in members:
        for status, count in m.statuses.items():
            statuses[status] = statuses.get(status, 0) + count

    def pct(q):
        return latencies[min(len(latencies) - 1, int(q / 100 * len(latencies)))] * 1000

    s5 = sum(c for s, c in statuses.items() if s >= 500)
    s4 = sum(c for s, c in statuses.items() if 400 <= s < 500 and s != 429)
    sockets = sum(m.socket_errors for m in members)
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "max_ms": latencies[-1] * 1000,
        "status_5xx": s5,
        "status_4xx": s4,
        "refused_429": sum(m.refused for m in members),
        "socket_errors": sockets,
        "errors": s5 + s4 + sockets,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }, members


# --- checks -------------------------------------------------------------------------------


def views_of(posts) -> tuple[int, int]:
    from django.db.models import Sum

    from posts.models import Post, PostDailyViews
    from posts.services.view_buffer import pending_views

    ids = [p.pk for p in posts]
    stored = Post.objects.filter(pk__in=ids).aggregate(n=Sum("view_count"))["n"] or 0
    daily = PostDailyViews.objects.filter(post_id__in=ids).aggregate(n=Sum("views"))["n"] or 0
    return stored + sum(pending_views(ids).values()), daily


def flush_views() -> None:
    from posts.services.view_buffer import view_buffer_flush

    view_buffer_flush()


def check_writes(members: list[Member]) -> dict:
    from posts.models import Comment, PostLike, Report, SavedPost

    comments = [c for m in members for c in m.comments]
    found = set(Comment.objects.filter(body__in=comments).values_list("body", flat=True))
    reports = [r for m in members for r in m.reports]
    found_reports = set(
        Report.objects.filter(description__in=reports).values_list("description", flat=True)
    )
    wrong_likes = wrong_saves = 0
    for m in members:
        for post_id, on in m.likes.items():
            held = PostLike.objects.filter(user_id=m.user_id, post_id=post_id).exists()
            wrong_likes += held != on
        for post_id, on in m.saves.items():
            held = SavedPost.objects.filter(user_id=m.user_id, post_id=post_id).exists()
            wrong_saves += held != on
    return {
        "comments_acknowledged": len(comments),
        "comments_missing": len(set(comments) - found),
        "reports_acknowledged": len(reports),
        "reports_missing": len(set(reports) - found_reports),
        "likes_acknowledged": sum(len(m.likes) for m in members),
        "likes_wrong": wrong_likes,
        "saves_acknowledged": sum(len(m.saves) for m in members),
        "saves_wrong": wrong_saves,
        "refused_by_rate_limits": sum(m.refused for m in members),
    }


def query_counts(p, scenario_list) -> dict[str, dict[str, int]]:
    """Queries of one request per page as the bench makes it, and of a full render."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counts = {}
    for scenario in scenario_list:
        path = scenario["paths"][0]
        headers = {"HTTP_USER_AGENT": UA, "HTTP_HOST": "127.0.0.1"}
        if "Cookie" in scenario.get("headers", {}):
            headers["HTTP_COOKIE"] = scenario["headers"]["Cookie"]
        if scenario.get("new_visitors"):
            headers["REMOTE_ADDR"] = "192.0.2.77"
            path = p["read"].get_absolute_url()  # not one of the counted posts
        client = Client()
        client.get(path, **headers)  # warm: the view is counted, the page cached
        with CaptureQueriesContext(connection) as served:
            client.get(path, **headers)
        with override_settings(PAGE_CACHE_SECONDS=0), CaptureQueriesContext(connection) as full:
            client.get(path, **headers)
        counts[scenario["key"]] = {"served": len(served), "rendered": len(full)}
    return counts


# --- report -------------------------------------------------------------------------------


def table(rows, floor_rps, counts) -> str:
    lines = [
        f"{'scenario':<42} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'errors':>6} {'5xx':>4} {'queries':>9}",
    ]
    for row in rows:
        q = counts.get(row["key"])
        queries = f"{q['served']}/{q['rendered']}" if q else "-"
        lines.append(
            f"{row['name']:<42} {row['rps']:8.0f} {row['rps'] / floor_rps:6.2f} "
            f"{row['p50_ms']:7.1f} {row['p95_ms']:7.1f} {row['p99_ms']:7.1f} "
            f"{row['errors']:6d} {row['status_5xx']:4d} {queries:>9}"
        )
    return "\n".join(lines)


def chart(rows, floor_rps, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [row["name"] for row in rows]
    ratios = [row["rps"] / floor_rps for row in rows]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.5))
    bars = ax.barh(names[::-1], ratios[::-1], color="#2b6cb0")
    for bar, row in zip(bars, rows[::-1], strict=True):
        ax.text(
            bar.get_width() + 0.01,
            bar.get_y() + bar.get_height() / 2,
            f"{row['rps'] / floor_rps:.2f}  ({row['rps']:.0f}/s, p95 {row['p95_ms']:.0f} ms)",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, max(1.05, max(ratios) + 0.45))
    ax.set_xlabel("requests/s as a ratio to the floor (/healthz) in the same run")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        print(WRK_HELP, file=sys.stderr)
        return 2
    setup_django(args.rebuild)
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection

    backend = connection.vendor + ("+redis" if settings.REDIS_URL else "")
    caches["views"].clear()  # every simulated visitor is new to this run
    caches["pages"].clear()
    caches["default"].clear()  # rate limits of an earlier run
    p = plan()
    scenario_list = scenarios(p)
    if args.only:
        keep = {"floor", *args.only.split(",")}
        scenario_list = [s for s in scenario_list if s["key"] in keep]
    counts = query_counts(p, scenario_list)
    connection.close()

    port = free_port()
    print(f"Serving on 127.0.0.1:{port} ({backend}, 2 workers); {args.duration} s per scenario")
    server = Server(port)
    rows = []
    checks = {}
    try:
        for n, scenario in enumerate(scenario_list):
            load = {"connections": args.connections}
            if args.warmup:
                run_wrk(port, scenario, seconds=args.warmup, offset=100 + 2 * n, **load)
            if scenario.get("new_visitors"):
                server.settle()
                flush_views()
                views_before, daily_before = views_of(p["counted"])
                log_start = server.log_offset()
            result = run_wrk(port, scenario, seconds=args.duration, offset=0, **load)
            if scenario.get("new_visitors"):
                server.settle()  # requests still in flight when wrk stopped
                flush_views()
                views_after, daily_after = views_of(p["counted"])
                paths = set(scenario["paths"])
                answered = sum(
                    1
                    for line in server.log_lines(log_start, server.log_offset())
                    if line.get("path") in paths and line.get("status") == 200
                )
                checks["views"] = {
                    "distinct_visitors_answered": answered,
                    "view_count_added": views_after - views_before,
                    "daily_views_added": daily_after - daily_before,
                    "exact": answered == views_after - views_before == daily_after - daily_before,
                }
            rows.append({**scenario_row(scenario), **result})
            print(f"  {scenario['name']}: {result['rps']:.0f} req/s", flush=True)
        if not args.no_mixed:
            mixed, members = run_mixed(port, p, args.duration)
            rows.append({"key": "mixed", "name": f"mixed 90/10, {MIXED_MEMBERS} members", **mixed})
            print(f"  mixed: {mixed['rps']:.0f} req/s", flush=True)
            server.settle()
            flush_views()
            checks["writes"] = check_writes(members)
    finally:
        server.close()
    log_text = server.log_path.read_text(errors="replace")
    checks["database_is_locked"] = log_text.count("database is locked")
    checks["server_errors_logged"] = sum(
        1 for line in log_text.splitlines() if '"status": 5' in line or "Traceback" in line
    )
    floor_rps = rows[0]["rps"]
    load = os.getloadavg()
    print()
    print(table(rows, floor_rps, counts))
    print("\nqueries: served as measured / full render (page cache off)")
    print(f"load average after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("checks:", json.dumps(checks, indent=2))

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d")
    name = f"{stamp}-{backend.replace('+', '-')}{'-' + args.label if args.label else ''}"
    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "backend": backend,
        "workers": 2,
        "connections": args.connections,
        "duration_s": args.duration,
        "load_average_after": load,
        "cpus": os.cpu_count(),
        "floor_rps": floor_rps,
        "scenarios": [
            {**row, "ratio": row["rps"] / floor_rps, "queries": counts.get(row["key"])}
            for row in rows
        ],
        "checks": checks,
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    chart(rows, floor_rps, RESULTS / f"{name}.png", f"radRounds, {backend}, 2 workers, {stamp}")
    print(f"\nwrote bench/results/{name}.json and .png")
    failed = (
        not checks.get("views", {}).get("exact", True)
        or checks["database_is_locked"]
        or any(v for k, v in checks.get("writes", {}).items() if k.endswith(("missing", "wrong")))
        or any(row["status_5xx"] for row in rows)
    )
    return 1 if failed else 0


def scenario_row(scenario) -> dict:
    return {"key": scenario["key"], "name": scenario["name"]}


if __name__ == "__main__":
    sys.exit(main())
