"""`make bench`: radRounds under load, every figure as a ratio to a constant Django route.

    .venv/bin/python -m bench.load                   # SQLite: bench/.data/bench.sqlite3
    .venv/bin/python -m bench.load --duration 30     # seconds per scenario (default 15)
    .venv/bin/python -m bench.load --rebuild         # build the data again
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python -m bench.load

Run from the project's folder. Builds the database once (data.py), starts `make serve`'s
configuration (gunicorn, 2 sync workers, production settings, the background worker) on a
free local port (server.py), and drives it with wrk (wrk.py: 16 connections, a fixed time,
the scenarios of scenarios.py) and, for the mixed run, with 32 signed-in members in
threads (mixed.py). Prints a table, writes bench/results/<date>-<db>.json and a PNG chart
(report.py), and checks that the view counters moved by exactly the number of distinct
visitors the server answered and that every write it acknowledged is in the database
(checks.py). Exits non-zero when a check fails. See bench/README.md.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "bench" / ".data"
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36 bench"
MIXED_MEMBERS = 32
