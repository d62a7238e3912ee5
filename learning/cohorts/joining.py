"""Join codes and joining: a participant types a cohort's code and is enrolled.

A code is ten characters from an alphabet without look-alikes, typed in any letter case,
with or without spaces and hyphens; a fresh one stops the old working at once.
"""

import re
import secrets

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from learning.accounts.models import User
from learning.accounts.roles import grant_role
from learning.cohorts.members import is_enrolled
from learning.cohorts.models import Cohort, Enrolment
from learning.database import db

# Letters and digits that cannot be mistaken for one another when read aloud or copied
# from a slide: no 0/O, 1/I/L, and no U/V pair.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
JOIN_CODE_LENGTH = 10
_CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")


def normalise_join_code(code: str) -> str:
    """The stored form of a typed join code: upper case, without spaces or hyphens."""
    return _CODE_SEPARATORS.sub("", code or "").upper()


def new_join_code() -> str:
    """A fresh join code: ten characters from an unambiguous alphabet, unused by any cohort."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if not db.session.scalar(select(exists().where(Cohort.join_code == code))):
            return code


def find_cohort_by_code(code: str) -> Cohort | None:
    """The cohort with this join code, however it was typed (open or not)."""
    normalised = normalise_join_code(code)
    if not normalised:
        return None
    return db.session.scalar(
        select(Cohort).options(joinedload(Cohort.course)).where(Cohort.join_code == normalised)
    )


def can_join(cohort: Cohort | None) -> bool:
    """A cohort can be joined while it is open and its course is published."""
    return cohort is not None and cohort.is_open and cohort.course.is_published


def join_cohort(user: User, cohort: Cohort) -> bool:
    """Enrol the user in the cohort, granting the participant role if they lack it.

    Returns False (and changes nothing) when the user was already enrolled. Two submits of
    the same form racing each other meet the unique constraint; the loser counts as
    already enrolled rather than failing.
    """
    if is_enrolled(user, cohort):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Enrolment(cohort_id=cohort.id, user_id=user.id))
    except IntegrityError:
        return False
    grant_role(user, "participant")
    db.session.flush()
    return True


def regenerate_join_code(cohort: Cohort) -> str:
    """Give the cohort a fresh join code: the old one stops working at once. Returns it."""
    cohort.join_code = new_join_code()
    db.session.flush()
    return cohort.join_code
