"""Making the mutants, and the list of equivalent ones.

The mutants are mutmut's own: :func:`mutmut.mutation.file_mutation.create_mutations`
makes them from each target's functions (operators, strings, numbers, keywords, call
arguments ...). ``mutmut run`` itself copies the whole project into ``mutants/`` and maps
every test to the functions it reaches by running the whole suite first; here each target
names the tests that cover it instead (see ``targets.py``), so a target runs only those
tests, and the whole run fits in minutes.

Each mutant carries a ``key`` that does not shift when other code moves; a mutant that
truly cannot change behaviour is listed under that key in ``equivalents.toml``, with why.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EQUIVALENTS_FILE = Path(__file__).with_name("equivalents.toml")


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
