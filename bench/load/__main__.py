"""`python -m bench.load` (`make bench`): see bench/load/__init__.py and bench/README.md."""

from __future__ import annotations

import argparse
import shutil
import sys

import bench.load
from bench.load import MIXED_MEMBERS
from bench.load.checks import (
    check_writes,
    failed,
    flush_views,
    log_checks,
    views_before,
    views_check,
)
from bench.load.data import setup_django
from bench.load.mixed import run_mixed
from bench.load.queries import query_counts
from bench.load.report import report
from bench.load.scenarios import plan, scenarios
from bench.load.server import Server, free_port
from bench.load.wrk import WRK_HELP, run_wrk


def parse_args():
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=bench.load.__doc__.split("\n\n")[0]
    )
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
                before = views_before(server, p["counted"])
            result = run_wrk(port, scenario, seconds=args.duration, offset=0, **load)
            if scenario.get("new_visitors"):
                paths = set(scenario["paths"])
                checks["views"] = views_check(server, p["counted"], paths, before)
            rows.append({"key": scenario["key"], "name": scenario["name"], **result})
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
    checks.update(log_checks(server))
    report(
        rows,
        counts,
        checks,
        backend=backend,
        connections=args.connections,
        duration=args.duration,
        label=args.label,
    )
    return 1 if failed(checks, rows) else 0


if __name__ == "__main__":
    sys.exit(main())
