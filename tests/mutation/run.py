"""Mutation testing of the modules that carry radRounds' promises.

``make mutate`` (every target) and ``make mutate-ci`` (the sanitiser and the view
counter) run this. The mutants are mutmut's own: :func:`mutmut.mutation.file_mutation.
create_mutations` makes them from each target's functions (operators, strings,
numbers, keywords, call arguments ...). ``mutmut run`` itself copies the whole project
into ``mutants/`` and maps every test to the functions it reaches by running the whole
suite first; here each target names the tests that cover it instead (see
``targets.py``), so a target runs only those tests, and the whole run fits in minutes.

How one mutant runs: Django and the target modules are imported once; for each mutant
the runner forks, and the child swaps the mutated function's code into the live
function object (so every reference to it, a decorator's wrapped function included,
runs the mutant), then runs pytest on the target's tests with ``-x``. A failing test
(or a timeout) kills the mutant; a green run means it survived. Nothing is written to
the source tree.

Reading the report: one line per target (killed / mutants, kill rate), then every
surviving mutant as ``file:line  function`` with its diff, and the key under which it
would be listed in ``equivalents.toml`` if it truly cannot change behaviour.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import dataclasses
import difflib
import fnmatch
import importlib
import inspect
import os
import shutil
import signal
import sys
import tempfile
import time
import tomllib
import types
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EQUIVALENTS_FILE = Path(__file__).with_name("equivalents.toml")
THRESHOLD = 90.0
# One mutant per core, at most two: each is a pytest run of its own on its own database
# copy; on a two-core machine two at once roughly halve the run (about 12 minutes).
DEFAULT_JOBS = max(1, min(2, os.cpu_count() or 1))


@dataclass
class Mutant:
    target: str
    path: str  # relative to ROOT
    function: str  # qualified: "name" or "Class.name"
    line: int
    diff: str
    key: str
    mutated_code: str
    equivalent_why: str = ""
    status: str = ""  # killed, timeout, survived, not-applied, equivalent


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


# --- Making the mutants (mutmut's generator) ---------------------------------------


def _mutmut_mutations(path: Path):
    """mutmut's mutations of ``path``, decorated functions included.

    mutmut leaves decorated functions out because its trampolines would copy them
    (and run the decorator twice); swapping code objects has no such problem, and the
    permission checks are mostly decorated views, so they are mutated here too. The
    decorators themselves are still never mutated.
    """
    import libcst as cst
    from mutmut.mutation import file_mutation

    original_skip = file_mutation.MutationVisitor._skip_node_and_children

    def skip(self, node):
        if isinstance(node, cst.FunctionDef) and node.decorators:
            if node.name.value in file_mutation.NEVER_MUTATE_FUNCTION_NAMES:
                return True
            node = node.with_changes(decorators=())
        return original_skip(self, node)

    file_mutation.MutationVisitor._skip_node_and_children = skip
    try:
        cwd = os.getcwd()
        os.chdir(ROOT)  # mutmut reads its configuration from pyproject.toml there
        try:
            module, mutations, _, _ = file_mutation.create_mutations(
                str(path), path.read_text(encoding="utf-8")
            )
        finally:
            os.chdir(cwd)
    finally:
        file_mutation.MutationVisitor._skip_node_and_children = original_skip
    return module, mutations


def _qualnames(module) -> dict:
    """Each top-level function and method: (qualified name, the top-level statement)."""
    import libcst as cst

    names = {}
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            names[statement] = (statement.name.value, statement)
        elif isinstance(statement, cst.ClassDef) and isinstance(statement.body, cst.IndentedBlock):
            for member in statement.body.body:
                if isinstance(member, cst.FunctionDef):
                    names[member] = (f"{statement.name.value}.{member.name.value}", statement)
    return names


def _diff(path: str, before: str, after: str) -> tuple[int, str, list[str], list[str]]:
    before_lines = before.splitlines()
    after_lines = after.splitlines()
    matcher = difflib.SequenceMatcher(a=before_lines, b=after_lines, autojunk=False)
    removed, added, first_line = [], [], 0
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        first_line = first_line or a0 + 1
        removed += before_lines[a0:a1]
        added += after_lines[b0:b1]
    text = "\n".join(
        line
        for line in difflib.unified_diff(
            before_lines, after_lines, f"a/{path}", f"b/{path}", n=0, lineterm=""
        )
    )
    return first_line, text, removed, added


def mutant_key(path: str, function: str, removed: list[str], added: list[str]) -> str:
    """A description of the mutant that does not shift when other code moves."""
    before = " | ".join(line.strip() for line in removed)
    after = " | ".join(line.strip() for line in added)
    return f"{path}::{function}: {before} => {after}"


def _selected(function: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(function, pattern) for pattern in patterns)


def make_mutants(target) -> list[Mutant]:
    from mutmut.mutation.file_mutation import deep_replace

    mutants = []
    for relative, patterns in target.functions.items():
        path = ROOT / relative
        source = path.read_text(encoding="utf-8")
        module, mutations = _mutmut_mutations(path)
        names = _qualnames(module)
        spans = {}
        for mutation in mutations:
            function, top = names.get(mutation.contained_by_top_level_function, (None, None))
            if function is None or not _selected(function, patterns):
                continue
            # Only the top-level statement holding the function is rewritten (the whole
            # module for each of thousands of mutants would take a minute).
            if top not in spans:
                code = module.code_for_node(top)
                start = source.find(code)
                assert start >= 0 and source.count(code) == 1, f"{relative}: {function}"
                spans[top] = (start, start + len(code))
            start, end = spans[top]
            changed = deep_replace(top, mutation.original_node, mutation.mutated_node)
            mutated = source[:start] + module.code_for_node(changed) + source[end:]
            if mutated == source:
                continue
            line, text, removed, added = _diff(relative, source, mutated)
            mutants.append(
                Mutant(
                    target=target.name,
                    path=relative,
                    function=function,
                    line=line,
                    diff=text,
                    key=mutant_key(relative, function, removed, added),
                    mutated_code=mutated,
                )
            )
        for manual in target.manual_mutants:
            if manual.path != relative:
                continue
            if source.count(manual.find) != 1:
                raise SystemExit(
                    f"{target.name}: the hand-written mutant {manual.name!r} no longer matches "
                    f"{relative} exactly once; update tests/mutation/targets.py"
                )
            mutated = source.replace(manual.find, manual.replace)
            line, text, removed, added = _diff(relative, source, mutated)
            mutants.append(
                Mutant(
                    target=target.name,
                    path=relative,
                    function=manual.function,
                    line=line,
                    diff=text,
                    key=f"{relative}::{manual.function}: hand-written: {manual.name}",
                    mutated_code=mutated,
                )
            )
    return mutants


# --- Equivalent mutants ------------------------------------------------------------------


def load_equivalents() -> dict[str, str]:
    if not EQUIVALENTS_FILE.exists():
        return {}
    data = tomllib.loads(EQUIVALENTS_FILE.read_text(encoding="utf-8"))
    equivalents = {}
    for entry in data.get("equivalent", []):
        if not entry.get("why", "").strip():
            raise SystemExit(f"equivalents.toml: {entry.get('key')!r} says no 'why'")
        equivalents[entry["key"]] = entry["why"]
    return equivalents


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


def report(results: list[TargetResult], threshold: float) -> bool:
    ok = True
    print()
    print(f"{'target':<34} {'killed':>7} {'of':>4} {'equiv':>6} {'rate':>7}  time")
    for r in results:
        judged = r.count("killed", "timeout", "survived")
        flag = "" if r.rate >= threshold else f"  << under {threshold:.0f}%"
        if r.rate < threshold or r.count("not-applied"):
            ok = False
        print(
            f"{r.name:<34} {r.count('killed', 'timeout'):>7} {judged:>4} "
            f"{r.count('equivalent'):>6} {r.rate:>6.1f}%  {r.seconds:4.0f}s{flag}"
        )
    for r in results:
        survivors = [m for m in r.mutants if m.status in ("survived", "not-applied")]
        if not survivors:
            continue
        print()
        print(f"--- {r.name}: {len(survivors)} surviving mutant(s)")
        for m in survivors:
            label = "NOT APPLIED" if m.status == "not-applied" else "survived"
            print(f"{m.path}:{m.line}  {m.function}  ({label})")
            print(f"  key: {m.key}")
            for line in m.diff.splitlines()[2:]:
                print(f"    {line}")
    return ok


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
