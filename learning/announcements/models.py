"""What announcements remember: each message sent to a cohort, and each person it went to."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning.accounts.models import NAME_MAX, utcnow
from learning.database import db

SUBJECT_MAX = 150
BODY_MAX = 5000
TOKEN_MAX = 64
# Who a message is for: everyone, or the part of the cohort a filter names.
AUDIENCES = ("all", "not_started", "stalled", "not_finished", "country")


class Announcement(db.Model):
    """A message a facilitator sent to a cohort, or to the part of it `audience` names.

    `body` is the Markdown as written (the emails' text); `body_html` what the one
    sanitiser made of it when it was sent (what pages show). `token` is the form's own,
    unique: the same form sent twice (a double click) makes one announcement. `status` is
    queued until the job has written its emails to the outbox (then done).
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"),
                                           index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    token: Mapped[str] = mapped_column(String(TOKEN_MAX), unique=True)
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    audience: Mapped[str] = mapped_column(String(20))
    audience_module_id: Mapped[int | None] = mapped_column(
        ForeignKey("module.id", ondelete="SET NULL"))
    audience_country: Mapped[str] = mapped_column(String(2), default="")
    recipient_count: Mapped[int]
    status: Mapped[str] = mapped_column(String(10), default="queued")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    mailed_at: Mapped[datetime | None]

    recipients: Mapped[list["AnnouncementRecipient"]] = relationship(
        back_populates="announcement", cascade="all, delete-orphan", passive_deletes=True)


class AnnouncementRecipient(db.Model):
    """One person an announcement went to, as they were when it was sent.

    Written once, when the facilitator sends it: the name and address are those it was
    sent to, and no later profile edit or progress changes who received it.
    """

    __tablename__ = "announcement_recipient"

    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcement.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"),
                                         primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    email: Mapped[str] = mapped_column(String(254))

    announcement: Mapped[Announcement] = relationship(back_populates="recipients")

    # A participant's own messages, newest first, on My learning.
    __table_args__ = (Index("ix_announcement_recipient_user_id", "user_id"),)
