"""Mutation testing of the modules that carry radRounds' promises.

``make mutate`` (every target) and ``make mutate-ci`` (the sanitiser and the view
counter) run this; ``python -m tests.mutation.run --help`` lists its options. What is
mutated and which tests judge it is in ``targets.py``; how the mutants are made (mutmut's
own) in ``mutants.py``; how each one runs (in a forked child, against only its target's
tests, nothing written to the source tree) in ``execute.py``.

Reading the report: one line per target (killed / mutants, kill rate), then every
surviving mutant as ``file:line  function`` with its diff, and the key under which it
would be listed in ``equivalents.toml`` if it truly cannot change behaviour.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import importlib
import os
import sys
import tempfile
import time
from pathlib import Path

from tests.mutation.execute import make_template_database, module_name, run_target
from tests.mutation.mutants import ROOT, make_mutants
from tests.mutation.report import report

THRESHOLD = 90.0
# One mutant per core, at most two: each is a pytest run of its own on its own database
# copy; on a two-core machine two at once roughly halve the run (about 12 minutes).
DEFAULT_JOBS = max(1, min(2, os.cpu_count() or 1))


def main(argv=None) -> int:
    from tests.mutation import targets as target_module

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="targets to run (default: all)")
    parser.add_argument("--ci", action="store_true", help="only the CI subset")
    parser.add_argument(
        "--jobs",
        type=int,
        default=DEFAULT_JOBS,
        help=f"mutants run at once (default {DEFAULT_JOBS}: one per core, at most two)",
    )
    parser.add_argument("--list", action="store_true", help="list targets and mutant counts")
    parser.add_argument("--match", default="", help="only mutants whose key contains this")
    parser.add_argument("--logs", help="keep each run's pytest output in this directory")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per mutant")
    args = parser.parse_args(argv)

    chosen = target_module.TARGETS
    if args.ci:
        chosen = [
            dataclasses.replace(t, functions=t.ci_functions) if t.ci_functions else t
            for t in chosen
            if t.name in target_module.CI_TARGETS
        ]
    if args.names:
        unknown = set(args.names) - {t.name for t in chosen}
        if unknown:
            parser.error(f"unknown target(s): {', '.join(sorted(unknown))}")
        chosen = [t for t in chosen if t.name in args.names]

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "radrounds.settings")
    os.chdir(ROOT)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if args.list:
        for t in chosen:
            print(f"{t.name:<34} {len(make_mutants(t)):>4} mutants: {' '.join(t.pytest_args)}")
        return 0
    if os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL"):
        # Each mutant starts from a copy of one migrated SQLite file; the PostgreSQL +
        # Redis behaviour is the suite's (make test-scale).
        print("make mutate runs on SQLite and local caches: DATABASE_URL/REDIS_URL ignored.")
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("REDIS_URL", None)

    if args.logs:
        Path(args.logs).mkdir(parents=True, exist_ok=True)
        workdir = contextlib.nullcontext(tempfile.mkdtemp(prefix="rr-mutation-", dir=args.logs))
    else:
        workdir = tempfile.TemporaryDirectory(prefix="rr-mutation-")
    with workdir as tmp:
        # A test database of its own (a `make test` beside it keeps its own file).
        os.environ["SQLITE_TEST_PATH"] = str(Path(tmp) / "unused.sqlite3")
        os.environ["RADROUNDS_MUTATION_DATABASE"] = "1"
        import django

        django.setup()
        for t in chosen:  # import once in the parent; every child inherits them
            for relative in t.functions:
                importlib.import_module(module_name(relative))
        # Collecting once in the parent imports pytest's plugins and the test modules,
        # so each child starts in a fraction of a second.
        import pytest

        tests = sorted({test.split("::")[0] for t in chosen for test in t.tests})
        warm_log = Path(tmp) / "collect.log"
        with open(warm_log, "w") as out:
            saved = os.dup(1), os.dup(2)
            os.dup2(out.fileno(), 1)
            os.dup2(out.fileno(), 2)
            try:
                collected = pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", *tests])
            finally:
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
        if collected != 0:
            print(warm_log.read_text(errors="replace")[-4000:])
            raise SystemExit("collecting the targets' tests failed")
        started = time.monotonic()
        results = []
        template = make_template_database(Path(tmp))
        for t in chosen:
            print(f"{t.name}: ", end="", flush=True)
            result = run_target(t, args.jobs, Path(tmp), template, args.verbose, args.match)
            killed = result.count("killed", "timeout")
            judged = result.count("killed", "timeout", "survived")
            print(
                f"{killed}/{judged} killed ({result.rate:.1f}%) in {result.seconds:.0f}s",
                flush=True,
            )
            results.append(result)
        ok = report(results, THRESHOLD)
        elapsed = time.monotonic() - started
        print(f"\nTotal time {elapsed:.0f}s; threshold {THRESHOLD:.0f}% killed per target.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
