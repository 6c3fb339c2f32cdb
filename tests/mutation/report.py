"""The report printed after a run: a table of targets, then every surviving mutant.

How to read it is in ``run.py``'s docstring (and the README's "Mutation testing").
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.mutation.execute import TargetResult


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
