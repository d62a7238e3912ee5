"""Users, their roles and their signed-in sessions."""

import hashlib
import secrets
from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learning.database import db

ROLES = ("participant", "facilitator", "manager", "admin")
# Room for a full name as people write it, however many given names and family names
# (a certificate prints it whole).
NAME_MAX = 200


def utcnow() -> datetime:
    """The current time in UTC, for *_at columns."""
    return datetime.now(UTC)


class User(db.Model):
    """A person with an account. Emails are stored lower-cased and compared that way."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    organisation: Mapped[str] = mapped_column(String(160), default="")
    # ISO 3166-1 alpha-2 ("BB"), "" when not given; pages show its name (learning/countries.py).
    country: Mapped[str] = mapped_column(String(2), default="")
    # What someone gave as their country when it was free text, where it named no country
    # on the list: kept until an admin or they choose one, which empties it.
    country_as_entered: Mapped[str] = mapped_column(String(80), default="")
    job_title: Mapped[str] = mapped_column(String(120), default="")
    # None for an invited account until its owner chooses a password: it cannot sign in.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    roles: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lower"),)

    # Set on the instance when the user is loaded from, or signed into, a session;
    # Flask-Login stores it in the cookie. Not a column.
    session_token: ClassVar[str | None] = None
    loaded_role_names: ClassVar[frozenset[str] | None] = None

    @property
    def role_names(self) -> set[str]:
        """The names of the roles this user holds."""
        if self.loaded_role_names is not None and "roles" not in self.__dict__:
            return set(self.loaded_role_names)
        return {r.role for r in self.roles}

    def has_role(self, *names: str) -> bool:
        """True if the user holds any of the named roles (admins hold every role)."""
        held = self.role_names
        return "admin" in held or bool(held.intersection(names))

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        """Flask-Login: a loaded user is signed in."""
        return True

    @property
    def is_anonymous(self) -> bool:
        """Flask-Login: a loaded user is never anonymous."""
        return False

    def get_id(self) -> str | None:
        """Flask-Login keeps the session token, not the user id, in the cookie."""
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(db.Model):
    """One role held by one user."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")

    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        CheckConstraint(
            "role IN ('participant', 'facilitator', 'manager', 'admin')", name="role_known"
        ),
    )


def hash_token(token: str) -> str:
    """The stored form of a session token: its SHA-256, so a database leak signs no one in."""
    return hashlib.sha256(token.encode()).hexdigest()


class UserSession(db.Model):
    """A signed-in browser session. Signing out ends it here, so a copied cookie stops working.

    It also ends when idle or too old (learning/accounts/sessions.py): `last_seen_at` is
    the last request it made, written at most once a minute.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    __table_args__ = (Index("ix_user_session_user_open", "user_id", "ended_at"),)

    @staticmethod
    def new_token() -> str:
        """A fresh random session token."""
        return secrets.token_urlsafe(32)


def email_key(email: str) -> str:
    """The form in which emails are stored and compared."""
    return email.strip().lower()



