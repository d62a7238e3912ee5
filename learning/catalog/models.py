"""Courses, their modules and the items inside each module."""

import secrets
from datetime import date, datetime
from itertools import chain

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning.accounts.models import User, utcnow
from learning.database import db
from learning.instruments.models import Instrument

ITEM_KINDS = ("recording", "reading", "self_assessment")
ISSUER_MAX = 200
CERTIFICATE_WORDING_MAX = 200


def changed_courses(session) -> set["Course"]:
    """The courses whose content (the course, a module, an item) the session is changing."""
    found = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Course):
            course = obj
        elif isinstance(obj, Module):
            course = obj.course
        elif isinstance(obj, Item):
            course = obj.module.course if obj.module is not None else None
        elif isinstance(obj, Instrument):
            # Whether it is taken before and after decides where its item's steps are.
            course = session.get(Course, obj.course_id) if obj.course_id else None
        else:
            continue
        if course is not None and course not in session.deleted:
            found.add(course)
    return found


def new_outline_version() -> str:
    """A fresh, random outline version: one that a rolled-back change cannot have used."""
    return secrets.token_hex(8)


class Course(db.Model):
    """One programme, such as a webinar series."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(400), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    issuers: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The line under the participant's name on the certificate; None prints the default
    # ("has completed the course"), in the language of whoever reads it.
    certificate_wording: Mapped[str | None] = mapped_column(String(CERTIFICATE_WORDING_MAX))
    is_published: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Changes, to a new random value, whenever the course, its modules or its items change
    # (learning/catalog/outline.py): processes keep the outline they built until it does.
    outline_version: Mapped[str] = mapped_column(
        String(16), default=new_outline_version, server_default="0"
    )

    modules: Mapped[list["Module"]] = relationship(
        back_populates="course", order_by="Module.position", cascade="all, delete-orphan"
    )
    facilitators: Mapped[list[User]] = relationship(secondary="course_facilitator")

    def can_edit(self, user) -> bool:
        """Admins and the course's facilitators may author it."""
        if not user.is_authenticated:
            return False
        if user.has_role("admin"):
            return True
        return user.has_role("facilitator") and any(f.id == user.id for f in self.facilitators)

    def __repr__(self) -> str:
        return f"<Course {self.slug}>"


class CourseFacilitator(db.Model):
    """A facilitator attached to a course."""

    course_id: Mapped[int] = mapped_column(
        ForeignKey("course.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )


IMAGE_LABEL_MAX = 200


class CourseImage(db.Model):
    """The name a facilitator gave an image of a course's library.

    The library is the course's folder of image files, stored under random names that
    readings' addresses hold (`<course>/images/<random>.png`); a name says what an image
    is in the studio, and is offered as its description when it goes into a reading. Only
    named images have a row.
    """

    course_id: Mapped[int] = mapped_column(
        ForeignKey("course.id", ondelete="CASCADE"), primary_key=True
    )
    file_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(IMAGE_LABEL_MAX))


class Module(db.Model):
    """One webinar turned into a unit of learning."""

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    live_session_on: Mapped[date | None]
    speakers: Mapped[list[str]] = mapped_column(JSON, default=list)
    summary: Mapped[str] = mapped_column(Text, default="")
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_published: Mapped[bool] = mapped_column(default=True)
    # Archived: withdrawn from everyone's view (previews too) but kept, with the progress
    # and certificates that refer to it; hard deletion is only for content nobody touched.
    is_archived: Mapped[bool] = mapped_column(default=False, server_default=false())

    course: Mapped[Course] = relationship(back_populates="modules")
    items: Mapped[list["Item"]] = relationship(
        back_populates="module", order_by="Item.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("course_id", "slug"),
        UniqueConstraint("course_id", "position"),
        CheckConstraint("position >= 1", name="position_positive"),
    )

    @property
    def minutes(self) -> int:
        """Estimated learning time: the sum of the minutes of the items not archived."""
        return sum(item.minutes for item in self.live_items)

    @property
    def live_items(self) -> list["Item"]:
        """The items in order, archived ones left out."""
        return [item for item in self.items if not item.is_archived]

    def shown_items(self, preview: bool) -> list["Item"]:
        """The items in order as someone sees them: drafts too when previewing, else not."""
        return [item for item in self.live_items if preview or item.is_published]

    def __repr__(self) -> str:
        return f"<Module {self.slug}>"


class Item(db.Model):
    """One thing to do inside a module: a recording, a reading or a self-assessment.

    The fields of each kind live on this one table; check constraints keep a row of one
    kind from carrying another kind's fields or lacking its own.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    is_required: Mapped[bool] = mapped_column(default=True)
    minutes: Mapped[int] = mapped_column(default=0)
    # Archived: as for a module.
    is_archived: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A draft (not published) is seen by facilitators previewing only, and counts for nothing
    # in the completion rule or the reports, like a draft module. Participants see an item
    # when it and its module are both published (`shown_to_participants`).
    is_published: Mapped[bool] = mapped_column(default=True, server_default=true())

    # recording
    video_path: Mapped[str | None] = mapped_column(String(300))
    embed_url: Mapped[str | None] = mapped_column(String(500))
    captions_path: Mapped[str | None] = mapped_column(String(300))
    transcript: Mapped[str | None] = mapped_column(Text)
    duration_seconds: Mapped[int | None]
    completion_threshold: Mapped[int | None]
    transcript_completes: Mapped[bool] = mapped_column(default=False)

    # reading
    body_html: Mapped[str | None] = mapped_column(Text)
    # The Markdown a facilitator wrote in the studio, kept to edit again; body_html is what
    # it rendered to, sanitised. None for pages imported as HTML.
    body_markdown: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(String(500))
    file_path: Mapped[str | None] = mapped_column(String(300))
    citation: Mapped[str | None] = mapped_column(String(500))

    # self-assessment
    instrument_id: Mapped[int | None] = mapped_column(
        ForeignKey("instrument.id", ondelete="RESTRICT")
    )

    module: Mapped[Module] = relationship(back_populates="items")
    instrument: Mapped[Instrument | None] = relationship()

    __table_args__ = (
        UniqueConstraint("module_id", "slug"),
        UniqueConstraint("module_id", "position"),
        CheckConstraint("position >= 1", name="position_positive"),
        CheckConstraint("minutes >= 0", name="minutes_not_negative"),
        CheckConstraint("kind IN ('recording', 'reading', 'self_assessment')", name="kind_known"),
        CheckConstraint(
            "kind != 'recording' OR ((video_path IS NOT NULL OR embed_url IS NOT NULL)"
            " AND duration_seconds > 0"
            " AND completion_threshold BETWEEN 1 AND 100)",
            name="recording_complete",
        ),
        CheckConstraint(
            "kind != 'reading' OR body_html IS NOT NULL OR url IS NOT NULL"
            " OR file_path IS NOT NULL",
            name="reading_has_source",
        ),
        CheckConstraint(
            "(kind = 'self_assessment') = (instrument_id IS NOT NULL)",
            name="instrument_iff_self_assessment",
        ),
    )

    @property
    def ends_course(self) -> bool:
        """A self-assessment taken before and after: its "after" is a step at the course's end.

        Its "before" is offered from joining until the participant begins its module, and
        its module's progress counts the module's other work (`progress.rules.module_work`).
        """
        return self.instrument is not None and self.instrument.is_before_after

    @property
    def module_slug(self) -> str:
        """The slug of the item's module, for links (an item's outline carries it too)."""
        return self.module.slug

    def __repr__(self) -> str:
        return f"<Item {self.kind} {self.slug}>"


def shown_to_participants() -> ColumnElement[bool]:
    """SQL condition on a query joining Item and Module: what participants see and the rule asks.

    The module and the item are published, and neither is archived.
    """
    return and_(Module.is_published.is_(True), Module.is_archived.is_(False),
                Item.is_published.is_(True), Item.is_archived.is_(False))


def module_numbers(modules) -> dict[int, int]:
    """The number participants see for each module they see, by module id: 1, 2, 3...

    Counted over the published modules not archived, in the course's order, so that archiving
    or unpublishing a module leaves no gap. Stored positions stay as they are (they only
    order the modules); a module participants do not see has no number.
    """
    shown = [m for m in modules if m.is_published and not m.is_archived]
    return {module.id: number for number, module in enumerate(shown, start=1)}
