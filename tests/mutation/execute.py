"""Applying one mutant in a forked child, and running a target's mutants.

How one mutant runs: Django and the target modules are imported once; for each mutant
the runner forks, and the child swaps the mutated function's code into the live
function object (so every reference to it, a decorator's wrapped function included,
runs the mutant), then runs pytest on the target's tests with ``-x``. A failing test
(or a timeout) kills the mutant; a green run means it survived. Nothing is written to
the source tree.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import shutil
import signal
import sys
import time
import types
from dataclasses import dataclass, field
from pathlib import Path

from tests.mutation.mutants import ROOT, Mutant, load_equivalents, make_mutants


@dataclass
class TargetResult:
    name: str
    mutants: list[Mutant] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, *statuses: str) -> int:
        return sum(1 for m in self.mutants if m.status in statuses)

    @property
    def rate(self) -> float:
        judged = self.count("killed", "timeout", "survived")
        if not judged:
            return 100.0
        return 100.0 * self.count("killed", "timeout") / judged


# --- Applying one mutant in a forked child -----------------------------------------------


def _live_function(module: types.ModuleType, qualname: str) -> types.FunctionType:
    owner, _, name = qualname.rpartition(".")
    raw = vars(getattr(module, owner))[name] if owner else vars(module)[name]
    if isinstance(raw, staticmethod | classmethod):
        raw = raw.__func__
    elif isinstance(raw, property):
        raw = raw.fget
    elif not callable(raw) and hasattr(raw, "func"):  # functools/Django cached_property
        raw = raw.func
    function = inspect.unwrap(raw)
    if not isinstance(function, types.FunctionType) or function.__code__.co_name != name:
        raise TypeError(f"cannot find the function object of {qualname}")
    return function


def _compiled_function(mutated_code: str, filename: str, qualname: str, namespace: dict):
    tree = ast.parse(mutated_code, filename)
    owner, _, name = qualname.rpartition(".")
    scope = tree.body
    if owner:
        (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == owner]
        scope = cls.body
    (node,) = [
        n for n in scope if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == name
    ]
    node.decorator_list = []
    body: ast.stmt = node
    if owner:  # inside a class, so that super() gets its __class__ cell as before
        body = ast.ClassDef(
            name=owner, bases=[], keywords=[], body=[node], decorator_list=[], type_params=[]
        )
    code = compile(
        ast.fix_missing_locations(ast.Module(body=[body], type_ignores=[])), filename, "exec"
    )
    exec(code, namespace)  # noqa: S102 - our own source with one mutation
    return vars(namespace[owner])[name] if owner else namespace[name]


def module_name(path: str) -> str:
    """``posts/search/__init__.py`` is the module ``posts.search`` (not a second copy)."""
    return path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


def apply_mutant(mutant: Mutant) -> None:
    module = importlib.import_module(module_name(mutant.path))
    live = _live_function(module, mutant.function)
    compiled = _compiled_function(
        mutant.mutated_code, str(ROOT / mutant.path), mutant.function, dict(vars(module))
    )
    live.__code__ = compiled.__code__
    live.__defaults__ = compiled.__defaults__
    live.__kwdefaults__ = compiled.__kwdefaults__


NOT_APPLIED = 97


def _child(mutant: Mutant | None, pytest_args: list[str], log: Path, database: Path):
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    try:
        from django.conf import settings

        # The copy is used as it is (tests/conftest.py skips creating a test database).
        settings.DATABASES["default"]["NAME"] = str(database)
        settings.DATABASES["default"]["TEST"]["NAME"] = str(database)
        # Test accounts are made with a password; the production hasher costs a good
        # part of a second each, which mutation runs repeat thousands of times.
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        if mutant is not None:
            try:
                apply_mutant(mutant)
            except Exception as error:  # noqa: BLE001 - reported as not applied
                print(f"NOT APPLIED: {error!r}")
                os._exit(NOT_APPLIED)
        import pytest

        args = [*pytest_args, "-x", "-q", "-p", "no:cacheprovider", "-W", "ignore", "--reuse-db"]
        code = pytest.main(args)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(code))
    except BaseException:  # noqa: BLE001 - a child must never return into the parent's loop
        import traceback

        traceback.print_exc()
        os._exit(98)


@dataclass
class Running:
    pid: int
    started: float
    timeout: float
    mutant: Mutant | None
    slot: int
    log: Path


def _fresh_database(template: Path, slot: int) -> Path:
    """A copy of the freshly migrated test database for one child.

    Every child starts from the same data: a test that flushes the database (the
    transactional ones) would otherwise delete what migrations wrote (groups, site
    pages) for every child after it, and the next tests would fail for no mutant.
    """
    database = template.with_name(f"slot{slot}.sqlite3")
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, database)
    return database


def _start(mutant, target, log, slot, timeout, template: Path) -> Running:
    database = _fresh_database(template, slot)
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        _child(mutant, target.pytest_args, log, database)
    return Running(pid, time.monotonic(), timeout, mutant, slot, log)


def make_template_database(workdir: Path) -> Path:
    """Create and migrate the test database once, in a child, and keep it as a file."""
    template = workdir / "template.sqlite3"
    log = workdir / "template.log"
    pid = os.fork()
    if pid == 0:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        try:
            from django.conf import settings
            from django.db import connections
            from django.test.utils import setup_databases

            settings.DATABASES["default"]["TEST"]["NAME"] = str(template)
            setup_databases(verbosity=0, interactive=False, keepdb=False)
            for connection in connections.all():
                connection.close()
            os._exit(0)
        except BaseException:  # noqa: BLE001
            import traceback

            traceback.print_exc()
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or not template.exists():
        print(log.read_text(errors="replace")[-4000:])
        raise SystemExit("could not create the test database")
    return template


def _wait_any(running: list[Running]) -> tuple[Running, str]:
    while True:
        for job in running:
            pid, status = os.waitpid(job.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                if code == 0:
                    return job, "survived"
                if code == NOT_APPLIED:
                    return job, "not-applied"
                if code in (1,):
                    return job, "killed"
                return job, f"error:{code}"
            if time.monotonic() - job.started > job.timeout:
                os.kill(job.pid, signal.SIGKILL)
                os.waitpid(job.pid, 0)
                return job, "timeout"
        time.sleep(0.05)


def run_target(target, jobs, workdir, template, verbose, match="") -> TargetResult:
    result = TargetResult(target.name)
    started = time.monotonic()
    mutants = [m for m in make_mutants(target) if match in m.key]
    equivalents = load_equivalents()
    for mutant in mutants:
        if mutant.key in equivalents:
            mutant.status = "equivalent"
            mutant.equivalent_why = equivalents[mutant.key]
    result.mutants = mutants

    # The clean run: the tests must pass before any mutant can be judged.
    log = workdir / f"{target.name}-clean.log"
    job = _start(None, target, log, 0, 900, template)
    _, status = _wait_any([job])
    clean_seconds = time.monotonic() - job.started
    if status != "survived":
        sys.stdout.write(log.read_text(errors="replace")[-4000:])
        raise SystemExit(
            f"{target.name}: the tests fail without any mutant ({status}); fix them first"
        )
    timeout = max(20.0, clean_seconds * 4 + 10)

    queue = [m for m in mutants if not m.status]
    running: list[Running] = []
    free = list(range(jobs))
    while queue or running:
        while queue and free:
            slot = free.pop(0)
            mutant = queue.pop(0)
            log = workdir / f"{target.name}-{len(mutants) - len(queue)}.log"
            running.append(_start(mutant, target, log, slot, timeout, template))
        job, status = _wait_any(running)
        running.remove(job)
        free.append(job.slot)
        if status.startswith("error"):
            # Not a test failure: a crash (e.g. the mutant broke pytest's collection).
            # It did fail the run, so it counts as killed, but say so.
            status = "killed"
        job.mutant.status = status
        if status == "not-applied":
            sys.stdout.write(job.log.read_text(errors="replace")[-2000:])
        if verbose:
            print(f"  {status:<11} {job.mutant.path}:{job.mutant.line} {job.mutant.function}")
    result.seconds = time.monotonic() - started
    return result
