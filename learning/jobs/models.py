"""What the job queue remembers: the jobs that failed for good."""

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from learning.database import db


class FailedJob(db.Model):
    """A job that raised on every attempt: shown to admins, who may queue it again.

    `name` is the job's module and function, `arguments` its arguments as a JSON list.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    arguments: Mapped[str] = mapped_column(Text)
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int]
    failed_at: Mapped[datetime] = mapped_column(index=True)
