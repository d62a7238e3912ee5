"""Report pages at scale: cohorts of 1,000 to 50,000 participants on SQLite and PostgreSQL.

For each database and size it builds a fresh installation (migrations, the course content,
a manager, and `demo generate`'s synthetic cohort of that size with its progress,
self-assessments and certificates), then, in-process through Flask's test client as the
signed-in manager, times each report page (the median of --repeat requests after one
warm-up) and the full CSV export streamed to the end, and measures the export's peak
Python memory above what was allocated before it began (tracemalloc, in a separate pass so
that tracing does not slow the timed one). It prints a table and, with --write, replaces
the "Report pages" section of BENCHMARKS.md.

Run by hand from the repository root, under the project's .venv:

    .venv/bin/python scripts/bench_reports.py [--databases sqlite,postgresql]
        [--sizes 1000,10000,50000] [--repeat 5] [--postgresql-url URL] [--write]

PostgreSQL is reached at --postgresql-url; the database it names is created for each size
and dropped afterwards.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, make_url, select, text  # noqa: E402

DEFAULT_POSTGRESQL_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/learning_reports_bench"
PASSWORD = "report benchmark manager's password"  # noqa: S105 - a throwaway database
SECTION = "## Report pages"
TARGETS_MS = {"overview": 300, "participants": 100}


def pages(cohort_id: int, user_id: int) -> dict[str, str]:
    """The report pages timed, by name."""
    base = f"/reports/cohorts/{cohort_id}"
    return {
        "overview": base,
        "participants": f"{base}/participants",
        "participants, last page": f"{base}/participants?page=999999",
        "participants, status filter": f"{base}/participants?status=in_progress",
        "participants, by progress": f"{base}/participants?sort=progress&dir=desc",
        "participants, search": f"{base}/participants?q=00042",
        "breakdowns": f"{base}/breakdowns",
        "stalls": f"{base}/stalls",
        "mindset": f"{base}/mindset",
        "mindset, one country": f"{base}/mindset?country=BB",
        "one participant": f"{base}/participants/{user_id}",
    }


def _admin_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


def _fresh_postgresql(url: str) -> None:
    name = make_url(url).database
    engine = create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def _drop_postgresql(url: str) -> None:
    name = make_url(url).database
    engine = create_engine(_admin_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def build(url: str, size: int, workdir: Path):
    """A migrated installation at `url` with one synthetic cohort of `size`; (app, ids)."""
    from flask_migrate import upgrade

    from learning import create_app
    from learning.accounts.users import create_user
    from learning.catalog.models import Course
    from learning.content.importer import import_content
    from learning.database import db, write_transaction
    from learning.site.demo import generate_cohort

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "ENV_NAME": "benchmark",
        "BASE_URL": "http://127.0.0.1",
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
        "MEDIA_ROOT": str(workdir / "media"), "INSTANCE_DIR": str(workdir),
    })
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        with write_transaction():
            import_content(ROOT / "modules")
            manager = create_user(email="manager@example.org", name="Manu Manager",
                                  password=PASSWORD, roles=("manager",))
            db.session.commit()
            course = db.session.scalars(select(Course).order_by(Course.id)).first()
            started = time.perf_counter()
            cohort = generate_cohort(course, size, seed=2024)
            cohort.managers.append(manager)
            db.session.commit()
            built = time.perf_counter() - started
        if db.engine.dialect.name == "postgresql":
            # As after any bulk load: the planner needs the new tables' statistics, which
            # autovacuum would gather a little later.
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(
                    text("ANALYZE"))
        from learning.cohorts.models import Enrolment

        someone = db.session.scalar(select(Enrolment.user_id)
                                    .where(Enrolment.cohort_id == cohort.id).limit(1))
        ids = (cohort.id, someone, built)
        db.session.remove()
    return app, ids


def measure(app, cohort_id: int, user_id: int, repeat: int) -> dict[str, float]:
    """Median milliseconds per page, the export's seconds, rows and peak memory (MiB)."""
    client = app.test_client()
    response = client.post("/sign-in", data={"email": "manager@example.org",
                                              "password": PASSWORD})
    assert response.status_code == 302, "the manager could not sign in"
    results: dict[str, float] = {}
    for name, path in pages(cohort_id, user_id).items():
        assert client.get(path).status_code == 200, path
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.get(path)
            response.get_data()
            times.append((time.perf_counter() - started) * 1000)
        results[name] = statistics.median(times)
    export = f"/reports/cohorts/{cohort_id}/participants.csv"
    started = time.perf_counter()
    rows = sum(chunk.count(b"\n") for chunk in client.get(export).response) - 1
    results["export s"] = time.perf_counter() - started
    results["export rows"] = rows
    gc.collect()
    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    for _chunk in client.get(export).response:
        pass
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    results["export MiB"] = (peak - baseline) / 2**20
    return results


def run(databases: list[str], sizes: list[int], repeat: int, postgresql_url: str):
    """Build and measure every database and size; a list of (database, size, results)."""
    table = []
    for database in databases:
        for size in sizes:
            with tempfile.TemporaryDirectory() as tmp:
                workdir = Path(tmp)
                if database == "sqlite":
                    url = f"sqlite:///{workdir / 'bench.db'}"
                else:
                    url = postgresql_url
                    _fresh_postgresql(url)
                try:
                    app, (cohort_id, user_id, built) = build(url, size, workdir)
                    print(f"{database} {size}: built in {built:.1f} s", flush=True)
                    with app.app_context():
                        results = measure(app, cohort_id, user_id, repeat)
                        from learning.database import db

                        db.session.remove()
                        db.engine.dispose()
                    print(f"{database} {size}: " + ", ".join(
                        f"{k} {v:.1f}" for k, v in results.items()), flush=True)
                    table.append((database, size, results))
                finally:
                    if database == "postgresql":
                        _drop_postgresql(url)
    return table


def markdown(table, repeat: int) -> str:
    """The BENCHMARKS.md section for these results."""
    from importlib import metadata

    names = list(pages(0, 0))
    lines = [
        SECTION, "",
        "Written by `scripts/bench_reports.py`; run it again to refresh.", "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- CPUs (nproc): {os.cpu_count()}; system: {platform.system()} {platform.release()}",
        f"- Load average (1 min) at the end: {os.getloadavg()[0]:.2f}",
        f"- Versions: Python {platform.python_version()}, "
        f"SQLAlchemy {metadata.version('sqlalchemy')}, Flask {metadata.version('flask')}",
        "- Data: the course as shipped and `demo generate`'s synthetic cohort of each size "
        "(progress, self-assessments, certificates); PostgreSQL ANALYZEd after the load",
        f"- Method: in-process through Flask's test client as the cohort's manager; each "
        f"page's median of {repeat} requests after a warm-up, in milliseconds; the export "
        "streamed to its end, its peak memory the Python heap above what it held before "
        "(tracemalloc, in a separate pass)",
        f"- Targets: the overview of a 10,000-person cohort within {TARGETS_MS['overview']} "
        f"ms on PostgreSQL, a participants page within {TARGETS_MS['participants']} ms, a "
        "50,000-row export under 50 MB", "",
        "| database | participants | " + " | ".join(names)
        + " | export s | export MiB |",
        "| --- | ---: | " + " | ".join("---:" for _ in names) + " | ---: | ---: |",
    ]
    for database, size, results in table:
        cells = [f"{results[name]:.0f}" for name in names]
        lines.append(f"| {database} | {size:,} | " + " | ".join(cells)
                     + f" | {results['export s']:.1f} | {results['export MiB']:.1f} |")
    return "\n".join(lines) + "\n"


def write(section: str) -> None:
    """Replace (or add) the report pages section of BENCHMARKS.md."""
    path = ROOT / "BENCHMARKS.md"
    content = path.read_text()
    if SECTION in content:
        before, _, after = content.partition(SECTION)
        rest = after.split("\n## ", 1)
        after = ("\n## " + rest[1]) if len(rest) > 1 else ""
        content = before + section + after
    else:
        content = content.rstrip("\n") + "\n\n" + section
    path.write_text(content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgresql-url", default=DEFAULT_POSTGRESQL_URL)
    parser.add_argument("--write", action="store_true", help="update BENCHMARKS.md")
    args = parser.parse_args()
    table = run(args.databases.split(","), [int(s) for s in args.sizes.split(",")],
                args.repeat, args.postgresql_url)
    section = markdown(table, args.repeat)
    print(section)
    if args.write:
        write(section)


if __name__ == "__main__":
    main()
