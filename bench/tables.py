#!/usr/bin/env python
"""Side-by-side Markdown table of `make bench` results, for bench/README.md.

.venv/bin/python bench/tables.py bench/results/A.json bench/results/B.json
"""

import json
import sys


def main(paths: list[str]) -> None:
    runs = [json.loads(open(path).read()) for path in paths]  # noqa: SIM115
    head = "| scenario | " + " | ".join(
        f"{r['backend']}: req/s | ratio | p95 ms | errors" for r in runs
    )
    print(head + " | queries |")
    print("| --- |" + " ---: | ---: | ---: | ---: |" * len(runs) + " ---: |")
    keys = [s["key"] for s in runs[0]["scenarios"]]
    for key in keys:
        cells = []
        name = queries = ""
        for run in runs:
            row = next((s for s in run["scenarios"] if s["key"] == key), None)
            if row is None:
                cells.append("– | – | – | –")
                continue
            name = row["name"]
            q = row.get("queries")
            queries = queries or (f"{q['served']} / {q['rendered']}" if q else "–")
            cells.append(
                f"{row['rps']:,.0f} | {row['ratio']:.2f} | {row['p95_ms']:.0f} | {row['errors']}"
            )
        print(f"| {name} | " + " | ".join(cells) + f" | {queries} |")
    for run in runs:
        load = ", ".join(f"{x:.1f}" for x in run["load_average_after"])
        print(
            f"\n{run['backend']}: {run['date']}, {run['duration_s']} s per scenario, "
            f"floor {run['floor_rps']:,.0f} req/s, load average after {load}; "
            f"checks: {json.dumps(run['checks'])}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
