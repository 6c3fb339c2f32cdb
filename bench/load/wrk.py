"""One scenario under wrk: a Lua script that counts statuses and prints the figures."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile

from bench.load import UA

WRK_HELP = "wrk is not installed: apt-get install wrk (Debian/Ubuntu) or brew install wrk"


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
