"""Self-assessment instruments: dimensions of statements on a 1-5 scale, with score bands.

Instruments are course content, authored in the studio or imported with the course, and an
item of the catalog may be one: they sit beneath the catalog. What participants answer, and
the results, are the assessments' (`learning.assessments`).
"""

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning.database import db

LEVELS = ("individual", "organisational", "institutional")
SCALE_POINTS = 5


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
