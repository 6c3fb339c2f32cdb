"""The mixed run: signed-in members reading and writing at once, each in a thread."""

from __future__ import annotations

import random
import secrets
import statistics
import threading
import time
import uuid
from http.client import HTTPConnection
from urllib.parse import urlencode

from bench.load import MIXED_MEMBERS, UA


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
