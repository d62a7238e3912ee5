"""Small factory functions for test data."""

from datetime import date

from sqlalchemy import select

from learning.accounts.models import User, UserRole, email_key
from learning.accounts.passwords import hash_password
from learning.catalog.models import Course, Item, Module
from learning.cohorts.models import Cohort, Enrolment
from learning.database import db
from learning.instruments.models import Band, Dimension, Feedback, Instrument, Statement
from learning.progress import completion

DEFAULT_PASSWORD = "correct horse battery staple"  # noqa: S105


def make_user(email="participant@example.org", *roles, name="Pat Participant",
              password=DEFAULT_PASSWORD, **fields) -> User:
    """A user with the given roles (participant when none are named)."""
    user = User(email=email_key(email), name=name, password_hash=hash_password(password), **fields)
    for role in roles or ("participant",):
        user.roles.append(UserRole(role=role))
    db.session.add(user)
    db.session.flush()
    return user


def make_course(slug="course", title="A course", published=True) -> Course:
    """A course with no modules."""
    course = Course(slug=slug, title=title, summary="Summary", is_published=published,
                    issuers=["CARICAD"])
    db.session.add(course)
    db.session.flush()
    return course


def make_instrument(course, slug="instrument", level="individual") -> Instrument:
    """An instrument with one dimension of two statements (one reverse-scored) and two bands."""
    instrument = Instrument(
        course_id=course.id, slug=slug, title="How I work", level=level,
        scale_labels=["Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"],
    )
    low = Band(slug="low", position=1, label="Emerging", min_score=0, max_score=50)
    high = Band(slug="high", position=2, label="Established", min_score=50, max_score=100)
    instrument.bands.extend([low, high])
    dimension = Dimension(slug="learning", position=1, title="Learning mindset")
    dimension.statements.extend([
        Statement(position=1, text="I seek feedback."),
        Statement(position=2, text="I avoid new tools.", is_reverse_scored=True),
    ])
    dimension.feedback.extend([
        Feedback(band=low, text="Start small."),
        Feedback(band=high, text="Share what works."),
    ])
    instrument.dimensions.append(dimension)
    db.session.add(instrument)
    db.session.flush()
    return instrument


def make_module(course, slug="module", position=1, published=True, items=True) -> Module:
    """A module with a recording, a reading and a self-assessment unless items=False."""
    module = Module(course_id=course.id, slug=slug, position=position, title=f"Module {slug}",
                    live_session_on=date(2024, 2, 21), summary="What it is about.",
                    outcomes=["One thing"], is_published=published)
    if items:
        instrument = make_instrument(course, slug=f"{slug}-instrument")
        module.items.extend([
            Item(slug="recording", position=1, kind="recording", title="Recording", minutes=2,
                 video_path=f"{course.slug}/{slug}/intro.webm",
                 captions_path=f"{course.slug}/{slug}/intro.vtt",
                 transcript="Hello.\nWelcome.", duration_seconds=60, completion_threshold=90,
                 transcript_completes=True),
            Item(slug="reading", position=2, kind="reading", title="A reading", minutes=10,
                 body_html="<p>Read <strong>this</strong>.</p>", citation="A Report. UN, 2021."),
            Item(slug="self-assessment", position=3, kind="self_assessment",
                 title="Self-assessment", minutes=5, instrument=instrument),
        ])
    # One flush for the module and its items.
    db.session.add(module)
    db.session.flush()
    return module


def make_cohort(course, name="Cohort A", join_code="JOINME2024") -> Cohort:
    """An open cohort of the course."""
    cohort = Cohort(course_id=course.id, name=name, join_code=join_code)
    db.session.add(cohort)
    db.session.flush()
    return cohort


def enrol(user, cohort) -> Enrolment:
    """Put the user in the cohort."""
    enrolment = Enrolment(cohort_id=cohort.id, user_id=user.id)
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


def required_items(course) -> list[Item]:
    """The items the completion rule asks of the course, in course order."""
    return list(db.session.scalars(
        select(Item).join(Module)
        .where(Item.id.in_(completion.required_items(course.id)))
        .order_by(Module.position, Item.position)
    ))
