"""Adding a cohort's participants from a CSV file: every row checked first, all or nothing.

The file has a header row naming its columns: `email` and `name` are required,
`organisation` and `country` optional, in any order and letter case. A country is its name
or its ISO code, alpha-2 or alpha-3 (`countries.match_country`: "Barbados", " bb ", "BRB"),
and is stored as its alpha-2 code; one that names no country is a bad row. Every row is checked
before anything is stored; a file with any bad row imports nothing, and the facilitator gets
every bad row with its reason (row numbers as a spreadsheet shows them: the header is row 1).
A cell that a spreadsheet would run as a formula (it starts with =, +, -, @ or a control
character) is refused, so that nothing imported here can run when a list is exported again.

Nobody is enrolled by a roster: everyone named is invited, and is in the cohort once they
accept. People who have no account get one, without a password (it cannot sign in), and an email
with a link to choose their own (`emails.send_account_invitation`); choosing it enrols them.
People who have one get an invitation to the cohort (`cohorts.invitations`), which they
accept signed in. The facilitator's answer counts both alike, so that it never tells which
addresses had accounts, and the cohort's pages show people only once they are in it.

The request checks the file (`read_roster`, at most MAX_ROWS rows); a job
(`roster_jobs.import_roster_rows`) makes the accounts, without a password until their owner
chooses one, and writes the invitations (`import_roster`, `send_invitations`).
"""

import csv
import functools
import io
import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from learning.accounts import emails
from learning.accounts.models import email_key
from learning.accounts.signing_in import never_signed_in
from learning.accounts.users import add_invited_user, users_by_email
from learning.cohorts import invitations
from learning.cohorts.members import enrolled_user_ids, participant
from learning.cohorts.models import Cohort
from learning.core.text import has_control_characters
from learning.countries import match_country
from learning.database import db

REQUIRED_COLUMNS = ("email", "name")
OPTIONAL_COLUMNS = ("organisation", "country")
LIMITS = {"email": 254, "name": 120, "organisation": 160, "country": 80}
MAX_ROWS = 10_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# An ASCII dot-atom local part (RFC 5322), which email_validator accepts as it is.
ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
PLAIN_LOCAL_PART = re.compile(rf"{ATEXT}(\.{ATEXT})*")
LOCAL_PART_MAX = 64


@dataclass(frozen=True)
class Person:
    """One good row of the file."""

    email: str
    name: str
    organisation: str
    country: str  # its ISO code, or "" when the cell is empty


@dataclass
class Roster:
    """What a file holds: its good rows, or the reasons it cannot be imported."""

    people: list[Person] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class RosterReport:
    """What an import did; only `invited` and `already` may be shown to the facilitator."""

    created: list = field(default_factory=list)  # new accounts, sent a welcome link
    existing: list = field(default_factory=list)  # accounts there before, sent an invitation
    already: int = 0  # people who were in the cohort before

    @property
    def invited(self) -> int:
        """Everyone invited, with or without an account before: the one count shown."""
        return len(self.created) + len(self.existing)


def _decode(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


@functools.lru_cache(maxsize=4096)
def _domain_ok(domain: str) -> bool:
    try:
        validate_email(f"a@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def is_email_address(email: str) -> bool:
    """True if email_validator accepts the address (deliverability not checked).

    The rows of a roster share a few domains: an address with a plain ASCII local part is
    decided by its domain, checked once (email_validator takes most of a row's time); any
    other is checked whole.
    """
    local, at, domain = email.rpartition("@")
    if at and len(local) <= LOCAL_PART_MAX and PLAIN_LOCAL_PART.fullmatch(local):
        return _domain_ok(domain)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _row_problems(number: int, values: dict[str, str], seen: dict[str, int]) -> list[str]:
    problems = []
    for column, value in values.items():
        if value.startswith(FORMULA_STARTS):
            problems.append(_("Row %(row)d: %(column)s starts with “%(char)s”, which "
                              "spreadsheets run as a formula; remove it.",
                              row=number, column=column, char=value[0].strip() or " "))
        elif has_control_characters(value):
            problems.append(_("Row %(row)d: %(column)s holds a line break or another control "
                              "character; keep each cell to one line of text.",
                              row=number, column=column))
        elif len(value) > LIMITS[column]:
            problems.append(_("Row %(row)d: %(column)s is longer than %(max)d characters.",
                              row=number, column=column, max=LIMITS[column]))
        elif column == "country" and value and _country(value) is None:
            problems.append(_("Row %(row)d: “%(country)s” is not a country or territory we "
                              "know. Write its name, for example Barbados, or its ISO code, "
                              "BB or BRB.", row=number, country=value))
    if not values["name"]:
        problems.append(_("Row %(row)d: the name is empty.", row=number))
    email = values["email"]
    if not email:
        problems.append(_("Row %(row)d: the email address is empty.", row=number))
    else:
        if not is_email_address(email):
            problems.append(_("Row %(row)d: “%(email)s” is not an email address.",
                              row=number, email=email))
        else:
            key = email_key(email)
            if key in seen:
                problems.append(_("Row %(row)d: %(email)s is already on row %(first)d.",
                                  row=number, email=email, first=seen[key]))
            else:
                seen[key] = number
    return problems


_country = functools.lru_cache(maxsize=1024)(match_country)


def read_roster(data: bytes) -> Roster:
    """Check a CSV file; its people, or every problem found (and then no people)."""
    roster = Roster()
    text = _decode(data)
    if text is None:
        roster.problems.append(_("The file is not UTF-8 text. In your spreadsheet, save it "
                                 "as “CSV UTF-8”."))
        return roster
    if "\x00" in text:
        roster.problems.append(_("The file is not a CSV file."))
        return roster
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        roster.problems.append(_("The file is not a readable CSV file (%(reason)s).",
                                 reason=str(error)))
        return roster
    if not rows:
        roster.problems.append(_("The file is empty."))
        return roster
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    repeated = sorted({column for column in header if header.count(column) > 1})
    if missing:
        roster.problems.append(_("The first row must name the columns; these are missing: "
                                 "%(columns)s.", columns=", ".join(missing)))
    if unknown:
        roster.problems.append(_("Unknown columns: %(columns)s. Use email, name, "
                                 "organisation and country.",
                                 columns=", ".join(c or "(blank)" for c in unknown)))
    if repeated:
        roster.problems.append(_("Columns named twice: %(columns)s.",
                                 columns=", ".join(repeated)))
    if roster.problems:
        return roster
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(
        cell.strip() for cell in row)]
    if not body:
        roster.problems.append(_("The file has no participants below its header row."))
        return roster
    if len(body) > MAX_ROWS:
        roster.problems.append(_("The file has more than %(max)d participants; split it.",
                                 max=MAX_ROWS))
        return roster
    seen: dict[str, int] = {}
    people = []
    for number, row in body:
        if len(row) != len(header):
            roster.problems.append(_("Row %(row)d has %(found)d cells where the header has "
                                     "%(expected)d.", row=number, found=len(row),
                                     expected=len(header)))
            continue
        values = {column: "" for column in OPTIONAL_COLUMNS}
        values.update({column: cell.strip() for column, cell in zip(header, row, strict=True)})
        problems = _row_problems(number, values, seen)
        roster.problems.extend(problems)
        if not problems:
            people.append(Person(email=values["email"], name=values["name"],
                                 organisation=values["organisation"],
                                 country=_country(values["country"]) or ""))
    if not roster.problems:
        roster.people = people
    return roster


def import_roster(cohort: Cohort, people: list[Person]) -> RosterReport:
    """Invite every person not yet in the cohort, creating the accounts that do not exist.

    Adds and flushes, enrolling nobody; the caller writes the invitations
    (`send_invitations`) in the same transaction and commits. Accounts are looked up by
    address in that transaction before any is made, so running it again makes none twice.
    """
    report = RosterReport()
    found = users_by_email(person.email for person in people)
    members = enrolled_user_ids(cohort, [user.id for user in found.values()])
    for person in people:
        user = found.get(email_key(person.email))
        if user is None:
            report.created.append(add_invited_user(
                email=person.email, name=person.name, organisation=person.organisation,
                country=person.country))
        elif user.id in members:
            report.already += 1
        else:
            report.existing.append(user)
    db.session.flush()
    return report


def send_invitations(cohort: Cohort, created, existing=()) -> None:
    """Write the invitations of an import (sent after commit).

    `created` are new accounts: they get a link to choose a password, which enrols them.
    `existing` are accounts there before, not in the cohort: they get an invitation to
    accept signed in, or, having never signed in (an earlier roster's, say), a link to
    choose a password that enrols them.
    """
    title = cohort.course.title
    for user in created:
        emails.send_account_invitation(user, title, cohort.course_id, cohort.id)
    fresh = never_signed_in([user.id for user in existing])
    for user in existing:
        if not user.is_active:
            continue  # counted as invited all the same: the answer tells nothing
        if user.id in fresh:
            emails.send_account_invitation(user, title, cohort.course_id, cohort.id)
        else:
            invitations.send_invitation(user, cohort)


def invite_person(cohort: Cohort, person: Person) -> bool:
    """Invite one person to the cohort as a roster's row is: False when they are in it.

    The rules of a roster's import, for one row checked by its form: an address without an
    account gets one, without a password, and a link to choose it that enrols them; an
    account there before gets an invitation to accept signed in. Nobody is enrolled here.
    Written in the caller's transaction (one person is cheap): sent once it commits.
    """
    report = import_roster(cohort, [person])
    send_invitations(cohort, report.created, report.existing)
    return report.invited > 0


class InvitationError(ValueError):
    """An invitation that cannot be sent again, with the reason fit to show."""


def resend_invitation(cohort: Cohort, user_id: int):
    """Send a participant of the cohort who has never signed in their invitation again.

    Returns the user. Raises LookupError when they are not in the cohort, InvitationError
    when their account cannot use one (deactivated, or signed in before: they have a
    password, and "Forgotten your password?" is their way back).
    """
    user = participant(cohort, user_id)
    if user is None:
        raise LookupError(user_id)
    if not user.is_active:
        raise InvitationError(_("%(name)s's account is deactivated: an administrator must "
                                "reactivate it before they can be invited.", name=user.name))
    if not never_signed_in([user.id]):
        raise InvitationError(_("%(name)s has signed in before, so already has a password. "
                                "If they have forgotten it, they can use “Forgotten your "
                                "password?” on the sign-in page.", name=user.name))
    emails.send_account_invitation(user, cohort.course.title, cohort.course_id)
    return user
