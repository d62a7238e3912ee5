"""`flask demo load` and `flask demo generate`: demo accounts, a demo cohort, synthetic cohorts."""

import json
import random
import secrets
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import insert, select

from learning.accounts.models import User, UserRole, email_key
from learning.accounts.passwords import hash_password, password_problem
from learning.assessments import answering, asked
from learning.assessments.models import Answer, Response
from learning.catalog.models import Course, Item, Module
from learning.certificates import services as certificates
from learning.certificates import status
from learning.certificates.models import Certificate, CertificateEvent
from learning.cohorts.joining import new_join_code
from learning.cohorts.models import Cohort, Enrolment
from learning.config import ROOT
from learning.content.importer import ContentInvalid, import_content
from learning.database import db, write_transaction
from learning.progress import completion
from learning.progress.models import Progress
from learning.time_zones import local_date

demo_cli = AppGroup("demo", help="Demo accounts, cohort and synthetic data.")

DEMO_COHORT = "Demo cohort"
DEMO_PARTICIPANTS = 60  # synthetic participants in the demo cohort beside the demo accounts
DEMO_ACCOUNTS = (
    ("admin", "admin@example.org", "Ada Admin"),
    ("facilitator", "facilitator@example.org", "Fola Facilitator"),
    ("manager", "manager@example.org", "Manu Manager"),
    ("participant", "participant@example.org", "Pat Participant"),
)


def _credentials_file() -> Path:
    return Path(current_app.instance_path) / "demo-accounts.json"


def _demo_passwords() -> dict[str, str]:
    """Passwords of the demo accounts: generated once per installation and kept in instance/."""
    path = _credentials_file()
    if path.exists():
        return json.loads(path.read_text())
    passwords = {email: secrets.token_urlsafe(12) for _, email, _ in DEMO_ACCOUNTS}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(passwords, indent=2))
    path.chmod(0o600)
    return passwords


def _ensure_user(email: str, name: str, role: str, password: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email_key(email)))
    if user is None:
        user = User(email=email_key(email), name=name, organisation="Demo ministry",
                    country="BB", job_title="Demo account", password_hash="")
        db.session.add(user)
    user.password_hash = hash_password(password)
    if role not in user.role_names:
        user.roles.append(UserRole(role=role))
    db.session.flush()
    return user


def load_demo(modules_dir: Path) -> list[str]:
    """Import the course content, then create or refresh the demo accounts and cohort.

    Returns the lines to print: one per account, then the cohort's join code.
    """
    import_content(modules_dir)
    course = db.session.scalars(select(Course).order_by(Course.id)).first()
    cohort = db.session.scalar(
        select(Cohort).where(Cohort.course_id == course.id, Cohort.name == DEMO_COHORT)
    )
    if cohort is None:
        cohort = Cohort(course_id=course.id, name=DEMO_COHORT, join_code=new_join_code())
        db.session.add(cohort)
        db.session.flush()

    passwords = _demo_passwords()
    lines = []
    for role, email, name in DEMO_ACCOUNTS:
        user = _ensure_user(email, name, role, passwords[email])
        if role == "facilitator" and user not in course.facilitators:
            course.facilitators.append(user)
        if role == "manager" and user not in cohort.managers:
            cohort.managers.append(user)
        if role == "participant" and not db.session.scalar(
            select(Enrolment).where(Enrolment.cohort_id == cohort.id,
                                    Enrolment.user_id == user.id)
        ):
            db.session.add(Enrolment(cohort_id=cohort.id, user_id=user.id))
        lines.append(f"{role:<12} {email:<28} {passwords[email]}")
    db.session.flush()
    if not db.session.scalar(
        select(Enrolment.id).join(User, User.id == Enrolment.user_id)
        .where(Enrolment.cohort_id == cohort.id, User.email.like("synthetic-%")).limit(1)
    ):
        # Enough synthetic colleagues that every report, self-assessment results included
        # (shown for groups of ASSESSMENT_MIN_GROUP or more), has something to show.
        generate_cohort(course, DEMO_PARTICIPANTS, cohort=cohort)
    lines.append(f"join code    {cohort.join_code} ({cohort.name}: {course.title})")
    return lines


@demo_cli.command("load")
@click.option("--modules", "modules_dir", type=click.Path(exists=True, file_okay=False,
              path_type=Path), default=ROOT / "modules", show_default=True,
              help="The course content folder to import.")
def load_command(modules_dir: Path) -> None:
    """Import modules/, create the demo accounts and cohort, and print how to sign in."""
    with write_transaction():
        try:
            lines = load_demo(modules_dir)
        except ContentInvalid as invalid:
            for error in invalid.errors:
                click.echo(str(error), err=True)
            raise click.ClickException(f"{modules_dir} has errors: nothing was loaded.") from None
        db.session.commit()
    click.echo("Demo accounts (role, email, password) and the demo cohort's join code:")
    for line in lines:
        click.echo(f"  {line}")


def generate_cohort(course: Course, participants: int, seed: int = 2024,
                    password: str | None = None, cohort: Cohort | None = None) -> Cohort:
    """A synthetic cohort of participants with varied progress, for benchmarks and reports.

    Into `cohort` when given, else a new one. Participants joined over the last two months
    and worked through the items in order at their own pace, so some finished (and hold a
    certificate, issued when they did), some are still going and some stalled weeks ago.
    The demo manager, when there is one, is attached to the cohort.

    Participants share one password hash (hashing thousands is slow and proves nothing here):
    `password` when given (a benchmark signs them in), else a random one nobody knows.
    """
    rng = random.Random(seed)  # a fixed seed gives the same cohort each time
    items = db.session.scalars(
        select(Item).join(Module).where(Module.course_id == course.id)
        .order_by(Module.position, Item.position)
    ).all()
    if cohort is None:
        cohort = Cohort(course_id=course.id, name=f"Synthetic cohort {secrets.token_hex(3)}",
                        join_code=new_join_code(), starts_on=date(2024, 2, 21))
        db.session.add(cohort)
        db.session.flush()
    shared_hash = hash_password(password or secrets.token_urlsafe(16))
    tag = secrets.token_hex(4)
    now = datetime.now(UTC)
    user_rows = [
        {"email": f"synthetic-{tag}-{n:05d}@example.org", "name": f"Participant {n:05d}",
         "organisation": rng.choice(["Ministry of Finance", "Ministry of Health",
                                     "Public Service Commission", "Digital Agency"]),
         # ISO codes: Barbados, Jamaica, Saint Lucia, Grenada, Belize.
         "country": rng.choice(["BB", "JM", "LC", "GD", "BZ"]),
         "job_title": "Officer", "password_hash": shared_hash, "is_active": True,
         "created_at": now}
        for n in range(participants)
    ]
    user_ids = db.session.scalars(insert(User).returning(User.id), user_rows).all()
    # Dates draw from their own generator, so the progress a seed gives stays the same.
    time_rng = random.Random(seed + 2)
    joined = {uid: now - timedelta(days=time_rng.randint(20, 60), hours=time_rng.randint(0, 23))
              for uid in user_ids}
    db.session.execute(insert(UserRole), [{"user_id": uid, "role": "participant",
                                           "granted_at": joined[uid]} for uid in user_ids])
    db.session.execute(insert(Enrolment), [{"cohort_id": cohort.id, "user_id": uid,
                                            "enrolled_at": joined[uid]} for uid in user_ids])
    instruments = {instrument.id: instrument for instrument in asked.instruments_of(course)}
    # Answers draw from their own generator, so the progress a seed gives stays the same.
    answer_rng = random.Random(seed + 1)
    progress_rows, answered = [], []
    for uid in user_ids:
        reached = rng.randint(0, len(items))
        answers = _synthetic_answers(answer_rng, uid, items, reached, instruments, now)
        answered.extend(answers)
        # One item every few hours to a few days from joining; never in the future.
        at = joined[uid]
        for index, item in enumerate(items[:reached + 1]):
            at = min(at + timedelta(hours=time_rng.randint(2, 96)), now)
            complete = index < reached
            if item.instrument_id in instruments:
                # A self-assessment is complete once its completing phase is submitted.
                phase = asked.completing_phase(instruments[item.instrument_id])
                complete = any(a["response"]["phase"] == phase
                               and a["response"]["instrument_id"] == item.instrument_id
                               for a in answers)
            detail = {}
            if item.kind == "recording":
                end = item.duration_seconds if complete else rng.randint(1, item.duration_seconds)
                detail = {"intervals": [[0, end]], "position": end}
            progress_rows.append({
                "user_id": uid, "item_id": item.id,
                "status": "complete" if complete else "in_progress", "detail": detail,
                "started_at": at, "updated_at": at,
                "completed_at": at if complete else None,
            })
    if progress_rows:
        db.session.execute(insert(Progress), progress_rows)
    if answered:
        # Each answer records its respondent's country and organisation, as a submission does.
        profiles = {uid: {"country": row["country"], "organisation": row["organisation"]}
                    for uid, row in zip(user_ids, user_rows, strict=True)}
        response_ids = db.session.scalars(
            insert(Response).returning(Response.id, sort_by_parameter_order=True),
            [{**a["response"], **profiles[a["response"]["user_id"]]} for a in answered]).all()
        db.session.execute(insert(Answer), [
            {"response_id": response_id, "statement_key": key, "value": value}
            for response_id, a in zip(response_ids, answered, strict=True)
            for key, value in a["values"].items()
        ])
    _certify_completers(course, cohort, tag, rng)
    manager = db.session.scalar(select(User).where(User.email == _DEMO_MANAGER))
    if manager is not None and manager not in cohort.managers:
        cohort.managers.append(manager)
    db.session.flush()
    return cohort


_DEMO_MANAGER = next(email for role, email, _name in DEMO_ACCOUNTS if role == "manager")


def _certify_completers(course: Course, cohort: Cohort, tag: str,
                        rng: random.Random) -> None:
    """Certificates for the participants just generated who completed the course.

    Decided by the rule, issued when they completed, as the platform would have done; in
    bulk, as thousands are issued at once.
    """
    generated = select(User.id).where(User.email.like(f"synthetic-{tag}-%"))
    completed_at = completion.completion_times(course.id, generated)
    if not completed_at:
        return
    taken = set(db.session.scalars(select(Certificate.status_index)))
    free = rng.sample(range(status.STATUS_LIST_SIZE),
                      len(completed_at) + len(taken))
    indices = iter(index for index in free if index not in taken)
    names = dict(db.session.execute(
        select(User.id, User.name).where(User.id.in_(generated))).all())
    hours = certificates.learning_hours(course)
    rows = [
        {"user_id": uid, "course_id": course.id, "cohort_id": cohort.id,
         "code": certificates.new_code(), "status_index": next(indices),
         "recipient_name": names[uid], "course_title": course.title,
         "cohort_name": cohort.name, "completed_on": local_date(at, cohort.time_zone),
         "time_zone": cohort.time_zone, "learning_hours": hours,
         "issuers": list(course.issuers or []),
         "wording": course.certificate_wording or None, "issued_at": at}
        for uid, at in sorted(completed_at.items())
    ]
    certificate_ids = db.session.scalars(
        insert(Certificate).returning(Certificate.id, sort_by_parameter_order=True),
        rows).all()
    db.session.execute(insert(CertificateEvent), [
        {"certificate_id": certificate_id, "action": "issued", "at": row["issued_at"]}
        for certificate_id, row in zip(certificate_ids, rows, strict=True)
    ])
    completion.record_many(course.id, completed_at)


def _synthetic_answers(rng: random.Random, user_id: int, items: list[Item], reached: int,
                       instruments: dict, now: datetime) -> list[dict]:
    """Submitted responses for one synthetic participant, following the baseline rule.

    Most set a baseline at enrolment; "after" (and "single") only once everything else before
    the item is done. After answers drift modestly from the baseline, mostly upwards.
    """
    finished = reached == len(items)
    result = []
    for index, item in enumerate(items):
        instrument = instruments.get(item.instrument_id)
        if instrument is None:
            continue
        snap = asked.snapshot(instrument)
        reverse = {s["key"] for d in snap["dimensions"] for s in d["statements"] if s["reverse"]}
        start = {key: rng.randint(2, 4) for key in answering.statement_keys(snap)}
        phases = []
        if instrument.is_before_after:
            if rng.random() < 0.9:
                phases.append(("before", start))
            if finished:
                after = {key: min(5, max(1, value + rng.choice((0, 0, 1)) * (
                    -1 if key in reverse else 1))) for key, value in start.items()}
                phases.append(("after", after))
        elif index < reached:
            phases.append(("single", start))
        for phase, values in phases:
            at = now - timedelta(days=30 if phase == "before" else 1)
            result.append({"response": {
                "user_id": user_id, "instrument_id": instrument.id, "phase": phase,
                "status": "submitted", "version": instrument.version, "snapshot": snap,
                "started_at": at, "updated_at": at, "submitted_at": at,
                "is_baseline": phase == "before"}, "values": values})
    return result


def _read_password_file(path: Path) -> str:
    """The first line of the file, held to the same policy as any other password."""
    lines = path.read_text(encoding="utf-8").splitlines()
    password = lines[0] if lines else ""
    if not password:
        raise click.ClickException(f"{path} has no password on its first line.")
    problem = password_problem(password)
    if problem:
        raise click.ClickException(f"{path}: {problem}")
    return password


@demo_cli.command("generate")
@click.option("--participants", type=click.IntRange(1, 100_000), default=300, show_default=True)
@click.option("--course", "course_slug", help="Course slug (default: the first course).")
@click.option("--seed", type=int, default=2024, show_default=True)
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file whose first line is the participants' password (default: a random "
                   "one nobody knows). A file keeps it out of process lists.")
def generate_command(participants: int, course_slug: str | None, seed: int,
                     password_file: Path | None) -> None:
    """Create a synthetic cohort with N participants and varied progress."""
    password = _read_password_file(password_file) if password_file else None
    with write_transaction():
        query = select(Course).order_by(Course.id)
        if course_slug:
            query = query.where(Course.slug == course_slug)
        course = db.session.scalars(query).first()
        if course is None:
            raise click.ClickException("No course found: run `flask content import modules` first.")
        cohort = generate_cohort(course, participants, seed, password)
        db.session.commit()
    click.echo(
        f"Created {cohort.name} ({participants} participants), join code {cohort.join_code}."
    )
