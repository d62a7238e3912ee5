"""Load and fault test: participants working through the course while things break.

For each database it builds a fresh installation (as scripts/benchmark.py does), starts
gunicorn with four workers and lets 64 simulated participants work for 60 seconds: module
pages, progress heartbeats, readings and recordings marked done, self-assessments taken.

Every write a participant makes is its own and is made once: a heartbeat reports a stretch
of a recording that none of that participant's earlier heartbeats covered, each item is
marked done and each self-assessment phase submitted until the server acknowledges it and
never after. A heartbeat whose answer never came is not sent again either (its stretch is
skipped). So a write lost in a crash is not written again before the check reads it. Each
acknowledged write goes into a ledger as it is acknowledged: `ledger.jsonl` in the run's
temporary folder, one JSON object a line saying what was written, by whom and when the
answer came. Then, with the server stopped, every entry of the ledger is looked for in the
database (the stretch inside the recording's merged intervals, the item complete, the
self-assessment phase submitted with the answers sent) and the ones missing are reported
as lost, by kind. It checks too that no entry repeats an earlier one, zero 5xx outside an
outage the run caused, and exactly one certificate for each participant who completed the
course and none for anyone else.

Faults, one run each: none; one worker killed with SIGKILL mid-run; and on PostgreSQL the
server stopped mid-run, cleanly (`-m fast`) and as a crash (`-m immediate`), then started
again: `/healthz` must answer 503 while it is down and 200 after, and the app must recover
without a restart. Stopping PostgreSQL stops it for everything on the machine: run this
where nothing else needs the database.

    python3 scripts/faults.py [--databases sqlite,postgresql] [--faults none,kill-worker,...]
                              [--participants 64] [--duration 60] [--workers 4]

Writes the figures into RELIABILITY.md (between its "faults" markers). A failed run keeps
its server log and its ledger in the system's temporary folder.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchmark  # noqa: E402 - the installation, sign-in and environment helpers
from benchmark import ROOT, BenchmarkError, Installation, say  # noqa: E402

FAULTS = ("none", "kill-worker", "restart-postgresql", "crash-postgresql")
REPORT = ROOT / "RELIABILITY.md"
BEGIN, END = "<!-- faults: written by scripts/faults.py -->", "<!-- end of faults -->"
# What the ledger holds, by the kind of each entry.
KINDS = {"interval": "watched intervals", "completion": "item completions",
         "submission": "self-assessment submissions"}
# The most of a recording one heartbeat reports, and the grid its stretches' ends lie on:
# halves of a second are exact in binary and after the server rounds to milliseconds.
STRETCH_SECONDS = 4.0
GRID_SECONDS = 0.5
# The share of the server's allowance for the pace of watching a stretch keeps within.
PACE_MARGIN = 0.8


@dataclass
class Step:
    """An item of the course, as a participant meets it."""

    id: int
    kind: str
    page: str
    duration: int | None = None
    transcript_completes: bool = False
    assessment: str | None = None  # the instrument's take path, without the phase
    instrument_id: int | None = None
    phases: tuple[str, ...] = ()


@dataclass
class Outcome:
    """What one participant saw, and which of their writes are made and need no sending."""

    statuses: Counter = field(default_factory=Counter)
    failures: int = 0  # connections refused or reset: nothing acknowledged
    completed: set[int] = field(default_factory=set)  # items acknowledged complete
    submitted: set[tuple[int, str]] = field(default_factory=set)  # (instrument id, phase)
    # Recording id: where the next stretch to report starts, and when (time.monotonic())
    # the answer to the previous report came (or its failure was seen).
    watched_to: dict[int, float] = field(default_factory=dict)
    reported_at: dict[int, float] = field(default_factory=dict)


class Ledger:
    """Every write the server acknowledged, a JSON object a line, written as it comes.

    Each entry has its `kind` (see KINDS), `email` (whose write), what was written (`item`
    and `interval`; `item`; `instrument`, `phase` and `answers`) and `acknowledged_at`, the
    UTC time the answer came. Participants' threads share it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._file = path.open("a", encoding="utf-8")

    def record(self, kind: str, email: str, **written) -> None:
        """Add an acknowledged write."""
        entry = {"kind": kind, "email": email, **written,
                 "acknowledged_at": datetime.now(UTC).isoformat(timespec="milliseconds")}
        with self._lock:
            self._file.write(json.dumps(entry, sort_keys=True) + "\n")
            self._file.flush()

    def close(self) -> None:
        self._file.close()


def read_ledger(path: Path) -> list[dict]:
    """The entries of a ledger file, in the order they were acknowledged."""
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


class Browser:
    """One participant's cookies, with redirects not followed."""

    def __init__(self, base: str, outcome: Outcome) -> None:
        self.base = base
        self.outcome = outcome
        self.location = ""  # the path the last answer redirected to
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect())

    def open(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - http only
        self.location = ""
        try:
            with self._opener.open(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode("utf-8", "replace")
            self.location = urllib.parse.urlsplit(error.headers.get("Location", "")).path
        except (OSError, urllib.error.URLError):
            self.outcome.failures += 1
            return 0, ""
        self.outcome.statuses[status] += 1
        return status, text

    def token(self, path: str) -> tuple[int, str | None, str]:
        status, text = self.open(path)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', text)
        return status, found.group(1) if found else None, text


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def course_steps(installation: Installation) -> tuple[list[Step], str]:
    """The published items in course order, and the course's slug."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from learning.catalog.models import Course, Item, Module
    from learning.instruments.models import Instrument

    engine = installation.engine()
    try:
        with Session(engine) as session:
            course = session.scalars(select(Course).order_by(Course.id)).first()
            rows = session.execute(
                select(Item, Module.slug, Instrument).join(Module)
                .outerjoin(Instrument, Item.instrument_id == Instrument.id)
                .where(Module.course_id == course.id, Module.is_published.is_(True))
                .order_by(Module.position, Item.position)
            ).all()
            steps = []
            for item, module_slug, instrument in rows:
                page = f"/courses/{course.slug}/modules/{module_slug}/items/{item.slug}"
                step = Step(item.id, item.kind, page, item.duration_seconds,
                            item.transcript_completes)
                if instrument is not None:
                    step.assessment = f"/courses/{course.slug}/assessments/{instrument.slug}"
                    step.instrument_id = instrument.id
                    step.phases = (("before", "after") if instrument.is_before_after
                                   else ("single",))
                steps.append(step)
            return steps, course.slug
    finally:
        engine.dispose()


def start_afresh(installation: Installation, emails: list[str]) -> None:
    """Clear the chosen synthetic participants' progress and answers: they start the course.

    The synthetic cohort gives them varied progress written straight into the tables, and
    certificates to those it made complete; all of it goes, their recorded completions of
    the course too (one left standing would earn a certificate at the next item done), so
    that every completion and certificate is the run's.
    """
    from sqlalchemy import delete, select
    from sqlalchemy.orm import Session

    from learning.accounts.models import User
    from learning.assessments.models import Answer, Response
    from learning.certificates.models import Certificate, CertificateEvent
    from learning.progress.models import CourseCompletion, Progress

    engine = installation.engine()
    try:
        with Session(engine) as session, session.begin():
            ids = select(User.id).where(User.email.in_(emails))
            responses = select(Response.id).where(Response.user_id.in_(ids))
            session.execute(delete(Answer).where(Answer.response_id.in_(responses)))
            session.execute(delete(Response).where(Response.user_id.in_(ids)))
            session.execute(delete(Progress).where(Progress.user_id.in_(ids)))
            session.execute(delete(CourseCompletion).where(CourseCompletion.user_id.in_(ids)))
            certificates = select(Certificate.id).where(Certificate.user_id.in_(ids))
            session.execute(delete(CertificateEvent)
                            .where(CertificateEvent.certificate_id.in_(certificates)))
            session.execute(delete(Certificate).where(Certificate.user_id.in_(ids)))
    finally:
        engine.dispose()


def next_stretch(step: Step, outcome: Outcome, now: float) -> tuple[float, float] | None:
    """The next stretch of a recording to report: not reported before, and credited whole.

    The server credits a report with at most MAX_PLAYBACK_RATE times the time since the
    previous report of the recording (FIRST_REPORT_ALLOWANCE_SECONDS for the first), and
    drops the rest. The stretch keeps within PACE_MARGIN of that, counted from when the
    previous report's answer came (the server received that report earlier, this one
    later), so that what is acknowledged is stored whole or lost, never clipped. None when
    the recording is all reported, or too little time has passed for half a second.
    """
    from learning.progress import rules

    start = outcome.watched_to.get(step.id, 0.0)
    last = outcome.reported_at.get(step.id)
    allowance = (rules.FIRST_REPORT_ALLOWANCE_SECONDS if last is None
                 else rules.MAX_PLAYBACK_RATE * (now - last))
    length = min(STRETCH_SECONDS, PACE_MARGIN * allowance, step.duration - start)
    length = math.floor(length / GRID_SECONDS) * GRID_SECONDS
    return (start, start + length) if length > 0 else None


def watch(browser: Browser, step: Step, token: str, email: str, ledger: Ledger) -> None:
    """Report the next stretch of a recording, once; put it in the ledger if acknowledged."""
    outcome = browser.outcome
    stretch = next_stretch(step, outcome, time.monotonic())
    if stretch is None:
        return
    status, _ = browser.open(f"/progress/items/{step.id}/watch", {
        "csrf_token": token, "intervals": json.dumps([list(stretch)]),
        "position": str(stretch[1])})
    # Sent once, whatever the answer: a report that failed may or may not be stored.
    outcome.watched_to[step.id] = stretch[1]
    outcome.reported_at[step.id] = time.monotonic()
    if status == 200:
        ledger.record("interval", email, item=step.id, interval=list(stretch))


def complete(browser: Browser, step: Step, token: str, how: str, email: str,
             ledger: Ledger) -> None:
    """Mark an item done; once acknowledged (back to its page), never again."""
    status, _ = browser.open(f"/progress/items/{step.id}/complete",
                             {"csrf_token": token, "how": how})
    if status == 302 and browser.location == step.page:
        browser.outcome.completed.add(step.id)
        ledger.record("completion", email, item=step.id)


def take(browser: Browser, step: Step, phase: str, email: str, ledger: Ledger) -> None:
    """Answer every statement of an open phase and submit; ledger an acknowledged one.

    The answers are drawn from the participant, instrument and phase, so that a submission
    tried again after a failed one sends the same answers.
    """
    path = f"{step.assessment}/{phase}"
    status, token, text = browser.token(path)
    if status != 200 or token is None:
        return  # closed, waiting or already taken: the server said so with a redirect
    fields = {"csrf_token": token, "action": "submit"}
    hidden = re.search(r'name="token"[^>]*value="([^"]+)"', text) or re.search(
        r'value="([^"]+)"[^>]*name="token"', text)
    if hidden:
        fields["token"] = hidden.group(1)
    chooser = random.Random(f"{email} {step.instrument_id} {phase}")  # noqa: S311 - not secret
    answers = {}
    for name in sorted(set(re.findall(r'type="radio"[^>]*name="s-([^"]+)"', text))):
        answers[name] = chooser.randint(1, 5)
        fields[f"s-{name}"] = str(answers[name])
    status, _ = browser.open(path, fields)
    # Submitted, now or by an earlier try whose answer was lost: the results page.
    if status == 302 and browser.location == f"{step.assessment}/results":
        browser.outcome.submitted.add((step.instrument_id, phase))
        ledger.record("submission", email, instrument=step.instrument_id, phase=phase,
                      answers=answers)


def participant(base: str, email: str, password: str, steps: list[Step], course: str,
                deadline: float, outcome: Outcome, ledger: Ledger) -> None:
    """Sign in, work through the course in order, then keep watching until the deadline.

    Every round visits each item's page; what is left to write there (a stretch of a
    recording, a completion, a self-assessment phase) is written, and nothing already
    acknowledged is sent again.
    """
    browser = Browser(base, outcome)
    while time.monotonic() < deadline:
        _, token, _ = browser.token("/sign-in")
        if token and browser.open("/sign-in", {"csrf_token": token, "email": email,
                                               "password": password})[0] == 302:
            break
        time.sleep(0.5)
    while time.monotonic() < deadline:
        for step in steps:
            if time.monotonic() >= deadline:
                return
            status, token, _ = browser.token(step.page)
            if status != 200 or token is None:
                time.sleep(0.2)
                continue
            if step.kind == "recording" and step.duration:
                watch(browser, step, token, email, ledger)
            how = {"reading": "read", "recording": "transcript"}.get(step.kind)
            if (how and (step.kind == "reading" or step.transcript_completes)
                    and step.id not in outcome.completed):
                complete(browser, step, token, how, email, ledger)
            for phase in step.phases:
                if (step.instrument_id, phase) not in outcome.submitted:
                    take(browser, step, phase, email, ledger)
        browser.open(f"/courses/{course}")


def worker_pids(installation: Installation) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(installation.process.pid)],  # noqa: S603, S607
                           capture_output=True, text=True, check=False)
    return [int(pid) for pid in found.stdout.split()]


def postgresql(action: str, mode: str = "fast") -> None:
    version = next(iter(sorted(os.listdir("/etc/postgresql"))))
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main",  # noqa: S603, S607
                    action, "-m", mode], check=True, capture_output=True)


def health(base: str) -> int:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@dataclass
class FaultRun:
    database: str
    fault: str
    outcomes: list[Outcome]
    checks: dict[str, tuple[object, bool]]
    health_during: list[int] = field(default_factory=list)
    health_after: int = 0
    acknowledged: int = 0  # entries in the ledger

    @property
    def passed(self) -> bool:
        return all(ok for _, ok in self.checks.values())


def inject(fault: str, installation: Installation, started: float, duration: int,
           run: FaultRun) -> None:
    """Break something a third of the way through the run; watch /healthz meanwhile."""
    time.sleep(max(0.0, started + duration / 3 - time.monotonic()))
    base = installation.base_url
    if fault == "kill-worker":
        pids = worker_pids(installation)
        if pids:
            os.kill(pids[0], signal.SIGKILL)
    elif fault in ("restart-postgresql", "crash-postgresql"):
        postgresql("stop", "immediate" if fault == "crash-postgresql" else "fast")
        for _ in range(5):
            run.health_during.append(health(base))
            time.sleep(1)
        postgresql("start")
    # Recovered without restarting the app: /healthz answers 200 again.
    for _ in range(60):
        run.health_after = health(base)
        if run.health_after == 200:
            break
        time.sleep(1)


def lost_writes(session, entries: list[dict]) -> list[dict]:
    """The ledger's entries that the database does not hold.

    A watched interval is held if one of the recording's merged intervals contains it; an
    item completion if the item's progress is complete; a self-assessment submission if
    the phase's response is submitted with the answers that were sent.
    """
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from learning.accounts.models import User
    from learning.assessments.models import Response
    from learning.progress import rules
    from learning.progress.models import Progress

    emails = sorted({entry["email"] for entry in entries})
    ids = dict(session.execute(select(User.email, User.id).where(User.email.in_(emails))).all())
    progress = {(row.user_id, row.item_id): row for row in session.scalars(
        select(Progress).where(Progress.user_id.in_(ids.values())))}
    responses = {(row.user_id, row.instrument_id, row.phase): row for row in session.scalars(
        select(Response).options(selectinload(Response.answers))
        .where(Response.user_id.in_(ids.values())))}
    lost = []
    for entry in entries:
        user_id = ids.get(entry["email"])
        if entry["kind"] == "interval":
            row = progress.get((user_id, entry["item"]))
            start, end = entry["interval"]
            held = row is not None and any(
                low <= start and end <= high for low, high in row.detail.get("intervals", []))
        elif entry["kind"] == "completion":
            row = progress.get((user_id, entry["item"]))
            held = row is not None and row.status == rules.COMPLETE
        elif entry["kind"] == "submission":
            row = responses.get((user_id, entry["instrument"], entry["phase"]))
            held = (row is not None and row.status == "submitted"
                    and row.values == entry["answers"])
        else:
            raise ValueError(f"unknown kind of write in the ledger: {entry['kind']!r}")
        if not held:
            lost.append(entry)
    return lost


def repeated_writes(entries: list[dict]) -> list[dict]:
    """The ledger's entries that write again what an earlier one wrote.

    None when every acknowledged write is unique: an interval overlapping an earlier one of
    the same participant and recording, a second completion of an item or a second
    submission of a phase is a repeat.
    """
    seen, stretches, repeated = set(), {}, []
    for entry in entries:
        if entry["kind"] == "interval":
            earlier = stretches.setdefault((entry["email"], entry["item"]), [])
            start, end = entry["interval"]
            if any(start < high and low < end for low, high in earlier):
                repeated.append(entry)
            earlier.append((start, end))
            continue
        key = (entry["kind"], entry["email"], entry.get("item"), entry.get("instrument"),
               entry.get("phase"))
        if key in seen:
            repeated.append(entry)
        seen.add(key)
    return repeated


def verify(installation: Installation, emails: list[str], outcomes: list[Outcome],
           entries: list[dict], course_slug: str,
           outage: bool) -> dict[str, tuple[object, bool]]:
    """Check every entry of the ledger against the database, and the certificates."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from learning.accounts.models import User
    from learning.catalog.models import Course
    from learning.certificates.models import Certificate
    from learning.progress import completion, rules
    from learning.progress.models import Progress

    engine = installation.engine()
    try:
        with Session(engine) as session:
            lost = Counter(entry["kind"] for entry in lost_writes(session, entries))
            course = session.scalars(select(Course).where(Course.slug == course_slug)).one()
            ids = dict(session.execute(select(User.email, User.id)
                                       .where(User.email.in_(emails))).all())
            # Required items of published modules, by the one rule's query.
            required = set(session.scalars(completion.required_items(course.id)))
            completers = {
                user_id for user_id in ids.values()
                if required and required <= {row.item_id for row in session.scalars(
                    select(Progress).where(Progress.user_id == user_id,
                                           Progress.status == rules.COMPLETE))}
            }
            certificates = Counter(session.scalars(
                select(Certificate.user_id).where(Certificate.course_id == course.id,
                                                  Certificate.user_id.in_(ids.values()))))
    finally:
        engine.dispose()
    acknowledged = Counter(entry["kind"] for entry in entries)
    repeated = len(repeated_writes(entries))
    five_hundreds = sum(count for outcome in outcomes
                        for status, count in outcome.statuses.items() if status >= 500)
    server_errors = sum(outcome.statuses.get(500, 0) for outcome in outcomes)
    wrong_certificates = sum(1 for user_id in ids.values()
                             if certificates.get(user_id, 0) != (user_id in completers))
    checks = {
        f"{name} lost": (f"{lost[kind]:,} of {acknowledged[kind]:,} acknowledged",
                         lost[kind] == 0)
        for kind, name in KINDS.items()
    }
    checks["acknowledged writes sent again"] = (repeated, repeated == 0)
    checks.update({
        "completers": (len(completers), True),
        "completers without exactly one certificate": (wrong_certificates,
                                                       wrong_certificates == 0),
        "500 answers": (server_errors, server_errors == 0),
    })
    if not outage:
        checks["5xx answers"] = (five_hundreds, five_hundreds == 0)
    else:
        checks["503 answers during the outage"] = (five_hundreds - server_errors, True)
    return checks


def run_failed(run: FaultRun | None) -> bool:
    """True if the run did not finish, or finished with a failed check."""
    return run is None or not run.checks or not run.passed


def run_fault(database: str, fault: str, options: argparse.Namespace) -> FaultRun:
    workdir = Path(tempfile.mkdtemp(prefix=f"learning-faults-{database}-"))
    installation = Installation(database, options.postgresql_url, options.workers, workdir)
    run = None
    try:
        say(f"{database}, {fault}: building")
        installation.create_database()
        password = installation.populate(options.participants).read_text().strip()
        steps, course_slug = course_steps(installation)
        emails = benchmark.describe(installation, "changing-mindsets", options.participants)[2]
        start_afresh(installation, emails)
        installation.start()
        outcomes = [Outcome() for _ in emails]
        ledger = Ledger(workdir / "ledger.jsonl")
        run = FaultRun(database, fault, outcomes, {})
        started = time.monotonic()
        deadline = started + options.duration
        threads = [threading.Thread(target=participant, args=(
            installation.base_url, email, password, steps, course_slug, deadline, outcome,
            ledger)) for email, outcome in zip(emails, outcomes, strict=True)]
        breaker = threading.Thread(target=inject, args=(
            fault, installation, started, options.duration, run))
        say(f"{database}, {fault}: {len(threads)} participants for {options.duration} s")
        for thread in [*threads, breaker]:
            thread.start()
        for thread in [*threads, breaker]:
            thread.join()
        installation.stop()
        ledger.close()
        entries = read_ledger(ledger.path)
        run.acknowledged = len(entries)
        run.checks = verify(installation, emails, outcomes, entries, course_slug,
                            outage=fault.endswith("postgresql"))
        if fault.endswith("postgresql"):
            run.checks["/healthz during the outage"] = (
                run.health_during, bool(run.health_during) and set(run.health_during) <= {503})
        if fault != "none":
            run.checks["/healthz after"] = (run.health_after, run.health_after == 200)
        return run
    finally:
        installation.stop()
        if database == "postgresql":
            for _ in range(30):
                if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"],  # noqa: S603, S607
                                  check=False).returncode == 0:
                    break
                time.sleep(1)
        installation.drop_database()
        if run_failed(run):
            for path, suffix in ((installation.log_path, "log"),
                                 (workdir / "ledger.jsonl", "jsonl")):
                if path.exists():
                    kept = (Path(tempfile.gettempdir())
                            / f"learning-faults-{database}-{fault}.{suffix}")
                    shutil.copy(path, kept)
                    say(f"{database}, {fault}: kept {kept}")
        shutil.rmtree(workdir, ignore_errors=True)


def report(runs: list[FaultRun], options: argparse.Namespace) -> list[str]:
    lines = [
        BEGIN,
        f"Last run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {options.participants} "
        f"participants for {options.duration} s against gunicorn with {options.workers} "
        f"workers, on a machine with {os.cpu_count()} CPUs.",
        "",
        "| database | fault | requests | 2xx/3xx | 4xx | 5xx | connection errors | "
        "acknowledged writes | checks |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for run in runs:
        statuses = Counter()
        for outcome in run.outcomes:
            statuses.update(outcome.statuses)
        total = sum(statuses.values())
        ok = sum(c for s, c in statuses.items() if s < 400)
        client = sum(c for s, c in statuses.items() if 400 <= s < 500)
        server = sum(c for s, c in statuses.items() if s >= 500)
        failures = sum(outcome.failures for outcome in run.outcomes)
        lines.append(f"| {run.database} | {run.fault} | {total:,} | {ok:,} | {client:,} | "
                     f"{server:,} | {failures:,} | {run.acknowledged:,} | "
                     f"{'PASS' if run.passed else 'FAIL'} |")
    lines += ["", "Checks, per run:", ""]
    for run in runs:
        details = "; ".join(f"{name}: {value}{'' if ok else ' (FAIL)'}"
                            for name, (value, ok) in run.checks.items())
        statuses = Counter()
        for outcome in run.outcomes:
            statuses.update(outcome.statuses)
        answers = ", ".join(f"{status}: {count:,}" for status, count in sorted(statuses.items()))
        lines.append(f"- {run.database}, {run.fault}: {details}; answers by status: {answers}")
    lines.append(END)
    return lines


def write_report(lines: list[str]) -> None:
    text = REPORT.read_text() if REPORT.exists() else ""
    block = "\n".join(lines)
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    REPORT.write_text(text)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--faults", default=",".join(FAULTS))
    parser.add_argument("--participants", type=int, default=64)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--postgresql-url", default=benchmark.DEFAULT_POSTGRESQL_URL.replace(
        "learning_bench", "learning_faults"))
    options = parser.parse_args(argv)
    benchmark.ensure_environment()
    runs = []
    try:
        for database in options.databases.split(","):
            for fault in options.faults.split(","):
                if fault.endswith("postgresql") and database != "postgresql":
                    continue
                runs.append(run_fault(database, fault, options))
                say(f"{database}, {fault}: {'PASS' if runs[-1].passed else 'FAIL'}")
    except BenchmarkError as error:
        print(f"faults: {error}", file=sys.stderr)
        return 2
    lines = report(runs, options)
    print("\n".join(lines))
    write_report(lines)
    return 0 if all(run.passed for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
