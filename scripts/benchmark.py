"""Load benchmark: the app under gunicorn on SQLite and PostgreSQL, driven by wrk.

For each database it builds a fresh installation with a realistic data set (the course
content, the demo accounts and a synthetic cohort of over a thousand participants with
progress), starts `gunicorn -w 2`, signs participants in through the real sign-in form, and
starts a toy Flask hello world under the same gunicorn settings (scripts/bench/hello.py, the
ceiling) and the stack's floor (scripts/bench/floor.py: the least a sign-in page and a module
page can do on the project's libraries), and drives seven scenarios with wrk from a second
process: the hello world, GET /ping (a short text through the app and its middleware, the
second reference), the floor's two pages, the sign-in page (anonymous), a participant's module
page, and progress heartbeats from many participants, in turn, for a few rounds. It prints
requests per second, p50 and p99 latency and errors, and writes them with the ratios to the
references, each target beside its floor, machine and versions into BENCHMARKS.md.

Run by hand from the repository root (not part of `make test`); a full run on both databases
takes a few minutes:

    python3 scripts/benchmark.py [--databases sqlite,postgresql] [--participants 1200]
                                 [--duration 5] [--rounds 3] [--connections 32]
                                 [--reports 1000,10000,50000] [--only-reports]

With --reports it then times the managers' report pages and the CSV export for cohorts of
those sizes on the same databases (scripts/bench_reports.py, in-process, every page's query
plan as shipped) and writes their section of BENCHMARKS.md too.

It installs nothing: wrk must be on the PATH (`apt-get install wrk`). It runs under the
project's .venv (re-starting itself there when needed). PostgreSQL is reached at
--postgresql-url; the database it names is created at the start and dropped at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
DRIVER = ROOT / "scripts" / "bench" / "driver.lua"
HELLO_FOLDER = ROOT / "scripts" / "bench"  # hello.py, the ceiling; floor.py, the floor
USER_AGENT = "learning-benchmark"
LOCKED = "database is locked"
DEFAULT_POSTGRESQL_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/learning_bench"
SCENARIOS = ("hello", "ping", "floor sign-in", "floor module", "sign-in", "module", "heartbeat")
SCENARIO_TITLES = {
    "hello": "hello world (ceiling)",
    "ping": "GET /ping (reference)",
    "floor sign-in": "sign-in page's floor",
    "floor module": "module page's floor",
    "sign-in": "sign-in page",
    "module": "module page",
    "heartbeat": "progress heartbeat",
}
# The references the ratios are taken to: the hello world and /ping.
REFERENCES = ("hello", "ping")
# The server each scenario is asked of: the app's, unless named here.
SERVERS = {"hello": "hello", "floor sign-in": "floor", "floor module": "floor"}
# A target's scenario, and the floor's scenario doing the least that page must.
FLOORS = {"sign-in": "floor sign-in", "module": "floor module"}


@dataclass(frozen=True)
class TargetRatio:
    """A target of issue 25: a scenario's requests per second as a share of a reference's."""

    scenario: str
    reference: str
    ratio: float
    databases: tuple[str, ...] = ("sqlite", "postgresql")


TARGETS = (
    TargetRatio("module", "hello", 0.20),
    TargetRatio("sign-in", "hello", 0.40),
    TargetRatio("heartbeat", "ping", 0.15, databases=("postgresql",)),
)
# A 1-minute load average from this high means something else is using the CPU.
BUSY_LOAD = 0.5
NOTES_BEGIN = "<!-- notes: written by people; the script keeps what is between these lines -->"
NOTES_END = "<!-- end of notes -->"
HISTORY_BEGIN = "<!-- history: rows added by scripts/benchmark.py, newest first -->"
HISTORY_END = "<!-- end of history -->"
HISTORY_HEADER = (
    "| date | note | load before | database | hello world req/s | /ping req/s "
    "| sign-in / hello | module / hello | module / ping | heartbeat / ping | errors | locked "
    "| targets |\n"
    "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
)


class BenchmarkError(Exception):
    """Something that stops the benchmark, with a message for the person running it."""


def ensure_environment() -> None:
    """Run under the project's virtual environment, where the app and its tools live."""
    try:
        import flask  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError:
        if VENV_PYTHON.exists() and Path(sys.executable) != VENV_PYTHON:
            os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])  # noqa: S606
        sys.exit("The project's packages are missing: run `make install` (or create .venv) first.")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


# --- the installation under test -------------------------------------------------------------


@dataclass
class Participant:
    """A signed-in participant: the Cookie header their browser would send and a CSRF token."""

    email: str
    cookie: str
    csrf_token: str


@dataclass
class DataSet:
    """What the database under test holds."""

    users: int
    participants: int
    enrolments: int
    progress_rows: int
    modules: int
    items: int


@dataclass
class Target:
    """The course, module and recordings the scenarios use."""

    course_slug: str
    module_slug: str
    recordings: list[tuple[int, int]]  # (item id, duration in seconds)
    module_items: int  # how many items the module's page lists

    @property
    def module_path(self) -> str:
        """The module page's path."""
        return f"/courses/{self.course_slug}/modules/{self.module_slug}"


@dataclass
class Result:
    """One scenario's figures from wrk, with the server log's count of locked databases."""

    scenario: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int]
    socket_errors: dict[str, int]
    locked: int

    @property
    def rps(self) -> float:
        """Requests per second over the measured run."""
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        """Responses whose status is not 2xx (a redirect to sign-in counts: it is a failure)."""
        return sum(n for status, n in self.statuses.items() if not status.startswith("2"))

    @property
    def socket_error_count(self) -> int:
        """Connect, read, write errors and timeouts."""
        return sum(self.socket_errors.values())


@dataclass
class DatabaseRun:
    """All that was measured on one database."""

    name: str
    version: str
    data_set: DataSet
    signed_in: int
    results: dict[str, Result] = field(default_factory=dict)

    def ratio(self, scenario: str, reference: str = "hello") -> float:
        """The scenario's requests per second over the reference's (the hello world's)."""
        ceiling = self.results[reference].rps
        return self.results[scenario].rps / ceiling if ceiling else 0.0

    @property
    def errors(self) -> int:
        """Non-2xx responses and socket errors, across the scenarios."""
        return sum(r.non_2xx + r.socket_error_count for r in self.results.values())

    @property
    def locked(self) -> int:
        """How often the server logged "database is locked" during the scenarios."""
        return sum(r.locked for r in self.results.values())

    def checks(self) -> list[tuple[str, str, bool]]:
        """The issue's targets: (what, measured, passed)."""
        checks = [
            (f"{target.scenario} ≥ {target.ratio:.2f} × {SCENARIO_TITLES[target.reference]}",
             f"{self.ratio(target.scenario, target.reference):.2f}",
             self.ratio(target.scenario, target.reference) >= target.ratio)
            for target in TARGETS if self.name in target.databases
        ]
        checks.append(("zero errors", str(self.errors), self.errors == 0))
        checks.append((f'no "{LOCKED}"', str(self.locked), self.locked == 0))
        return checks

    @property
    def passed(self) -> bool:
        """True if every target is met."""
        return all(ok for _, _, ok in self.checks())

    def floors(self) -> list[tuple[TargetRatio, float, float]]:
        """Each target that has a floor: (target, the page's ratio, the floor's ratio)."""
        return [(target, self.ratio(target.scenario, target.reference),
                 self.ratio(FLOORS[target.scenario], target.reference))
                for target in TARGETS
                if self.name in target.databases and target.scenario in FLOORS]


class Installation:
    """A fresh installation on one database, in a temporary folder, served by gunicorn."""

    def __init__(self, database: str, postgresql_url: str, workers: int, workdir: Path):
        self.database = database
        self.workers = workers
        self.workdir = workdir
        self.log_path = workdir / "server.log"
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.hello_process: subprocess.Popen | None = None
        self.hello_port = 0
        self.floor_process: subprocess.Popen | None = None
        self.floor_port = 0
        if database == "sqlite":
            self.url = f"sqlite:///{workdir / 'learning.db'}"
        else:
            self.url = postgresql_url
        # The floor's tables: a file of their own, or beside the app's in PostgreSQL.
        floor_url = f"sqlite:///{workdir / 'floor.db'}" if database == "sqlite" else self.url
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "SECRET_KEY": secrets.token_urlsafe(32),
            "LEARNING_ENV": "production",
            "BASE_URL": "http://127.0.0.1",
            # Plain HTTP on loopback (TLS is the proxy's): a Secure cookie would not return.
            "SESSION_COOKIE_SECURE": "false",
            "MEDIA_ROOT": str(workdir / "media"),
            "INSTANCE_PATH": str(workdir / "instance"),
            # Signing in a few dozen participants in seconds is the point, not an attack.
            "SIGN_IN_RATE_LIMIT": "100000 per minute",
            "PYTHONUNBUFFERED": "1",
            "FLOOR_DATABASE_URL": floor_url,
        }
        for name in ("REDIS_URL", "PROXY_COUNT", "FLASK_APP"):
            self.env.pop(name, None)

    @property
    def base_url(self) -> str:
        """Where the server answers."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def hello_url(self) -> str:
        """Where the hello world answers."""
        return f"http://127.0.0.1:{self.hello_port}"

    @property
    def floor_url(self) -> str:
        """Where the stack's floor answers."""
        return f"http://127.0.0.1:{self.floor_port}"

    def url_for(self, scenario: str) -> str:
        """Where a scenario's requests go."""
        return {"hello": self.hello_url, "floor": self.floor_url}.get(SERVERS.get(scenario),
                                                                       self.base_url)

    def _admin_engine(self):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        return create_engine(make_url(self.url).set(database="postgres"),
                             isolation_level="AUTOCOMMIT")

    def _database_name(self) -> str:
        from sqlalchemy.engine import make_url

        name = make_url(self.url).database
        if not name or not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise BenchmarkError(f"--postgresql-url must name a plain database, not {name!r}.")
        return name

    def create_database(self) -> None:
        """For PostgreSQL, a fresh database (one left behind by an interrupted run is dropped)."""
        if self.database != "postgresql":
            return
        from sqlalchemy import text

        name = self._database_name()
        engine = self._admin_engine()
        try:
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        except Exception as error:
            raise BenchmarkError(f"Cannot create PostgreSQL database {name}: {error}") from error
        finally:
            engine.dispose()

    def drop_database(self) -> None:
        """For PostgreSQL, drop the database this run created."""
        if self.database != "postgresql":
            return
        from sqlalchemy import text

        engine = self._admin_engine()
        try:
            with engine.connect() as connection:
                connection.execute(
                    text(f'DROP DATABASE IF EXISTS "{self._database_name()}" WITH (FORCE)')
                )
        finally:
            engine.dispose()

    def flask(self, *args: str) -> str:
        """Run a `flask --app wsgi` command against this installation; its standard output."""
        command = [sys.executable, "-m", "flask", "--app", "wsgi", *args]
        done = subprocess.run(command, cwd=ROOT, env=self.env,  # noqa: S603 - our own arguments
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BenchmarkError(f"`flask {' '.join(args)}` failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def populate(self, participants: int) -> Path:
        """Migrate, load the course and demo accounts, generate the synthetic cohort.

        Returns the file holding the synthetic participants' password.
        """
        password_file = self.workdir / "participant-password"
        password_file.write_text(secrets.token_urlsafe(24) + "\n")
        password_file.chmod(0o600)
        self.flask("db", "upgrade")
        self.flask("demo", "load")
        self.flask("demo", "generate", "--participants", str(participants),
                   "--password-file", str(password_file))
        return password_file

    def start(self, target: Target, participants: int) -> None:
        """Start the app, the hello world and the floor, under the same gunicorn settings.

        The floor gets as many participants as the app has signed in, and a module of as
        many items as the module page lists.
        """
        self.port = _free_port()
        self.process = self._serve(ROOT, "wsgi:app", self.port, "/healthz")
        self.hello_port = _free_port()
        self.hello_process = self._serve(HELLO_FOLDER, "hello:app", self.hello_port, "/")
        command = [sys.executable, "floor.py", "--setup", str(participants),
                   str(target.module_items)]
        done = subprocess.run(command, cwd=HELLO_FOLDER, env=self.env,  # noqa: S603
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BenchmarkError(f"The floor's set-up failed:\n{done.stdout}{done.stderr}")
        self.floor_port = _free_port()
        self.floor_process = self._serve(HELLO_FOLDER, "floor:app", self.floor_port, "/sign-in")

    def _serve(self, folder: Path, app: str, port: int, probe: str) -> subprocess.Popen:
        """`gunicorn -w N` for the app on a free port, once `probe` answers 200."""
        command = [sys.executable, "-m", "gunicorn", "-w", str(self.workers),
                   "-b", f"127.0.0.1:{port}", app]
        with self.log_path.open("ab") as log:
            process = subprocess.Popen(command, cwd=folder, env=self.env,  # noqa: S603
                                       stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise BenchmarkError(f"gunicorn stopped at start:\n{self.log_tail()}")
            with contextlib.suppress(OSError):
                url = f"http://127.0.0.1:{port}{probe}"
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return process
            time.sleep(0.2)
        _stop(process)
        raise BenchmarkError(f"gunicorn did not answer {probe} within 60 s:\n{self.log_tail()}")

    def stop(self) -> None:
        """Stop the three servers."""
        for process in (self.process, self.hello_process, self.floor_process):
            _stop(process)

    def log_size(self) -> int:
        """The server log's current length, to read what a scenario added."""
        return self.log_path.stat().st_size if self.log_path.exists() else 0

    def locked_since(self, offset: int) -> int:
        """Occurrences of "database is locked" in the server log after offset."""
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", "replace").count(LOCKED)

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server log, for error messages."""
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-lines:])

    def engine(self):
        """An SQLAlchemy engine on the database under test, for reading what it holds."""
        from sqlalchemy import create_engine

        return create_engine(self.url)


def _stop(process: subprocess.Popen | None) -> None:
    """Stop a gunicorn (TERM, then KILL if it lingers)."""
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def describe(installation: Installation, module_slug: str, signed_in: int):
    """The data set's size, the scenarios' target and the synthetic participants to sign in."""
    from sqlalchemy import func, select, text
    from sqlalchemy.orm import Session

    from learning.accounts.models import User, UserRole
    from learning.catalog.models import Course, Item, Module
    from learning.cohorts.models import Cohort, Enrolment
    from learning.progress.models import Progress

    engine = installation.engine()
    try:
        with Session(engine) as session:
            def count(column, *where):
                return session.scalar(select(func.count(column)).where(*where))

            data_set = DataSet(
                users=count(User.id),
                participants=count(UserRole.id, UserRole.role == "participant"),
                enrolments=count(Enrolment.id),
                progress_rows=count(Progress.id),
                modules=count(Module.id),
                items=count(Item.id),
            )
            course = session.scalars(select(Course).order_by(Course.id)).first()
            module_items = count(Item.id, Item.module_id == select(Module.id).where(
                Module.course_id == course.id, Module.slug == module_slug).scalar_subquery())
            recordings = session.execute(
                select(Item.id, Item.duration_seconds).join(Module)
                .where(Module.course_id == course.id, Module.is_published.is_(True),
                       Item.kind == "recording", Item.duration_seconds > 0)
                .order_by(Module.position, Item.position)
            ).all()
            # The cohort `demo generate` made last, whose password the run knows: `demo
            # load`'s own synthetic cohort has participants with a password nobody knows.
            generated = select(func.max(Cohort.id)).scalar_subquery()
            emails = list(session.scalars(
                select(User.email).join(Enrolment, Enrolment.user_id == User.id)
                .where(Enrolment.cohort_id == generated, User.email.like("synthetic-%"))
                .order_by(User.id).limit(signed_in)
            ))
            if engine.dialect.name == "sqlite":
                import sqlite3

                version = f"SQLite {sqlite3.sqlite_version}"
            else:
                version = "PostgreSQL " + session.scalar(text("SHOW server_version"))
    finally:
        engine.dispose()
    if not recordings:
        raise BenchmarkError("The course has no published recording to send heartbeats for.")
    target = Target(course.slug, module_slug, [(item_id, d) for item_id, d in recordings],
                    module_items)
    return data_set, target, emails, version


# --- signing in, as a browser does ------------------------------------------------------------


class CsrfField(HTMLParser):
    """Finds the value of the first hidden csrf_token input of a page."""

    def __init__(self):
        super().__init__()
        self.value: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name") == "csrf_token" and self.value is None:
            self.value = attributes.get("value")


def _cookie_header(jar: CookieJar) -> str:
    """The Cookie header a browser holding these cookies would send."""
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def _opener(jar: CookieJar):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    return opener


def sign_in(base_url: str, email: str, password: str, target: Target) -> Participant:
    """Sign in through the form, fetch a CSRF token, and check that the module page opens."""
    jar = CookieJar()
    opener = _opener(jar)
    with opener.open(f"{base_url}/sign-in", timeout=30) as response:
        parser = CsrfField()
        parser.feed(response.read().decode())
    if not parser.value:
        raise BenchmarkError("The sign-in page has no CSRF token.")
    form = urllib.parse.urlencode(
        {"csrf_token": parser.value, "email": email, "password": password, "next": ""}
    ).encode()
    with opener.open(f"{base_url}/sign-in", data=form, timeout=60) as response:
        if urllib.parse.urlsplit(response.url).path != "/learning":
            raise BenchmarkError(f"{email} could not sign in (ended at {response.url}).")
    with opener.open(f"{base_url}/progress/csrf-token", timeout=30) as response:
        token = json.load(response)["csrf_token"]
    with opener.open(base_url + target.module_path, timeout=30) as response:
        if response.status != 200 or urllib.parse.urlsplit(response.url).path != target.module_path:
            raise BenchmarkError(f"{email} cannot open {target.module_path}.")
    cookie = _cookie_header(jar)
    return Participant(email, cookie, token)


def floor_cookies(floor_url: str, count: int) -> list[str]:
    """The session cookies of the floor's participants 1 to count, signed in at /enter/<n>."""
    def enter(number: int) -> str:
        jar = CookieJar()
        with _opener(jar).open(f"{floor_url}/enter/{number}", timeout=30) as response:
            response.read()
        return _cookie_header(jar)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(enter, range(1, count + 1)))


def sign_in_all(base_url: str, emails: list[str], password: str,
                target: Target) -> list[Participant]:
    """Sign the participants in, a few at a time (each sign-in hashes a password)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(lambda email: sign_in(base_url, email, password, target), emails))


def check_heartbeat(base_url: str, participant: Participant, item_id: int) -> None:
    """One heartbeat by hand, to fail early and clearly if the scenario cannot work."""
    body = urllib.parse.urlencode({"intervals": "[[0,1]]", "position": "1",
                                   "csrf_token": participant.csrf_token}).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{base_url}/progress/items/{item_id}/watch", data=body,
        headers={"Cookie": participant.cookie, "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            json.load(response)
    except urllib.error.HTTPError as error:
        raise BenchmarkError(
            f"A heartbeat for item {item_id} as {participant.email} answered {error.code}: "
            f"{error.read()[:200]!r}"
        ) from error


# --- driving the load ------------------------------------------------------------------------


def write_scenario_files(workdir: Path, participants: list[Participant], target: Target,
                         floor: list[str]) -> tuple[Path, Path, Path]:
    """The cookies the module scenarios rotate through, and the heartbeat scenario's lines.

    Each participant reports on every recording of the course, so heartbeats spread over
    participants and items as they would in a cohort working through the course.
    """
    cookies = workdir / "cookies.txt"
    cookies.write_text("".join(f"{p.cookie}\n" for p in participants))
    floor_cookies_file = workdir / "floor-cookies.txt"
    floor_cookies_file.write_text("".join(f"{cookie}\n" for cookie in floor))
    heartbeats = workdir / "heartbeats.txt"
    heartbeats.write_text("".join(
        f"{p.cookie}\t{urllib.parse.quote(p.csrf_token, safe='')}\t{item_id}\t{duration}\n"
        for item_id, duration in target.recordings
        for p in participants
    ))
    for path in (cookies, floor_cookies_file, heartbeats):
        path.chmod(0o600)
    return cookies, floor_cookies_file, heartbeats


def run_wrk(base_url: str, arguments: list[str], seconds: int, connections: int,
            threads: int) -> dict:
    """Run wrk with the driver script; the figures its done() prints."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
               "-s", str(DRIVER), base_url, "--", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    for line in done.stdout.splitlines():
        if line.startswith("BENCHMARK-RESULT "):
            return json.loads(line.removeprefix("BENCHMARK-RESULT "))
    raise BenchmarkError(f"wrk gave no result:\n{done.stdout}{done.stderr}")


def measure(installation: Installation, scenario: str, arguments: list[str],
            options: argparse.Namespace) -> Result:
    """Warm up, then measure one scenario; count what the server logged as locked meanwhile."""
    base_url = installation.url_for(scenario)
    if options.warmup:
        run_wrk(base_url, arguments, options.warmup, options.connections, options.threads)
    offset = installation.log_size()
    figures = run_wrk(base_url, arguments, options.duration, options.connections,
                      options.threads)
    errors = figures["errors"]
    return Result(
        scenario=scenario,
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        statuses=figures["statuses"],
        socket_errors={kind: errors[kind] for kind in ("connect", "read", "write", "timeout")},
        locked=installation.locked_since(offset),
    )


def combined(results: list[Result]) -> Result:
    """One scenario's rounds as one result.

    Counts add up; p50 is the median round's, p99 the worst round's.
    """
    middle = sorted(result.p50_ms for result in results)[len(results) // 2]

    def added(name: str) -> dict[str, int]:
        total: dict[str, int] = {}
        for result in results:
            for key, count in getattr(result, name).items():
                total[key] = total.get(key, 0) + count
        return total

    return Result(
        scenario=results[0].scenario,
        requests=sum(result.requests for result in results),
        seconds=sum(result.seconds for result in results),
        p50_ms=middle,
        p99_ms=max(result.p99_ms for result in results),
        statuses=added("statuses"),
        socket_errors=added("socket_errors"),
        locked=sum(result.locked for result in results),
    )


def benchmark_database(database: str, options: argparse.Namespace) -> DatabaseRun:
    """Build, serve and measure one database; clean up whatever happens."""
    workdir = Path(tempfile.mkdtemp(prefix=f"learning-bench-{database}-"))
    installation = Installation(database, options.postgresql_url, options.workers, workdir)
    succeeded = False
    try:
        say(f"{database}: creating the database and {options.participants} participants")
        installation.create_database()
        password = installation.populate(options.participants).read_text().strip()
        data_set, target, emails, version = describe(installation, options.module,
                                                     options.signed_in)
        say(f"{database}: starting gunicorn with {options.workers} workers")
        installation.start(target, len(emails))
        say(f"{database}: signing in {len(emails)} participants")
        participants = sign_in_all(installation.base_url, emails, password, target)
        check_heartbeat(installation.base_url, participants[0], target.recordings[0][0])
        floor = floor_cookies(installation.floor_url, len(emails))
        cookies, floor_file, heartbeats = write_scenario_files(workdir, participants, target,
                                                               floor)
        run = DatabaseRun(database, version, data_set, len(participants))
        arguments = {
            "hello": ["get", "/"],
            "ping": ["get", "/ping"],
            "floor sign-in": ["get", "/sign-in"],
            "floor module": ["module", str(floor_file), "/module"],
            "sign-in": ["get", "/sign-in"],
            "module": ["module", str(cookies), target.module_path],
            "heartbeat": ["heartbeat", str(heartbeats)],
        }
        # The scenarios take turns, round after round: a machine whose speed drifts during
        # the run (other work, CPU frequency) then weighs on the references and the others
        # alike.
        rounds: dict[str, list[Result]] = {scenario: [] for scenario in SCENARIOS}
        for number in range(1, options.rounds + 1):
            for scenario in SCENARIOS:
                say(f"{database}: round {number} of {options.rounds}, "
                    f"{SCENARIO_TITLES[scenario]}, {options.duration} s "
                    f"at {options.connections} connections")
                rounds[scenario].append(
                    measure(installation, scenario, arguments[scenario], options))
        run.results = {scenario: combined(results) for scenario, results in rounds.items()}
        succeeded = True
        return run
    finally:
        installation.stop()
        installation.drop_database()
        if succeeded and not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            say(f"{database}: files and server log kept in {workdir}")


# --- reporting -------------------------------------------------------------------------------


def say(message: str) -> None:
    """Progress for the person waiting."""
    print(f"[benchmark] {message}", file=sys.stderr, flush=True)


def machine() -> dict[str, str]:
    """CPUs, CPU model and memory of this machine."""
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"CPUs (nproc)": str(cpus), "CPU model": model, "memory": memory,
            "system": f"{platform.system()} {platform.release()}"}


def versions() -> dict[str, str]:
    """The versions that shape the figures."""
    found = {"Python": platform.python_version()}
    for package in ("Flask", "Werkzeug", "SQLAlchemy", "gunicorn", "psycopg", "Flask-Login",
                    "Flask-WTF"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[package] = metadata.version(package)
    done = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)  # noqa: S607
    first = (done.stdout or done.stderr).splitlines()
    found["wrk"] = first[0].split(" [")[0].removeprefix("wrk ").strip() if first else "unknown"
    return found


def results_table(runs: list[DatabaseRun]) -> list[str]:
    """The figures as a Markdown table, one row per database and scenario."""
    rows = [
        "| database | scenario | req/s | ratio to hello world | ratio to /ping | p50 ms "
        "| p99 ms | non-2xx | socket errors | locked |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        for scenario in SCENARIOS:
            result = run.results[scenario]
            ratios = " | ".join(f"{run.ratio(scenario, reference):.2f}"
                                for reference in REFERENCES)
            rows.append(
                f"| {run.name} | {SCENARIO_TITLES[scenario]} | {result.rps:,.0f} | {ratios} "
                f"| {result.p50_ms:.1f} | {result.p99_ms:.1f} | {result.non_2xx} "
                f"| {result.socket_error_count} | {result.locked} |"
            )
    return rows


def targets_table(runs: list[DatabaseRun]) -> list[str]:
    """Each target with what was measured and PASS or FAIL."""
    rows = ["| database | target | measured | result |", "| --- | --- | ---: | --- |"]
    for run in runs:
        for what, measured, ok in run.checks():
            rows.append(f"| {run.name} | {what} | {measured} | {'PASS' if ok else 'FAIL'} |")
    return rows


def _beside_the_floor(target: TargetRatio, floor: float) -> str:
    if floor < target.ratio:
        return "above the floor: no page doing this much reaches it here"
    return "below the floor: within reach"


def floors_table(runs: list[DatabaseRun]) -> list[str]:
    """Each target beside its floor's ratio: whether a page doing that much could meet it."""
    rows = ["| database | target | the page | its floor | the target is |",
            "| --- | --- | ---: | ---: | --- |"]
    for run in runs:
        for target, page, floor in run.floors():
            rows.append(f"| {run.name} | {target.scenario} ≥ {target.ratio:.2f} × "
                        f"{SCENARIO_TITLES[target.reference]} | {page:.2f} | {floor:.2f} "
                        f"| {_beside_the_floor(target, floor)} |")
    return rows


def print_summary(runs: list[DatabaseRun]) -> None:
    """A plain-text table on standard output."""
    header = (f"{'database':<11} {'scenario':<22} {'req/s':>8} {'/hello':>7} {'/ping':>6} "
              f"{'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'sock err':>8} {'locked':>7}")
    print(header)
    print("-" * len(header))
    for run in runs:
        for scenario in SCENARIOS:
            r = run.results[scenario]
            print(f"{run.name:<11} {SCENARIO_TITLES[scenario]:<22} {r.rps:>8.0f} "
                  f"{run.ratio(scenario, 'hello'):>7.2f} {run.ratio(scenario, 'ping'):>6.2f} "
                  f"{r.p50_ms:>8.1f} {r.p99_ms:>8.1f} {r.non_2xx:>8} "
                  f"{r.socket_error_count:>8} {r.locked:>7}")
    print()
    for run in runs:
        for what, measured, ok in run.checks():
            print(f"{run.name:<11} {what:<48} {measured:>8}  {'PASS' if ok else 'FAIL'}")
    print()
    for run in runs:
        for target, page, floor in run.floors():
            print(f"{run.name:<11} {target.scenario + ' target':<16} {target.ratio:.2f}, "
                  f"page {page:.2f}, floor {floor:.2f}: {_beside_the_floor(target, floor)}")


def _between(path: Path, begin: str, end: str) -> str:
    """The text between two markers of the existing report, or nothing."""
    text = path.read_text() if path.exists() else ""
    if begin not in text or end not in text:
        return ""
    return text.split(begin, 1)[1].split(end, 1)[0]


def history_rows(path: Path) -> list[str]:
    """The rows of the history table already in the file, if any."""
    block = _between(path, HISTORY_BEGIN, HISTORY_END)
    return [line for line in block.splitlines() if re.match(r"\| \d{4}-\d\d-\d\d", line)]


def notes(path: Path) -> list[str]:
    """The hand-written notes of the existing report (findings, changes), kept as they are."""
    block = _between(path, NOTES_BEGIN, NOTES_END).strip("\n")
    return [NOTES_BEGIN, *([block] if block else []), NOTES_END]


def following_sections(path: Path) -> list[str]:
    """What follows the history (other scripts' sections, such as the report pages), kept."""
    text = path.read_text() if path.exists() else ""
    if HISTORY_END not in text:
        return []
    rest = text.split(HISTORY_END, 1)[1].strip("\n")
    return ["", rest] if rest else []


def write_report(path: Path, runs: list[DatabaseRun], options: argparse.Namespace,
                 started: datetime) -> None:
    """BENCHMARKS.md: this run in full, and one line per database for every run so far."""
    date = started.strftime("%Y-%m-%d %H:%M UTC")
    note = (options.note or "").replace("|", "/")
    new_rows = [
        f"| {date} | {note} | {options.load_before:.2f} | {run.name} "
        f"| {run.results['hello'].rps:,.0f} | {run.results['ping'].rps:,.0f} "
        f"| {run.ratio('sign-in'):.2f} | {run.ratio('module'):.2f} "
        f"| {run.ratio('module', 'ping'):.2f} | {run.ratio('heartbeat', 'ping'):.2f} "
        f"| {run.errors} | {run.locked} | {'PASS' if run.passed else 'FAIL'} |"
        for run in runs
    ]
    first = runs[0]
    lines = [
        "# Benchmarks",
        "",
        "Written by `scripts/benchmark.py` (see `scripts/README.md`); run it again to refresh.",
        "The figures that matter are the ratios to the references measured in the same run",
        "(a toy Flask hello world, and the app's own `/ping`), not absolute times, which",
        "depend on the machine.",
        "",
        "## Latest run",
        "",
        f"- Date: {date}",
        *([f"- Note: {note}"] if note else []),
    ]
    lines += [f"- {name}: {value}" for name, value in machine().items()]
    lines.append(f"- Load average (1 min) before the run: {options.load_before:.2f} (anything "
                 "else using the CPU skews the figures)")
    lines.append("- Versions: " + ", ".join(f"{k} {v}" for k, v in versions().items()) + "; "
                 + ", ".join(run.version for run in runs))
    lines += [
        f"- Data set (each database): the course ({first.data_set.modules} modules, "
        f"{first.data_set.items} items), the demo accounts and a synthetic cohort: "
        f"{first.data_set.users} users, {first.data_set.participants} participants, "
        f"{first.data_set.enrolments} enrolments, {first.data_set.progress_rows} progress rows",
        f"- Server: gunicorn, {options.workers} sync workers, LEARNING_ENV=production "
        "(every guarantee as shipped: CSRF on, the session checked in the database on every "
        "request, every commit waiting for the disk, a dropped connection never a 500); the "
        "hello world and the floors under the same gunicorn settings",
        f"- Load: wrk from a second process, {options.threads} threads, "
        f"{options.connections} connections; the {len(SCENARIOS)} scenarios in turn, "
        f"{options.rounds} round{'' if options.rounds == 1 else 's'} of {options.duration} s "
        "each, every one after a "
        f"{options.warmup} s warm-up (req/s over all rounds, p50 the median round's, p99 the "
        "worst round's); module pages and heartbeats rotate among "
        f"{first.signed_in} signed-in participants (heartbeats over every recording of the "
        "course, with varied watched intervals)",
        "",
        "Scenarios: the ceiling is a toy Flask hello world (`scripts/bench/hello.py`, "
        "`GET /` answering a short text) in a gunicorn of its own with the same settings; "
        "the floors are the least a sign-in page and a module page can do on the project's "
        "libraries, with none of the app's guarantees on top (`scripts/bench/floor.py`, in a "
        "gunicorn of its own with the same settings: a Flask-WTF form with its CSRF token and "
        "a new session cookie; a participant signed in through Flask-Login, looked up in the "
        "database on every request, and the module's items through Flask-SQLAlchemy, as many "
        "as the module page lists, each in a short template); "
        "`GET /ping` is a short text through the app and all its middleware; the sign-in "
        "page is `GET /sign-in` with no cookie (a form with a CSRF token); the module page "
        f"is `GET /courses/<course>/modules/{options.module}` as a signed-in participant; "
        "a heartbeat is `POST /progress/items/<id>/watch` with a form body of intervals, "
        "position and CSRF token, as the player sends it.",
        "",
        *results_table(runs),
        "",
        "Non-2xx counts every response that is not a success (a redirect to the sign-in page "
        f'included); locked counts "{LOCKED}" in the server log during the scenario.',
        "",
        "## Targets",
        "",
        "From issue 25: at 32 connections, the module page at least 0.20 and the sign-in "
        "page at least 0.40 of the hello world's requests per second (both databases), the "
        "heartbeat at least 0.15 of `/ping`'s on PostgreSQL with 1,000 distinct users; zero "
        f'errors and no "{LOCKED}".',
        "",
        *targets_table(runs),
        "",
        "Each page's target beside its floor's ratio, measured in the same run: a target "
        "above the floor cannot be met by any page doing that much on these libraries on "
        "this machine, whatever the app leaves out.",
        "",
        *floors_table(runs),
        "",
        *notes(path),
        "",
        "## History",
        "",
        HISTORY_BEGIN,
        HISTORY_HEADER,
        *new_rows,
        *history_rows(path),
        HISTORY_END,
        *following_sections(path),
        "",
    ]
    if options.connections != 32:
        lines.insert(lines.index("## Targets") + 2,
                     f"This run used {options.connections} connections, not 32: it does not "
                     "show whether the targets are met.\n")
    path.write_text("\n".join(lines))


# --- command line ----------------------------------------------------------------------------


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql",
                        help="comma-separated: sqlite, postgresql (default: both)")
    parser.add_argument("--participants", type=int, default=1200,
                        help="synthetic participants to generate (default: 1200)")
    parser.add_argument("--signed-in", type=int, default=1000,
                        help="participants to sign in and rotate among (default: 1000)")
    parser.add_argument("--duration", type=int, default=5,
                        help="seconds per scenario and round (default: 5)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="times the scenarios run in turn; the figures add up over the "
                             "rounds (default: 3)")
    parser.add_argument("--warmup", type=int, default=2,
                        help="seconds of unmeasured load before each measurement (default: 2)")
    parser.add_argument("--connections", type=int, default=32,
                        help="concurrent connections (default: 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default: 2)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default: 2)")
    parser.add_argument("--module", default="changing-mindsets",
                        help="slug of the module whose page is requested")
    parser.add_argument("--postgresql-url", default=DEFAULT_POSTGRESQL_URL,
                        help="PostgreSQL database to create, use and drop "
                             f"(default: {DEFAULT_POSTGRESQL_URL})")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md",
                        help="the report to write (default: BENCHMARKS.md)")
    parser.add_argument("--note", help="a few words on this run, kept in the report's history")
    parser.add_argument("--keep", action="store_true",
                        help="keep each database's temporary folder (server log, data files)")
    parser.add_argument("--reports", metavar="SIZES",
                        help="then time the report pages and the CSV export for cohorts of "
                             "these sizes (e.g. 1000,10000,50000) on the same databases, with "
                             "scripts/bench_reports.py, and write their section too")
    parser.add_argument("--only-reports", action="store_true",
                        help="skip the load benchmark; only the report pages (needs --reports)")
    options = parser.parse_args(argv)
    if options.only_reports and not options.reports:
        parser.error("--only-reports needs --reports SIZES")
    options.databases = [name.strip() for name in options.databases.split(",") if name.strip()]
    unknown = set(options.databases) - {"sqlite", "postgresql"}
    if unknown or not options.databases:
        parser.error(f"--databases takes sqlite and/or postgresql, not {', '.join(unknown)}")
    for name in ("participants", "signed_in", "duration", "rounds", "connections", "threads",
                 "workers"):
        if getattr(options, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    if options.warmup < 0:
        parser.error("--warmup cannot be negative")
    if options.connections < options.threads:
        parser.error("--connections must be at least --threads")
    options.signed_in = min(options.signed_in, options.participants)
    return options


def report_pages(options) -> int:
    """Time the report pages at the sizes asked (`--reports`), in a process of their own."""
    command = [sys.executable, str(ROOT / "scripts" / "bench_reports.py"),
               "--databases", ",".join(options.databases), "--sizes", options.reports,
               "--postgresql-url", options.postgresql_url.rsplit("/", 1)[0]
               + "/learning_reports_bench", "--write"]
    say("report pages: " + " ".join(command[1:]))
    return subprocess.run(command, cwd=ROOT, check=False).returncode  # noqa: S603


def main(argv: list[str]) -> int:
    """Run the benchmark; 0 when every target is met, 1 on failure or a missed target."""
    options = parse_arguments(argv)
    if options.only_reports:
        ensure_environment()
        return report_pages(options)
    if shutil.which("wrk") is None:
        print("wrk is not installed. Install it (Debian/Ubuntu: `apt-get install wrk`) and run "
              "the benchmark again.", file=sys.stderr)
        return 1
    ensure_environment()
    started = datetime.now(UTC)
    options.load_before = os.getloadavg()[0]
    if options.load_before >= BUSY_LOAD:
        say(f"the load average is {options.load_before:.2f}: other processes are using the CPU "
            "and will skew the figures; a quiet machine gives steadier ratios")
    try:
        runs = [benchmark_database(database, options) for database in options.databases]
    except BenchmarkError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    print_summary(runs)
    write_report(options.output, runs, options, started)
    say(f"wrote {options.output}")
    failed = 0 if all(run.passed for run in runs) else 1
    if options.reports:
        failed = report_pages(options) or failed
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
