"""How long `balik import-people` takes, and how much memory, for N generated people.

    python -m bench.import_people --people 10000 [--json]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/balik_bench python -m bench.import_people \
        --people 10000 --create-database

Without DATABASE_URL it creates, migrates and finally deletes a temporary SQLite file. With
`--create-database` it creates the PostgreSQL database named in DATABASE_URL (refusing one that
exists) and drops it at the end.

Runs, in order: a dry run on the empty directory (what the upload page does), the import
(everyone created), the same file again (everyone unchanged), and a reorganised file (the same
people with other managers, levels, titles, dates and skills: nearly everyone updated).
Seconds are measured without tracing; the Python peak (tracemalloc) comes from a second, traced
pass of the same work, rolled back; max RSS is the process's high-water mark after each timed
run. Queries counts statements through Django's cursor (PostgreSQL's COPY is not among them).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from bench.environment import bench_database, counting_queries, max_rss_mb
from bench.synthetic_people import generate_people_csv


@dataclass
class Run:
    run: str
    seconds: float
    queries: int
    created: int
    updated: int
    unchanged: int
    errors: int
    python_peak_mb: float | None
    max_rss_mb: float


def measure(name: str, work: Callable[[], Any], traced_work: Callable[[], Any] | None) -> Run:
    with counting_queries() as counter:
        started = time.perf_counter()
        report = work()
        seconds = time.perf_counter() - started
    rss = max_rss_mb()
    peak = None
    if traced_work is not None:
        tracemalloc.start()
        traced_work()
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
    return Run(
        run=name,
        seconds=round(seconds, 2),
        queries=counter["queries"],
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        errors=len(report.errors),
        python_peak_mb=round(peak, 1) if peak is not None else None,
        max_rss_mb=round(rss, 1),
    )


def bench(people: int, *, trace: bool) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection, transaction

    from balik.people.importing import run_import

    call_command("migrate", verbosity=0, interactive=False)
    content = generate_people_csv(people).encode("utf-8")
    reorganised = generate_people_csv(people, revision=1).encode("utf-8")

    def dry_run():
        return run_import(content=content, actor=None, dry_run=True, file_name="bench.csv")

    def apply():
        return run_import(content=content, actor=None, dry_run=False, file_name="bench.csv")

    def apply_reorganised():
        return run_import(content=reorganised, actor=None, dry_run=False, file_name="bench.csv")

    def create_others_then_roll_back():
        # The same file under another domain: 10,000 new people again, then undone.
        others = content.replace(b"@contoh.co.id", b"@traced.contoh.co.id")
        with transaction.atomic():
            run_import(content=others, actor=None, dry_run=False, file_name="bench.csv")
            transaction.set_rollback(True)

    def apply_then_roll_back():
        with transaction.atomic():
            apply()
            transaction.set_rollback(True)

    runs = [measure("dry run (preview)", dry_run, dry_run if trace else None)]
    runs.append(measure("create", apply, None))
    runs.append(measure("re-import (unchanged)", apply, apply_then_roll_back if trace else None))
    runs.append(measure("re-import (reorganised)", apply_reorganised, None))
    if trace:  # traced after the timed runs, so tracing overhead never shows in max RSS above
        tracemalloc.start()
        create_others_then_roll_back()
        runs[1].python_peak_mb = round(tracemalloc.get_traced_memory()[1] / 1024 / 1024, 1)
        tracemalloc.stop()
    return {
        "people": people,
        "database": connection.vendor,
        "csv_bytes": len(content),
        "runs": [asdict(run) for run in runs],
    }


def print_table(result: dict[str, Any]) -> None:
    print(
        f"Balik people import: {result['people']:,} people, {result['database']}, "
        f"CSV {result['csv_bytes'] / 1024 / 1024:.1f} MB"
    )
    columns = "run                       seconds  queries  created  updated  unchanged  py peak MB"
    print(columns + "  max RSS MB")
    for run in result["runs"]:
        peak = "-" if run["python_peak_mb"] is None else f"{run['python_peak_mb']:.1f}"
        print(
            f"{run['run']:<24} {run['seconds']:>8.2f} {run['queries']:>8} {run['created']:>8} "
            f"{run['updated']:>8} {run['unchanged']:>10} {peak:>11} {run['max_rss_mb']:>11.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--create-database",
        action="store_true",
        help="create the PostgreSQL database in DATABASE_URL first and drop it at the end",
    )
    parser.add_argument("--no-trace", action="store_true", help="skip the tracemalloc passes")
    args = parser.parse_args(argv)

    with bench_database(create_postgres=args.create_database):
        result = bench(args.people, trace=not args.no_trace)
    if args.json:
        print(json.dumps(result))
    else:
        print_table(result)
    return 1 if any(run["errors"] for run in result["runs"]) else 0


if __name__ == "__main__":
    sys.exit(main())
