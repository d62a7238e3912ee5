"""What participants answered: one Response per participant, instrument and phase.

Each holds a snapshot of the instrument as it was answered (the instruments themselves are
course content: `learning.instruments`), with one Answer per statement.
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
from learning.instruments.models import SCALE_POINTS

PHASES = ("single", "before", "after")
RESPONSE_STATUSES = ("draft", "submitted")
REFLECTION_MAX_LENGTH = 1000


class Response(db.Model):
    """A participant's answers to one phase of an instrument: a draft, then submitted.

    One row per participant, instrument and phase, so a phase is submitted at most once.
    `snapshot` is the instrument as answered (see `asked.snapshot`): scoring always
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
