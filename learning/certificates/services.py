"""Certificate rules: when one is due, issuing it exactly once, codes, revocation, re-issue."""

import re
import secrets
from urllib.parse import urlencode

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload, selectinload

from learning.accounts.models import User, utcnow
from learning.catalog.models import Course, Item, Module, shown_to_participants
from learning.certificates import status
from learning.certificates.models import Certificate, CertificateEvent
from learning.cohorts.models import Cohort, Enrolment
from learning.database import db
from learning.progress import completion
from learning.time_zones import default_time_zone, local_date

# Crockford's base32: digits and letters without I, L, O and U, so nothing reads as another.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20  # 100 random bits
CODE_GROUP = 4
# Letters people type for the digits they look like (Crockford's decoding rules).
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")
ISSUE_ATTEMPTS = 20
REASON_MAX = 1000
# The line under the recipient's name, unless the course words it otherwise.
DEFAULT_WORDING = _l("has completed the course")


class CertificateError(Exception):
    """A refused change to a certificate, with a message fit for the person who asked."""


def new_code() -> str:
    """A fresh verification code: 20 random Crockford base32 characters (100 bits)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _position in range(CODE_LENGTH))


def normalise_code(typed: str | None) -> str | None:
    """The stored form of a typed code, or None when it cannot be a code at all.

    Case, spaces and hyphens do not matter, and O, I and L are read as 0, 1 and 1.
    """
    code = _SEPARATORS.sub("", typed or "").upper().translate(_LOOKALIKES)
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def format_code(code: str) -> str:
    """The code as people read it: groups of four joined by hyphens."""
    return "-".join(code[i:i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def wording(certificate: Certificate) -> str:
    """The line under the recipient's name: as the course worded it when it was issued.

    A certificate without a wording of its own prints the default line, translated.
    """
    return certificate.wording or str(DEFAULT_WORDING)


def learning_hours(course: Course) -> float:
    """Hours of learning the course's published modules ask: their items' minutes / 60.

    Optional items count too: they are part of the modules' stated durations.
    """
    minutes = db.session.scalar(
        select(func.coalesce(func.sum(Item.minutes), 0))
        .join(Module)
        .where(Module.course_id == course.id, shown_to_participants())
    )
    return round(minutes / 60, 1)


def participant_cohort(user_id: int, course: Course) -> Cohort | None:
    """The cohort of the course the participant joined first, if any."""
    return db.session.scalars(
        select(Cohort)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == user_id, Cohort.course_id == course.id)
        .order_by(Enrolment.enrolled_at, Enrolment.id)
        .limit(1)
    ).first()


def certificate_for(user_id: int, course_id: int) -> Certificate | None:
    """The participant's certificate for the course, if one was issued."""
    return db.session.scalars(
        select(Certificate).where(Certificate.user_id == user_id,
                                  Certificate.course_id == course_id)
    ).first()


def _serialise_per_participant(user_id: int, course_id: int) -> None:
    """Make concurrent completion checks of one participant's course take turns.

    Two requests completing the last two items at once would each miss the other's
    uncommitted completion under PostgreSQL's READ COMMITTED and issue nothing; holding this
    lock until commit makes the second check see the first. SQLite's write transactions
    (BEGIN IMMEDIATE) already take turns.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:course, :user)"),
                           {"course": course_id, "user": user_id})


def issue_if_due(user_id: int, course: Course) -> Certificate | None:
    """Issue the participant's certificate for the course if it is complete and not issued.

    It is dated in the time zone of the participant's cohort (the installation's default
    when they are in none): a course completed late in the evening there was completed
    that day, whatever the date in UTC.

    Safe against racing requests: the insert ignores a conflict on (user, course), so two
    requests that both find the course complete end with one certificate. Its status bit
    comes from a counter (`status`), in constant time whatever the certificates issued; a
    conflict on the random code, or on a bit taken before the counter, is retried with a
    fresh code and the next number. Returns the certificate, or None when the course is
    not complete.
    """
    _serialise_per_participant(user_id, course.id)
    existing = certificate_for(user_id, course.id)
    if existing is not None:
        return existing
    if not completion.is_course_complete(user_id, course.id):
        return None
    user = db.session.get(User, user_id)
    cohort = participant_cohort(user_id, course)
    time_zone = cohort.time_zone if cohort else default_time_zone()
    now = utcnow()
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for _attempt in range(ISSUE_ATTEMPTS):
        index = status.status_index(status.next_number())
        inserted_id = db.session.execute(
            insert(Certificate)
            .values(user_id=user_id, course_id=course.id,
                    cohort_id=cohort.id if cohort else None,
                    code=new_code(), status_index=index,
                    recipient_name=user.name, course_title=course.title,
                    cohort_name=cohort.name if cohort else "",
                    completed_on=local_date(now, time_zone), time_zone=time_zone,
                    learning_hours=learning_hours(course),
                    issuers=list(course.issuers or []),
                    wording=course.certificate_wording or None, issued_at=now)
            .on_conflict_do_nothing()
            .returning(Certificate.id)
        ).scalar_one_or_none()
        certificate = certificate_for(user_id, course.id)
        if certificate is not None:
            if inserted_id == certificate.id:
                db.session.add(CertificateEvent(certificate_id=certificate.id, action="issued",
                                                at=now))
                # The completion, as a fact: later changes to the course never undo it.
                completion.record(user_id, course.id, now)
                db.session.flush()
            return certificate
    raise RuntimeError("could not find an unused certificate code and status bit")


def on_item_completed(sender, user_id: int, item) -> None:
    """Signal receiver: issue the certificate when this completion finishes the course.

    `item` may be the ORM item or its outline (heartbeats): only its id is read here.
    """
    issue_if_due(user_id, db.session.scalars(
        select(Course).join(Module).join(Item).where(Item.id == item.id)
    ).one())


def due_for_certificates(course: Course) -> list[int]:
    """The course's enrolled participants who are complete and hold no certificate; one query."""
    enrolled = (select(Enrolment.user_id).join(Cohort, Cohort.id == Enrolment.cohort_id)
                .where(Cohort.course_id == course.id))
    uncertified = enrolled.where(Enrolment.user_id.not_in(
        select(Certificate.user_id).where(Certificate.course_id == course.id)))
    return sorted(completion.completers(course.id, uncertified))


def issue_due(course: Course, user_ids: list[int] | None = None) -> list[Certificate]:
    """Certificates for the course's participants who are complete and hold none.

    For a change to the course (an item archived, made optional, a module unpublished)
    that leaves participants complete without their completing anything: each is issued
    through `issue_if_due`, as an item's completion would, so exactly once. `user_ids`, those
    `due_for_certificates` found, if the caller has them.
    """
    due = due_for_certificates(course) if user_ids is None else user_ids
    return [issue_if_due(user_id, course) for user_id in due]


def get_certificate_by_code(code: str | None) -> Certificate | None:
    """The certificate with this code, however it was typed, with its course and events."""
    normalised = normalise_code(code)
    if normalised is None:
        return None
    return db.session.scalars(
        select(Certificate)
        .options(joinedload(Certificate.course).selectinload(Course.facilitators),
                 selectinload(Certificate.events).joinedload(CertificateEvent.actor))
        .where(Certificate.code == normalised)
    ).first()


def can_manage(user, certificate: Certificate) -> bool:
    """The course's facilitators and admins may revoke and re-issue its certificates."""
    return certificate.course.can_edit(user)


def can_download(user, certificate: Certificate) -> bool:
    """The recipient, the course's facilitators and admins may download the certificate."""
    if not user.is_authenticated:
        return False
    return certificate.user_id == user.id or can_manage(user, certificate)


def _clean_reason(reason: str | None, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(missing)
    return reason[:REASON_MAX]


def revoke(certificate: Certificate, actor: User, reason: str | None) -> CertificateEvent:
    """Revoke the certificate for the reason given, recording who did it and when."""
    if certificate.is_revoked:
        raise CertificateError(_("This certificate is already revoked."))
    reason = _clean_reason(reason, _("Give the reason for revoking this certificate."))
    now = utcnow()
    certificate.revoked_at = now
    certificate.revocation_reason = reason
    completion.withdraw(certificate.user_id, certificate.course_id, now)
    event = CertificateEvent(certificate=certificate, action="revoked", actor_id=actor.id,
                             reason=reason, at=now)
    db.session.add(event)
    db.session.flush()
    return event


def reissue(certificate: Certificate, actor: User, reason: str | None) -> CertificateEvent:
    """Restore a revoked certificate (same code, same claims), recording who, when and why."""
    if not certificate.is_revoked:
        raise CertificateError(_("This certificate is not revoked, so there is nothing to "
                                 "re-issue."))
    reason = _clean_reason(reason, _("Give the reason for re-issuing this certificate."))
    certificate.revoked_at = None
    certificate.revocation_reason = None
    completion.restore(certificate.user_id, certificate.course_id)
    event = CertificateEvent(certificate=certificate, action="reissued", actor_id=actor.id,
                             reason=reason, at=utcnow())
    db.session.add(event)
    db.session.flush()
    return event


def certificates_of(user: User) -> list[Certificate]:
    """The user's certificates, newest first."""
    return list(db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    ))


def certificates_by_course(user_id: int, course_ids) -> dict[int, Certificate]:
    """The user's certificates for the given courses, by course id, in one query."""
    course_ids = list(course_ids)
    if not course_ids:
        return {}
    return {certificate.course_id: certificate for certificate in db.session.scalars(
        select(Certificate).where(Certificate.user_id == user_id,
                                  Certificate.course_id.in_(course_ids))
    )}


def certificates_by_user(course_id: int, user_ids) -> dict[int, Certificate]:
    """The course's certificates of the given users, by user id, in one query."""
    user_ids = list(user_ids)
    if not user_ids:
        return {}
    rows = db.session.scalars(
        select(Certificate).where(Certificate.course_id == course_id,
                                  Certificate.user_id.in_(user_ids))
    )
    return {row.user_id: row for row in rows}


def standing_certificates(course_id: int, participants=None) -> Select:
    """(user_id, issued_at) of the course's certificates not revoked, as a query to join on.

    `participants`, a list of user ids or a query of them (a cohort's enrolments), narrows
    it; a caller joining it to a cohort's enrolments needs none. Counting a cohort's
    certificates so costs one round trip, whatever its size.
    """
    query = select(Certificate.user_id, Certificate.issued_at).where(
        Certificate.course_id == course_id, Certificate.revoked_at.is_(None))
    if participants is not None:
        query = query.where(Certificate.user_id.in_(participants))
    return query


def revoked_indices() -> set[int]:
    """The status-list bits of every revoked certificate."""
    return set(db.session.scalars(
        select(Certificate.status_index).where(Certificate.revoked_at.is_not(None))
    ))


def linkedin_url(certificate: Certificate, verify_url: str) -> str:
    """LinkedIn's add-to-profile address, pre-filled with the certificate's details."""
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.course_title,
        "organizationName": " and ".join(certificate.issuers) or certificate.course_title,
        "issueYear": certificate.issued_on.year,
        "issueMonth": certificate.issued_on.month,
        "certUrl": verify_url,
        "certId": format_code(certificate.code),
    }
    return "https://www.linkedin.com/profile/add?" + urlencode(params)
