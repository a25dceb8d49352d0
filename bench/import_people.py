"""How long `balik import-people` takes, and how much memory, for N generated people.

    python -m bench.import_people --people 10000 [--json]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/balik_bench python -m bench.import_people \
        --people 10000 --create-database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/balik_bench python -m bench.import_people \
        --people 100000 --create-database --command

`--command` runs the real `balik import-people FILE --json` as a separate process for each run
and reports that process's own figures: wall-clock seconds from start to exit (Django's start
included) and its peak resident memory (`ru_maxrss` from `os.wait4`). It checks the targets for
100,000 people on PostgreSQL: create within 20 s, an unchanged re-import within 15 s, peak memory
within 1 GB; the exit code is 1 when one is missed.

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
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
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


# The targets of issue 10 for 100,000 people on PostgreSQL (seconds, megabytes).
TARGETS = {"create": 20.0, "re-import (unchanged)": 15.0}
PEAK_MEMORY_TARGET_MB = 1024.0


@dataclass
class CommandRun:
    run: str
    seconds: float
    cpu_seconds: float  # the process's own user + system time: what the load inflates less
    database_cpu_seconds: float | None  # the PostgreSQL server process serving it
    max_rss_mb: float
    exit_code: int
    created: int
    updated: int
    unchanged: int
    errors: int
    warnings: int


class BackendClock:
    """The CPU time of the PostgreSQL server process that serves one connection, found by the
    connection's application_name (PGAPPNAME) and sampled from /proc until stopped: the work
    the database did for a run, which machine load inflates less than wall time."""

    def __init__(self, database_url: str, application_name: str):
        self.database_url = database_url
        self.application_name = application_name
        self.seconds = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> BackendClock:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        import psycopg

        ticks = os.sysconf("SC_CLK_TCK")
        with psycopg.connect(self.database_url, autocommit=True) as monitor:
            pid = None
            while not self._stop.is_set():
                if pid is None:
                    found = monitor.execute(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                        [self.application_name],
                    ).fetchone()
                    pid = found[0] if found else None
                if pid is not None:
                    try:
                        with open(f"/proc/{pid}/stat") as stat:
                            fields = stat.read().rsplit(")", 1)[1].split()
                    except OSError:  # the connection closed
                        return
                    self.seconds = (int(fields[11]) + int(fields[12])) / ticks
                self._stop.wait(0.05)


def run_command(name: str, arguments: list[str]) -> CommandRun:
    """`balik ARGUMENTS` as its own process: its wall time, its own CPU time and peak RSS
    (os.wait4), and on PostgreSQL the CPU time of the server process that served it."""
    balik = os.path.join(os.path.dirname(sys.executable), "balik")
    database_url = os.environ["DATABASE_URL"]
    tag = f"balik-bench-{os.getpid()}-{time.monotonic_ns()}"
    on_postgres = database_url.startswith(("postgres", "postgresql"))
    environment = {**os.environ, "PGAPPNAME": tag}
    with tempfile.TemporaryFile() as output, contextlib.ExitStack() as stack:
        backend = stack.enter_context(BackendClock(database_url, tag)) if on_postgres else None
        started = time.perf_counter()
        process = subprocess.Popen([balik, *arguments], stdout=output, env=environment)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        stack.close()
        process.returncode = os.waitstatus_to_exitcode(status)
        output.seek(0)
        report = json.loads(output.read() or b"{}") if "--json" in arguments else {}
    return CommandRun(
        run=name,
        seconds=round(seconds, 2),
        cpu_seconds=round(usage.ru_utime + usage.ru_stime, 2),
        database_cpu_seconds=round(backend.seconds, 2) if backend else None,
        max_rss_mb=round(usage.ru_maxrss / 1024, 1),  # kilobytes on Linux
        exit_code=process.returncode,
        created=report.get("created", 0),
        updated=report.get("updated", 0),
        unchanged=report.get("unchanged", 0),
        errors=len(report.get("errors", [])),
        warnings=len(report.get("warnings", [])),
    )


def bench_command(people: int) -> dict[str, Any]:
    """The four runs, each as `balik import-people FILE --json` in a process of its own."""
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    vendor = connection.vendor
    connection.close()  # the command's own connection is the only one during the runs
    with tempfile.TemporaryDirectory(prefix="balik-bench-csv-") as folder:
        first = os.path.join(folder, "people.csv")
        second = os.path.join(folder, "people-reorganised.csv")
        with open(first, "w", encoding="utf-8", newline="") as handle:
            handle.write(generate_people_csv(people))
        with open(second, "w", encoding="utf-8", newline="") as handle:
            handle.write(generate_people_csv(people, revision=1))
        csv_bytes = os.path.getsize(first)
        runs = [
            run_command("dry run (preview)", ["import-people", first, "--dry-run", "--json"]),
            run_command("create", ["import-people", first, "--json"]),
            run_command("re-import (unchanged)", ["import-people", first, "--json"]),
            run_command("re-import (reorganised)", ["import-people", second, "--json"]),
        ]
        # What starting the command costs in each of those processes: a one-person dry run.
        tiny = os.path.join(folder, "one-person.csv")
        with open(tiny, "w", encoding="utf-8") as handle:
            handle.write("email,full_name\nsatu@contoh.co.id,Satu Orang\n")
        startup = run_command("start only", ["import-people", tiny, "--dry-run", "--json"])
    missed = [
        f"{run.run}: {run.seconds:.1f} s > {TARGETS[run.run]:.0f} s"
        for run in runs
        if run.run in TARGETS and run.seconds > TARGETS[run.run]
    ]
    peak = max(run.max_rss_mb for run in runs)
    if peak > PEAK_MEMORY_TARGET_MB:
        missed.append(f"peak memory {peak:.0f} MB > {PEAK_MEMORY_TARGET_MB:.0f} MB")
    return {
        "people": people,
        "database": vendor,
        "csv_bytes": csv_bytes,
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "runs": [asdict(run) for run in runs],
        "startup_seconds": startup.seconds,
        "startup_cpu_seconds": startup.cpu_seconds,
        "peak_max_rss_mb": peak,
        "targets_missed": missed,
    }


def print_command_table(result: dict[str, Any]) -> None:
    load = ", ".join(f"{value:.2f}" for value in result["load_average"])
    print(
        f"balik import-people as a process: {result['people']:,} people, {result['database']}, "
        f"CSV {result['csv_bytes'] / 1024 / 1024:.1f} MB (load average after: {load})"
    )
    print(
        "run                       seconds  CPU s  DB CPU s  max RSS MB  exit  created  updated"
        "  unchanged"
    )
    for run in result["runs"]:
        database_cpu = run["database_cpu_seconds"]
        print(
            f"{run['run']:<24} {run['seconds']:>8.2f} {run['cpu_seconds']:>6.2f} "
            f"{'-' if database_cpu is None else f'{database_cpu:.2f}':>9} "
            f"{run['max_rss_mb']:>11.1f} "
            f"{run['exit_code']:>5} {run['created']:>8} {run['updated']:>8} {run['unchanged']:>10}"
        )
    print(
        f"Starting the command (a one-person dry run): {result['startup_seconds']:.2f} s, "
        f"{result['startup_cpu_seconds']:.2f} s CPU"
    )
    targets = "create <= 20 s, unchanged re-import <= 15 s, peak memory <= 1 GB"
    if result["people"] != 100_000 or result["database"] != "postgresql":
        targets += " (set for 100,000 people on PostgreSQL)"
    if result["targets_missed"]:
        print(f"Targets {targets}. MISSED: " + "; ".join(result["targets_missed"]))
    else:
        print(f"Targets {targets}: met.")


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
    parser.add_argument(
        "--command",
        action="store_true",
        help="run the real `balik import-people` as a process per run; check the targets",
    )
    args = parser.parse_args(argv)

    if args.command:
        with bench_database(create_postgres=args.create_database):
            result = bench_command(args.people)
        if args.json:
            print(json.dumps(result))
        else:
            print_command_table(result)
        failed = any(run["errors"] or run["exit_code"] for run in result["runs"])
        return 1 if failed or result["targets_missed"] else 0
    with bench_database(create_postgres=args.create_database):
        result = bench(args.people, trace=not args.no_trace)
    if args.json:
        print(json.dumps(result))
    else:
        print_table(result)
    return 1 if any(run["errors"] for run in result["runs"]) else 0


if __name__ == "__main__":
    sys.exit(main())
