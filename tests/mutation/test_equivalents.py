"""The list of equivalent mutants stays honest: each entry names a mutant that exists
and says why it cannot change behaviour."""

import functools
import tomllib

from tests.mutation import mutants, targets


@functools.cache
def _mutants() -> dict:
    return {target.name: mutants.make_mutants(target) for target in targets.TARGETS}


def test_every_listed_equivalent_is_a_mutant_make_mutate_makes_today():
    entries = tomllib.loads(mutants.EQUIVALENTS_FILE.read_text(encoding="utf-8"))["equivalent"]
    keys = {m.key for made in _mutants().values() for m in made}

    stale = [entry["key"] for entry in entries if entry["key"] not in keys]

    assert stale == []


def test_every_equivalent_says_why_and_is_listed_once():
    entries = tomllib.loads(mutants.EQUIVALENTS_FILE.read_text(encoding="utf-8"))["equivalent"]

    assert all(len(entry["why"].split()) >= 5 for entry in entries)
    assert len({entry["key"] for entry in entries}) == len(entries)


def test_every_target_names_existing_functions_and_test_files():
    for target in targets.TARGETS:
        made = _mutants()[target.name]
        functions = {(m.path, m.function) for m in made}
        for path, patterns in target.functions.items():
            for pattern in patterns:
                assert any(p == path and mutants._selected(f, [pattern]) for p, f in functions), (
                    f"{target.name}: {path} {pattern} makes no mutant"
                )
        for test in target.tests:
            assert (mutants.ROOT / test.split("::")[0]).is_file(), test
