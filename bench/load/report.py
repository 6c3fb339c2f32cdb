"""The results: a table on the terminal, bench/results/<date>-<db>.json and a chart."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from bench.load import RESULTS


def table(rows, floor_rps, counts) -> str:
    lines = [
        f"{'scenario':<42} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'p99 ms':>7} {'errors':>6} {'5xx':>4} {'queries':>9}",
    ]
    for row in rows:
        q = counts.get(row["key"])
        queries = f"{q['served']}/{q['rendered']}" if q else "-"
        lines.append(
            f"{row['name']:<42} {row['rps']:8.0f} {row['rps'] / floor_rps:6.2f} "
            f"{row['p50_ms']:7.1f} {row['p95_ms']:7.1f} {row['p99_ms']:7.1f} "
            f"{row['errors']:6d} {row['status_5xx']:4d} {queries:>9}"
        )
    return "\n".join(lines)


def chart(rows, floor_rps, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [row["name"] for row in rows]
    ratios = [row["rps"] / floor_rps for row in rows]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.5))
    bars = ax.barh(names[::-1], ratios[::-1], color="#2b6cb0")
    for bar, row in zip(bars, rows[::-1], strict=True):
        ax.text(
            bar.get_width() + 0.01,
            bar.get_y() + bar.get_height() / 2,
            f"{row['rps'] / floor_rps:.2f}  ({row['rps']:.0f}/s, p95 {row['p95_ms']:.0f} ms)",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, max(1.05, max(ratios) + 0.45))
    ax.set_xlabel("requests/s as a ratio to the floor (/healthz) in the same run")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def report(rows, counts, checks, *, backend: str, connections: int, duration: int, label: str):
    """Print the table and the checks; write the JSON and the chart to bench/results/."""
    floor_rps = rows[0]["rps"]
    load = os.getloadavg()
    print()
    print(table(rows, floor_rps, counts))
    print("\nqueries: served as measured / full render (page cache off)")
    print(f"load average after the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("checks:", json.dumps(checks, indent=2))

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d")
    name = f"{stamp}-{backend.replace('+', '-')}{'-' + label if label else ''}"
    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "backend": backend,
        "workers": 2,
        "connections": connections,
        "duration_s": duration,
        "load_average_after": load,
        "cpus": os.cpu_count(),
        "floor_rps": floor_rps,
        "scenarios": [
            {**row, "ratio": row["rps"] / floor_rps, "queries": counts.get(row["key"])}
            for row in rows
        ],
        "checks": checks,
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2) + "\n")
    chart(rows, floor_rps, RESULTS / f"{name}.png", f"radRounds, {backend}, 2 workers, {stamp}")
    print(f"\nwrote bench/results/{name}.json and .png")
