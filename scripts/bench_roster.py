"""A roster of 10,000 new people: the request that checks and queues it, and the job.

It builds a fresh installation (migrations, the course content, an administrator and a
cohort) in a temporary folder on SQLite, or on PostgreSQL at --postgresql-url (created
afresh, dropped afterwards), then, in-process through Flask's test client as the signed-in
administrator and after one warm-up request of each kind, times the POST of a CSV file of
--rows new people (checked in the request, stored, its job queued as it commits: the job
is not run there) and then the job itself, run in this process as a worker would. It
prints the figures and, with --write, replaces the "Roster import" section of
BENCHMARKS.md.

Run by hand from the repository root, under the project's .venv:

    .venv/bin/python scripts/bench_roster.py [--rows 10000] [--postgresql-url URL] [--write]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, make_url, select, text  # noqa: E402

PASSWORD = "roster benchmark administrator's password"  # noqa: S105 - a throwaway database
SECTION = "## Roster import"
TARGET_S = 1.0
NOTE = ("The request reads the file, checks every row (email_validator once per domain, "
        "countries looked up once per spelling), stores the rows as JSON in a roster_import "
        "row and queues the job as it commits. The job is not a request: it takes the "
        "import with a conditional UPDATE, looks all addresses up in batches of 500, adds "
        "the new accounts without a password hash (no scrypt), and writes one outbox row "
        "per person, each flushed and its send job queued after the commit; those 10,000 "
        "outbox rows and queued sends are most of its time.")


def _postgresql(url: str, create: bool) -> None:
    name = make_url(url).database
    engine = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def roster_csv(rows: int) -> bytes:
    """A roster of `rows` new people, with organisations and countries."""
    lines = ["email,name,organisation,country"]
    countries = ("Barbados", "JM", "TTO", "Guyana")
    lines += [f"person.{n:05d}@example.gov.bb,Person {n:05d},Ministry {n % 17},"
              f"{countries[n % len(countries)]}" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def run(url: str, rows: int, workdir: Path) -> dict[str, float]:
    """Seconds of the request and of the job, and what they did."""
    from flask_migrate import upgrade

    from learning import create_app
    from learning.accounts.models import User
    from learning.accounts.users import create_user
    from learning.catalog.models import Course
    from learning.cohorts import running
    from learning.cohorts.models import RosterImport
    from learning.content.importer import import_content
    from learning.database import db, write_transaction
    from learning.mail.models import OutboxMessage
    from learning.studio import roster_jobs

    app = create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "ENV_NAME": "benchmark",
        "BASE_URL": "http://127.0.0.1", "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "JOBS_IMMEDIATE": False,
        "MEDIA_ROOT": str(workdir / "media"), "INSTANCE_DIR": str(workdir),
    })
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        with write_transaction():
            import_content(ROOT / "modules")
            create_user(email="admin@example.org", name="Ada Admin", password=PASSWORD,
                        roles=("admin",))
            course = db.session.scalars(select(Course).order_by(Course.id)).first()
            cohort_id = running.create_cohort(course, "Roster benchmark", None, None).id
            db.session.commit()
        db.session.remove()

    client = app.test_client()
    assert client.post("/sign-in", data={"email": "admin@example.org",
                                         "password": PASSWORD}).status_code == 302
    # Warm up, as a running server is: the page and a refused one-row file (nothing stored).
    url = f"/studio/cohorts/{cohort_id}/participants/import"
    assert client.get(url).status_code == 200
    assert client.post(url, content_type="multipart/form-data", data={"csv": (
        io.BytesIO(b"email,name\nnot-an-address,X\n"), "bad.csv")}).status_code == 200
    data = roster_csv(rows)
    started = time.perf_counter()
    response = client.post(url, content_type="multipart/form-data",
                           data={"csv": (io.BytesIO(data), "people.csv")})
    request_s = time.perf_counter() - started
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    import_id = int(response.headers["Location"].rsplit("/", 1)[1])

    with app.app_context():
        started = time.perf_counter()
        with write_transaction():
            roster_jobs.import_roster_rows.run(import_id)
        job_s = time.perf_counter() - started
        record = db.session.get(RosterImport, import_id)
        figures = {"request_s": request_s, "job_s": job_s, "rows": rows,
                   "bytes": len(data), "status": record.status, "invited": record.invited,
                   "accounts": db.session.scalar(select(func.count(User.id))) - 1,
                   "mails": db.session.scalar(select(func.count(OutboxMessage.id)))}
        db.session.remove()
    started = time.perf_counter()
    assert client.get(response.headers["Location"]).status_code == 200
    figures["progress_s"] = time.perf_counter() - started
    return figures


def section(results: dict[str, dict], rows: int) -> str:
    """The BENCHMARKS.md section for these results."""
    lines = [
        SECTION, "",
        "Written by `scripts/bench_roster.py`; run it again to refresh.", "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- CPUs (nproc): {os.cpu_count()}; system: {platform.system()} {platform.release()}",
        f"- Roster: {rows:,} new people (email, name, organisation, country), in-process "
        "through Flask's test client as an administrator; the job run in the same process "
        "as a worker runs it.",
        f"- Target (issue #23 item 4): no request over {TARGET_S:g} s.", "",
        "| database | request: check, store, queue (s) | job: accounts and invitations (s) "
        "| progress page (s) | accounts made | emails written | request target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, f in results.items():
        verdict = "met" if max(f["request_s"], f["progress_s"]) <= TARGET_S else "MISSED"
        lines.append(f"| {name} | {f['request_s']:.2f} | {f['job_s']:.1f} | "
                     f"{f['progress_s']:.3f} | {f['accounts']:,} | {f['mails']:,} | "
                     f"{verdict} |")
    lines += ["", NOTE]
    return "\n".join(lines) + "\n"


def write(text_: str) -> None:
    """Replace (or add) the roster section of BENCHMARKS.md."""
    path = ROOT / "BENCHMARKS.md"
    content = path.read_text()
    if SECTION in content:
        before, _, after = content.partition(SECTION)
        rest = after.split("\n## ", 1)
        content = before + text_ + (("\n## " + rest[1]) if len(rest) > 1 else "")
    else:
        content = content.rstrip("\n") + "\n\n" + text_
    path.write_text(content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--postgresql-url", default=None)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = run(f"sqlite:///{folder}/bench.db", args.rows, Path(folder))
    if args.postgresql_url:
        _postgresql(args.postgresql_url, create=True)
        try:
            with tempfile.TemporaryDirectory() as folder:
                results["postgresql"] = run(args.postgresql_url, args.rows, Path(folder))
        finally:
            _postgresql(args.postgresql_url, create=False)
    for name, figures in results.items():
        print(name, figures)
    text_ = section(results, args.rows)
    print(text_)
    if args.write:
        write(text_)


if __name__ == "__main__":
    main()
