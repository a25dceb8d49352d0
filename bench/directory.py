"""Queries and server time of the people pages as the directory grows.

    python -m bench.directory --people 1000 10000 [--requests 20] [--json] [--create-database]

Imports N generated people, then requests each page through Django's test client (the whole
stack but the network) and prints the query count and the p50/p95 server time. The query
count must be the same for every N: no page grows with the data.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from typing import Any

from bench.environment import bench_database, counting_queries
from bench.synthetic_people import generate_people_csv

PAGES = {
    "directory": "/people/",
    "directory, department": "/people/?department=Marketing",
    "directory, skill learners": "/people/?skill={skill}&direction=learn",
    "directory, search": "/people/?q=sari",
    "directory, page 5": "/people/?page=5",
    "profile": "/people/{person}/",
    "org chart": "/people/org-chart/",
    "skills": "/skills/",
    "home (admin)": "/",
    "API people list": "/api/v1/people?limit=50",
    "API people, filtered": "/api/v1/people?generation=gen_z&seniority_max=3",
}


def measure_pages(requests: int) -> list[dict[str, Any]]:
    from django.test import Client

    from balik.accounts.models import User
    from balik.people.models import Person, PersonSkill

    admin = User.objects.order_by("pk").first()
    User.objects.filter(pk=admin.pk).update(is_org_admin=True)
    client = Client()
    client.force_login(admin)
    person = Person.objects.order_by("-pk").first()
    skill = PersonSkill.objects.select_related("skill").first().skill
    results = []
    for name, template in PAGES.items():
        url = template.format(person=person.pk, skill=skill.slug)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        with counting_queries() as counter:
            client.get(url)
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        results.append(
            {
                "page": name,
                "queries": counter["queries"],
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
            }
        )
    return results


def bench(sizes: list[int], requests: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from balik.people.importing import run_import
    from balik.people.models import Person

    call_command("migrate", verbosity=0, interactive=False)
    runs = []
    for size in sizes:
        content = generate_people_csv(size).encode("utf-8")
        report = run_import(content=content, actor=None, dry_run=False, file_name="bench.csv")
        assert report.ok, report.errors[:3]
        runs.append({"people": Person.objects.count(), "pages": measure_pages(requests)})
    return {"database": connection.vendor, "runs": runs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--create-database", action="store_true")
    args = parser.parse_args(argv)
    environment = {"BALIK_TESTING": "1", "BALIK_HTTPS": "0", "ALLOWED_HOSTS": "testserver"}
    with bench_database(create_postgres=args.create_database, extra_env=environment):
        result = bench(sorted(args.people), args.requests)
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"Balik people pages on {result['database']}")
    header = f"{'page':<28}" + "".join(
        f"{run['people']:>10,} people: queries  p50 ms  p95 ms" for run in result["runs"]
    )
    print(header)
    for index, name in enumerate(PAGES):
        line = f"{name:<28}"
        for run in result["runs"]:
            page = run["pages"][index]
            line += f"{page['queries']:>27} {page['p50_ms']:>7} {page['p95_ms']:>7}"
        print(line)
    counts = {tuple(page["queries"] for page in run["pages"]) for run in result["runs"]}
    print("query counts identical across sizes:", len(counts) == 1)
    return 0 if len(counts) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
