"""Answering a self-assessment: the form's token and fields, drafts, submission, reflection."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import selectinload

from learning.accounts.models import User, utcnow
from learning.assessments import baseline
from learning.assessments.asked import BEFORE, DRAFT, SUBMITTED, completing_phase, snapshot
from learning.assessments.models import REFLECTION_MAX_LENGTH, Answer, Response
from learning.assessments.phases import AlreadySubmitted, AssessmentError, baseline_closed
from learning.catalog.models import Item
from learning.database import db
from learning.instruments.models import SCALE_POINTS, Instrument
from learning.progress import services as progress

FIELD_PREFIX = "s-"
_TOKEN_SALT = "assessment-form"  # noqa: S105 - a salt, not a secret
_VALID_VALUES = {str(value): value for value in range(1, SCALE_POINTS + 1)}


class FormMismatch(AssessmentError):
    """The form's hidden fields do not belong to this participant, instrument and phase."""


class OutdatedForm(AssessmentError):
    """The instrument changed between showing the form and receiving it."""


def form_token(user_id: int, instrument: Instrument, phase: str) -> str:
    """A signed hidden field naming who answers which instrument, phase and version."""
    serializer = URLSafeSerializer(current_app.secret_key, salt=_TOKEN_SALT)
    return serializer.dumps([user_id, instrument.id, phase, instrument.version])


def check_form_token(token: str, user_id: int, instrument: Instrument, phase: str) -> None:
    """Check the hidden token a take form came back with.

    Raises FormMismatch for a token that was altered or belongs to another participant,
    instrument or phase, and OutdatedForm for one shown before the instrument changed.
    """
    serializer = URLSafeSerializer(current_app.secret_key, salt=_TOKEN_SALT)
    try:
        data = serializer.loads(token or "")
    except BadSignature:
        data = None
    if not (isinstance(data, list) and len(data) == 4
            and data[:3] == [user_id, instrument.id, phase]):
        raise FormMismatch(_("This form does not match this self-assessment: it may have been "
                             "altered. Nothing was saved; please answer on this page."))
    if data[3] != instrument.version:
        raise OutdatedForm(_("This self-assessment was updated while you were answering. "
                             "Nothing was saved: please check your answers and send them again."))


@dataclass
class ParsedAnswers:
    """Answers read from a form: the values, problems with the form itself, and gaps."""

    values: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def statement_keys(snap: Mapping) -> list[str]:
    """The snapshot's statement keys in order."""
    return [s["key"] for d in snap["dimensions"] for s in d["statements"]]


def parse_answers(form, snap: Mapping) -> ParsedAnswers:
    """Read "s-<key>" fields against the snapshot.

    Values off the scale, statements the instrument does not have and two answers for one
    statement are problems (a browser never sends them); statements without an answer are
    gaps, which only matter on submission.
    """
    keys = statement_keys(snap)
    known = set(keys)
    parsed = ParsedAnswers()
    for name in form:
        if not name.startswith(FIELD_PREFIX):
            continue
        key = name[len(FIELD_PREFIX):]
        given = form.getlist(name)
        if key not in known:
            parsed.problems.append(_("An answer was sent for a statement this self-assessment "
                                     "does not have."))
        elif len(given) > 1:
            parsed.problems.append(_("More than one answer was sent for one statement."))
        elif given[0] not in _VALID_VALUES:
            parsed.problems.append(
                _("An answer was not on the scale from 1 to %(top)d.", top=SCALE_POINTS))
        else:
            parsed.values[key] = _VALID_VALUES[given[0]]
    parsed.problems = list(dict.fromkeys(parsed.problems))
    parsed.missing = [key for key in keys if key not in parsed.values]
    return parsed


def _locked_response(user_id: int, instrument: Instrument, phase: str) -> Response:
    """The user's response to the phase, created as an empty draft if missing, locked.

    As with progress rows, the insert ignores a conflict and the row lock (PostgreSQL) or the
    immediate transaction (SQLite) makes two submissions of one form run one after the other:
    the second finds the first already submitted.
    """
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    db.session.execute(
        insert(Response)
        .values(user_id=user_id, instrument_id=instrument.id, phase=phase, status=DRAFT,
                version=instrument.version, snapshot=snapshot(instrument),
                started_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["user_id", "instrument_id", "phase"])
    )
    return db.session.scalars(
        select(Response)
        .options(selectinload(Response.answers))
        .where(Response.user_id == user_id, Response.instrument_id == instrument.id,
               Response.phase == phase)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def save_response(user_id: int, instrument: Instrument, item: Item, phase: str,
                  values: Mapping[str, int], submit: bool) -> Response:
    """Store the answers as a draft, or submit them (every statement answered).

    The response takes the current snapshot and version. Submitting "single" or "after"
    completes the item; anything else marks it in progress. A "before" is submitted only
    while its window is open (`baseline`), and is then marked as the participant's baseline.
    Raises AlreadySubmitted if the phase was submitted meanwhile, PhaseClosed if the
    window closed meanwhile, and ValueError if a submission has gaps.
    """
    snap = snapshot(instrument)
    keys = statement_keys(snap)
    if set(values) - set(keys):
        raise ValueError("answers for statements the instrument does not have")
    if submit and set(keys) - set(values):
        raise ValueError("a submission must answer every statement")
    row = _locked_response(user_id, instrument, phase)
    if row.status == SUBMITTED:
        raise AlreadySubmitted(_("You have already submitted this self-assessment. "
                                 "A submission is final: your results are below."))
    is_baseline = submit and phase == BEFORE
    if is_baseline and not baseline.is_before_open(user_id, item):
        raise baseline_closed()
    row.snapshot = snap
    row.version = instrument.version
    row.updated_at = utcnow()
    existing = {answer.statement_key: answer for answer in row.answers}
    for key, answer in existing.items():
        if key not in values:
            row.answers.remove(answer)
    for key in keys:
        if key in values:
            if key in existing:
                existing[key].value = values[key]
            else:
                row.answers.append(Answer(statement_key=key, value=values[key]))
    if submit:
        row.status = SUBMITTED
        row.submitted_at = row.updated_at
        row.is_baseline = is_baseline
        # The groups this answer counts in are fixed now (`privacy.group_condition`).
        respondent = db.session.get(User, user_id)
        row.country, row.organisation = respondent.country, respondent.organisation
    db.session.flush()
    if submit and phase == completing_phase(instrument):
        progress.mark_complete(user_id, item, "assessment")
    else:
        progress.mark_started(user_id, item)
    return row


def draft_values(response: Response | None, instrument: Instrument) -> dict[str, int]:
    """A draft's answers that still apply to the instrument as it is now.

    An answer is kept only if its statement still reads the same and scores the same way.
    """
    if response is None:
        return {}
    current = {s["key"]: s for d in snapshot(instrument)["dimensions"] for s in d["statements"]}
    old = {s["key"]: s for d in response.snapshot["dimensions"] for s in d["statements"]}
    return {key: value for key, value in response.values.items()
            if key in current and old.get(key) == current[key]}


def clean_reflection(text: str | None) -> str | None:
    """A reflection as stored: plain text, None when empty.

    Line endings are normalised; control characters and surrounding space are dropped.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable()).strip()
    if len(text) > REFLECTION_MAX_LENGTH:
        raise ValueError(f"a reflection is at most {REFLECTION_MAX_LENGTH} characters")
    return text or None


def save_reflection(response: Response, text: str | None) -> Response:
    """Keep the participant's "one thing I will change" on their submitted response."""
    if response.status != SUBMITTED:
        raise AssessmentError(_("You can write a reflection once you have submitted."))
    response.reflection = clean_reflection(text)
    response.updated_at = utcnow()
    db.session.flush()
    return response
