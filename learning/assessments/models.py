"""Self-assessment instruments: dimensions of statements on a 1-5 scale, with score bands.

And what participants answered: one Response per participant, instrument and phase, holding
a snapshot of the instrument as it was answered, with one Answer per statement.
"""

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning.accounts.models import utcnow
from learning.database import db

LEVELS = ("individual", "organisational", "institutional")
SCALE_POINTS = 5
PHASES = ("single", "before", "after")
RESPONSE_STATUSES = ("draft", "submitted")
REFLECTION_MAX_LENGTH = 1000


class Instrument(db.Model):
    """A self-assessment at one level, taken once or before and after the course."""

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20))
    is_before_after: Mapped[bool] = mapped_column(default=False)
    introduction: Mapped[str] = mapped_column(Text, default="")
    scale_labels: Mapped[list[str]] = mapped_column(JSON)
    # Raised when the definition changes after someone answered it; responses keep a snapshot
    # of the version they answered, so their scores never move.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    dimensions: Mapped[list["Dimension"]] = relationship(
        back_populates="instrument", order_by="Dimension.position", cascade="all, delete-orphan"
    )
    bands: Mapped[list["Band"]] = relationship(
        back_populates="instrument", order_by="Band.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("course_id", "slug"),
        CheckConstraint(
            "level IN ('individual', 'organisational', 'institutional')", name="level_known"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    @property
    def statement_count(self) -> int:
        """How many statements the instrument asks about."""
        return sum(len(d.statements) for d in self.dimensions)


class Dimension(db.Model):
    """One aspect an instrument measures, scored 0-100 from its statements."""

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    # Items that help with this dimension, as "module-slug/item-slug" references.
    helpful_items: Mapped[list[str]] = mapped_column(JSON, default=list)

    instrument: Mapped[Instrument] = relationship(back_populates="dimensions")
    statements: Mapped[list["Statement"]] = relationship(
        back_populates="dimension", order_by="Statement.position", cascade="all, delete-orphan"
    )
    feedback: Mapped[list["Feedback"]] = relationship(
        back_populates="dimension", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("instrument_id", "slug"),
        UniqueConstraint("instrument_id", "position"),
        CheckConstraint("position >= 1", name="position_positive"),
    )

    def feedback_for(self, band: "Band") -> str:
        """The feedback this dimension gives to someone in the band."""
        return next((f.text for f in self.feedback if f.band_id == band.id), "")


class Statement(db.Model):
    """A statement rated on the agreement scale; reverse-scored ones count agreement down."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimension.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(400))
    is_reverse_scored: Mapped[bool] = mapped_column(default=False)

    dimension: Mapped[Dimension] = relationship(back_populates="statements")

    __table_args__ = (
        UniqueConstraint("dimension_id", "position"),
        CheckConstraint("position >= 1", name="position_positive"),
    )


class Band(db.Model):
    """A range of dimension scores with a name, from min_score up to (not including) max_score.

    The top band includes 100. An instrument's bands cover 0-100 without gaps or overlaps.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    label: Mapped[str] = mapped_column(String(80))
    min_score: Mapped[int]
    max_score: Mapped[int]

    instrument: Mapped[Instrument] = relationship(back_populates="bands")

    __table_args__ = (
        UniqueConstraint("instrument_id", "slug"),
        UniqueConstraint("instrument_id", "position"),
        CheckConstraint("min_score >= 0 AND max_score <= 100 AND min_score < max_score",
                        name="range_valid"),
    )


class Feedback(db.Model):
    """What a dimension tells a participant whose score falls in a band."""

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension_id: Mapped[int] = mapped_column(ForeignKey("dimension.id", ondelete="CASCADE"))
    band_id: Mapped[int] = mapped_column(ForeignKey("band.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)

    dimension: Mapped[Dimension] = relationship(back_populates="feedback")
    band: Mapped[Band] = relationship()

    __table_args__ = (UniqueConstraint("dimension_id", "band_id"),)


class Response(db.Model):
    """A participant's answers to one phase of an instrument: a draft, then submitted.

    One row per participant, instrument and phase, so a phase is submitted at most once.
    `snapshot` is the instrument as answered (see `services.snapshot`): scoring always
    reads it, never the live instrument.
    """

    __tablename__ = "assessment_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="RESTRICT"))
    phase: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    version: Mapped[int]
    snapshot: Mapped[dict] = mapped_column(JSON)
    # "One thing I will change": plain text as typed, escaped when shown.
    reflection: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    # A "before" submitted while the baseline window was open (baseline.is_before_open):
    # only such a response is a real baseline that a shift may be measured against. Set once,
    # at submission; responses from before the window existed stay False.
    is_baseline: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The respondent's country (ISO code, "" if none given) and organisation at the moment of
    # submission: group figures read these, so a later profile edit moves no answer between
    # groups. None on a draft.
    country: Mapped[str | None] = mapped_column(String(2))
    organisation: Mapped[str | None] = mapped_column(String(160))

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="Answer.id"
    )

    __table_args__ = (
        UniqueConstraint("user_id", "instrument_id", "phase"),
        # Group aggregates read one instrument's submitted responses to one phase.
        Index("ix_assessment_response_instrument_phase", "instrument_id", "phase", "status"),
        CheckConstraint("phase IN ('single', 'before', 'after')", name="phase_known"),
        CheckConstraint("status IN ('draft', 'submitted')", name="status_known"),
        CheckConstraint("(status = 'submitted') = (submitted_at IS NOT NULL)",
                        name="submitted_at_iff_submitted"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("NOT is_baseline OR (phase = 'before' AND status = 'submitted')",
                        name="baseline_is_submitted_before"),
        CheckConstraint(f"reflection IS NULL OR length(reflection) <= {REFLECTION_MAX_LENGTH}",
                        name="reflection_length"),
    )

    @property
    def values(self) -> dict[str, int]:
        """The answers as statement key -> value."""
        return {answer.statement_key: answer.value for answer in self.answers}


class Answer(db.Model):
    """The value (1-5) a response gives one statement of its snapshot."""

    __tablename__ = "assessment_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_response.id", ondelete="CASCADE")
    )
    statement_key: Mapped[str] = mapped_column(String(40))
    value: Mapped[int]

    response: Mapped[Response] = relationship(back_populates="answers")

    __table_args__ = (
        UniqueConstraint("response_id", "statement_key"),
        CheckConstraint(f"value BETWEEN 1 AND {SCALE_POINTS}", name="value_on_scale"),
    )


class Release(db.Model):
    """One differentially private release of a cohort's group figures: the privacy ledger.

    Every group of one partition ("whole", "country" or "organisation") of one instrument's
    phase, released together at `epsilon` (disjoint groups share one cost). `figures` holds
    the released values as shown, keyed by group; pages show the latest release again and
    never draw new noise (see `release.py`). The epsilons of a cohort and instrument add up to
    what any one participant has lost, kept within ASSESSMENT_EPSILON.
    """

    __tablename__ = "assessment_release"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instrument.id", ondelete="CASCADE"))
    phase: Mapped[str] = mapped_column(String(10))
    partition: Mapped[str] = mapped_column(String(20))
    # 1, 2, ... per cohort and instrument: two page views releasing at once cannot both
    # write the same next entry, so the ledger never spends past the budget.
    sequence: Mapped[int]
    epsilon: Mapped[float]
    figures: Mapped[dict] = mapped_column(JSON)
    released_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("cohort_id", "instrument_id", "sequence"),
        Index("ix_assessment_release_ledger", "cohort_id", "instrument_id", "phase",
              "partition"),
        CheckConstraint("epsilon > 0", name="epsilon_positive"),
        CheckConstraint("partition IN ('whole', 'country', 'organisation')",
                        name="partition_known"),
    )
