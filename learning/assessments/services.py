"""Self-assessment rules: snapshots, phases, drafts and submissions, results and aggregates.

Privacy lives here: a participant's responses are only ever loaded by their own user id.
Group figures shown to anyone come from `figures`, released with differential privacy by
`release`; `aggregate` below computes exact ones (in batches, refusing groups smaller than
ASSESSMENT_MIN_GROUP: the rule is `privacy`'s), which no page shows: the tests reproduce
the old attacks on them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from flask import abort, current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ColumnElement, Select, func, literal, select, true, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload, selectinload

from learning.accounts.models import User, utcnow
from learning.assessments import baseline, privacy, release, scoring
from learning.assessments.models import REFLECTION_MAX_LENGTH, Answer, Response
from learning.catalog.models import Course, Item, Module, shown_to_participants
from learning.cohorts.models import Cohort, Enrolment
from learning.database import db
from learning.instruments.models import SCALE_POINTS, Dimension, Feedback, Instrument
from learning.progress import completion
from learning.progress import services as progress

SINGLE, BEFORE, AFTER = "single", "before", "after"
DRAFT, SUBMITTED = "draft", "submitted"
NOT_STARTED = "not_started"
FIELD_PREFIX = "s-"
_TOKEN_SALT = "assessment-form"  # noqa: S105 - a salt, not a secret
_VALID_VALUES = {str(value): value for value in range(1, SCALE_POINTS + 1)}


class AssessmentError(Exception):
    """A request the rules refuse, with a message for the participant."""


class PhaseClosed(AssessmentError):
    """The phase cannot be taken now (not open yet, or no longer)."""


def baseline_closed() -> PhaseClosed:
    """The refusal of a "before" once its window has closed (`baseline`)."""
    return PhaseClosed(baseline.closed_message())


class AlreadySubmitted(AssessmentError):
    """The phase was submitted before: a submission is final."""


class FormMismatch(AssessmentError):
    """The form's hidden fields do not belong to this participant, instrument and phase."""


class OutdatedForm(AssessmentError):
    """The instrument changed between showing the form and receiving it."""


def snapshot(instrument: Instrument) -> dict:
    """The instrument as a participant answers it, for storing with the response.

    Statements are keyed by their id (as text): the form's field names and the answers use
    the same key. Everything scoring and the results page need is here.
    """
    return {
        "version": instrument.version,
        "title": instrument.title,
        "level": instrument.level,
        "is_before_after": instrument.is_before_after,
        "scale": list(instrument.scale_labels),
        "bands": [{"slug": b.slug, "label": b.label, "min": b.min_score, "max": b.max_score}
                  for b in _by_position(instrument.bands)],
        "dimensions": [
            {
                "slug": dimension.slug,
                "title": dimension.title,
                "description": dimension.description,
                "helpful_items": list(dimension.helpful_items or []),
                "statements": [{"key": str(s.id), "text": s.text,
                                "reverse": s.is_reverse_scored}
                               for s in _by_position(dimension.statements)],
                "feedback": {f.band.slug: f.text for f in dimension.feedback},
            }
            for dimension in _by_position(instrument.dimensions)
        ],
    }


def _by_position(rows) -> list:
    # A collection edited in this session keeps its loaded order while positions change.
    return sorted(rows, key=lambda row: row.position)


def definition(instrument: Instrument) -> dict:
    """What a new version is about: the snapshot without its version number."""
    data = snapshot(instrument)
    del data["version"]
    return data


def has_responses(instrument: Instrument) -> bool:
    """True if anyone has answered (or started answering) the instrument."""
    return db.session.scalar(
        select(Response.id).where(Response.instrument_id == instrument.id).limit(1)
    ) is not None


def response_counts(instrument_ids) -> dict[int, int]:
    """How many responses each of the instruments has (for refusing their deletion)."""
    ids = list(instrument_ids)
    if not ids:
        return {}
    return dict(db.session.execute(
        select(Response.instrument_id, func.count()).where(Response.instrument_id.in_(ids))
        .group_by(Response.instrument_id)
    ).all())


def phases_of(instrument: Instrument) -> tuple[str, ...]:
    """The phases an instrument is taken in."""
    return (BEFORE, AFTER) if instrument.is_before_after else (SINGLE,)


def completing_phase(instrument: Instrument) -> str:
    """The phase whose submission completes the item."""
    return AFTER if instrument.is_before_after else SINGLE


def instrument_query():
    """A query of instruments with everything a snapshot reads loaded with them."""
    return select(Instrument).options(
        selectinload(Instrument.bands),
        selectinload(Instrument.dimensions).selectinload(Dimension.statements),
        selectinload(Instrument.dimensions).selectinload(Dimension.feedback)
        .joinedload(Feedback.band),
    )


def get_instrument_or_404(course: Course, slug: str) -> Instrument:
    """The course's instrument with this slug, with everything a snapshot reads."""
    instrument = db.session.scalar(
        instrument_query().where(Instrument.course_id == course.id, Instrument.slug == slug)
    )
    if instrument is None:
        abort(404)
    return instrument


def instruments_of(course: Course) -> list[Instrument]:
    """The course's instruments that an item of a published module asks, in course order."""
    ids = list(dict.fromkeys(db.session.scalars(
        select(Item.instrument_id).join(Module)
        .where(Module.course_id == course.id, shown_to_participants(),
               Item.instrument_id.is_not(None))
        .order_by(Module.position, Item.position)
    )))
    instruments = {i.id: i for i in db.session.scalars(
        instrument_query().where(Instrument.id.in_(ids)))}
    return [instruments[i] for i in ids]


def assessment_item_or_404(course: Course, instrument: Instrument) -> Item:
    """The item of a published module of the course that asks this instrument."""
    item = db.session.scalar(
        select(Item).join(Module)
        .options(joinedload(Item.module))
        .where(Module.course_id == course.id, shown_to_participants(),
               Item.instrument_id == instrument.id)
        .order_by(Module.position, Item.position)
        .limit(1)
    )
    if item is None:
        abort(404)
    return item


def responses_of(user_id: int, instrument: Instrument) -> dict[str, Response]:
    """The user's own responses to the instrument, by phase, with their answers."""
    rows = db.session.scalars(
        select(Response).options(selectinload(Response.answers))
        .where(Response.user_id == user_id, Response.instrument_id == instrument.id)
    )
    return {row.phase: row for row in rows}


def rest_of_course_complete(user_id: int, course: Course, item: Item) -> bool:
    """True when every required item of the course other than this one is complete.

    Other before-and-after self-assessments are left out: each is completed by its own
    "after", which waits for the rest of the course, so counting them would make two such
    items wait for each other for ever.
    """
    ends_with_after = {row.id for row in baseline.course_outline(course) if row.is_before_after}
    return completion.nothing_left_but(user_id, course.id, ends_with_after | {item.id})


@dataclass(frozen=True)
class PhaseState:
    """Where a participant stands with one phase of an instrument."""

    phase: str
    status: str  # not_started, draft or submitted
    is_open: bool
    submitted_at: datetime | None = None
    # Why a phase that is not submitted cannot be taken: "waiting" (the rest of the course
    # comes first), "passed" (the after phase was taken, so "before" is over) or
    # "baseline_closed" (the participant has begun the module it belongs to).
    closed_because: str | None = None


def phase_states(user_id: int, course: Course, item: Item, instrument: Instrument,
                 responses: Mapping[str, Response] | None = None) -> list[PhaseState]:
    """The state of each phase of the instrument for the participant.

    Single is open until submitted; before until either phase is submitted or its window
    closes (`baseline.is_before_open`); after once every other required item of the course is
    complete (`rest_of_course_complete`).
    """
    if responses is None:
        responses = responses_of(user_id, instrument)

    def status(phase):
        row = responses.get(phase)
        return row.status if row else NOT_STARTED

    states = []
    for phase in phases_of(instrument):
        current = status(phase)
        submitted = current == SUBMITTED
        reason = None
        if submitted:
            is_open = False
        elif phase == BEFORE and status(AFTER) == SUBMITTED:
            is_open, reason = False, "passed"
        elif phase == BEFORE and not baseline.is_before_open(user_id, item):
            is_open, reason = False, "baseline_closed"
        elif phase == AFTER and not rest_of_course_complete(user_id, course, item):
            is_open, reason = False, "waiting"
        else:
            is_open = True
        row = responses.get(phase)
        states.append(PhaseState(phase, current, is_open,
                                 row.submitted_at if row else None, reason))
    return states


def check_phase_open(states: list[PhaseState], phase: str) -> None:
    """Raise unless the phase can be answered now."""
    state = next((s for s in states if s.phase == phase), None)
    if state is None:
        abort(404)
    if state.status == SUBMITTED:
        raise AlreadySubmitted(_("You have already submitted this self-assessment. "
                                 "A submission is final: your results are below."))
    if state.closed_because == "waiting":
        raise PhaseClosed(_("The end-of-course self-assessment opens once you have "
                            "completed every other required item of the course, apart from "
                            "the other end-of-course self-assessments."))
    if state.closed_because == "passed":
        raise PhaseClosed(_("The start-of-course self-assessment is closed: you have "
                            "already taken the end-of-course one."))
    if state.closed_because == "baseline_closed":
        raise baseline_closed()


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


@dataclass(frozen=True)
class PhaseResult:
    """A submitted phase and its scores."""

    phase: str
    response: Response
    dimensions: list[scoring.DimensionResult]


@dataclass(frozen=True)
class ShiftRow:
    """One dimension before and after, and the change (None where a phase lacks it)."""

    title: str
    before: float | None
    after: float | None
    # ± points of the change, 9 times in 10, for released group figures (None: exact).
    half_width: float | None = None

    @property
    def change(self) -> float | None:
        """After minus before, on the displayed scores; None if too uncertain to show."""
        if self.before is None or self.after is None:
            return None
        if self.half_width is not None and self.half_width > release.USEFUL_HALF_WIDTH:
            return None
        return scoring.display_score(self.after - self.before)


@dataclass(frozen=True)
class Results:
    """What the participant's results page shows."""

    phases: list[PhaseResult]
    shift: list[ShiftRow] | None
    # The end-of-course answers are in, but there is no baseline to measure a shift against.
    has_no_baseline: bool = False

    @property
    def latest(self) -> PhaseResult:
        """The most recent submitted phase: its feedback leads the page."""
        return self.phases[-1]


def shift_rows(before: list, after: list, score=lambda d: d.score) -> list[ShiftRow]:
    """Dimensions matched by slug across two phases, in the later phase's order."""
    first = {d.slug: d for d in before}
    second = {d.slug: d for d in after}
    order = [d.slug for d in after] + [d.slug for d in before if d.slug not in second]
    return [
        ShiftRow(
            title=(second.get(slug) or first[slug]).title,
            before=scoring.display_score(score(first[slug])) if slug in first else None,
            after=scoring.display_score(score(second[slug])) if slug in second else None,
        )
        for slug in order
    ]


def counts(response: Response | None) -> bool:
    """True for a submitted response that results may show.

    A "before" counts only as a real baseline: one submitted while the baseline window was
    open. Any other "before" would make a shift out of two answers given at the same stage.
    """
    if response is None or response.status != SUBMITTED:
        return False
    return response.phase != BEFORE or response.is_baseline


def results(user_id: int, instrument: Instrument) -> Results | None:
    """The user's own submitted phases scored from their snapshots; None if none.

    The shift (after minus before) is given only against a real baseline (`counts`).
    """
    responses = responses_of(user_id, instrument)
    phases = [
        PhaseResult(phase, responses[phase],
                    scoring.score_snapshot(responses[phase].snapshot, responses[phase].values))
        for phase in phases_of(instrument)
        if counts(responses.get(phase))
    ]
    if not phases:
        return None
    by_phase = {p.phase: p for p in phases}
    shift = None
    if BEFORE in by_phase and AFTER in by_phase:
        shift = shift_rows(by_phase[BEFORE].dimensions, by_phase[AFTER].dimensions)
    has_no_baseline = AFTER in by_phase and BEFORE not in by_phase
    return Results(phases, shift, has_no_baseline)


def helpful_links(course: Course, references) -> dict[str, Item]:
    """Items of the course's published modules named by "module-slug/item-slug" references.

    References to items that do not exist (or are hidden) are left out.
    """
    wanted = {ref for ref in references if ref.count("/") == 1}
    if not wanted:
        return {}
    items = db.session.scalars(
        select(Item).join(Module).options(joinedload(Item.module))
        .where(Module.course_id == course.id, shown_to_participants())
    )
    found = {f"{item.module.slug}/{item.slug}": item for item in items}
    return {ref: found[ref] for ref in wanted if ref in found}


@dataclass(frozen=True)
class DimensionAggregate:
    """A group's mean score on one dimension and how many fell in each band."""

    slug: str
    title: str
    # None when released but too uncertain to show (`release.USEFUL_HALF_WIDTH`).
    mean: float | None
    band_counts: list[tuple[str, int]] | None
    # ± points (mean) and ± people (each band count), 9 times in 10; 0 for exact figures.
    half_width: float = 0.0
    band_half_width: float = 0.0


@dataclass(frozen=True)
class Aggregate:
    """A group's results for one phase, or only the fact that the group is too small.

    When `is_enough` is False there is no figure at all: no count, no mean. `is_rest_too_few`
    says why for a part of a cohort: the part is big enough, but the rest of the cohort is
    not, so the whole's figures minus the part's would describe those few.
    """

    phase: str
    threshold: int
    is_enough: bool
    respondents: int | None = None
    dimensions: list[DimensionAggregate] | None = None
    # Submitted answers not in the figures yet: they wait for a whole batch of `threshold`.
    pending: int = 0
    is_rest_too_few: bool = False
    # A release was due but the privacy budget is spent: the figures stay as last released.
    is_budget_spent: bool = False
    # A release was due but the budget left is kept for the whole cohort's first figures of
    # a phase not released yet (before or after).
    is_kept_for_whole: bool = False
    released_at: datetime | None = None


def aggregate(instrument: Instrument, cohort: Cohort, phase: str,
              among: ColumnElement[bool] | None = None) -> Aggregate:
    """The cohort's submitted responses to one phase, as exact group figures (never shown).

    A "before" aggregate counts real baselines only (`counts`). `among`, a condition from
    `privacy.group_condition`, narrows the group to part of the cohort (a country, say), as the
    respondents were when they submitted.

    Figures are released in batches: they cover the first k x threshold responses by
    submission time, for the largest whole k, and the rest wait (`pending`) until they make
    a batch. So one new answer never moves a figure, and the difference between two
    releases is a whole batch, never one person (6 x mean of six - 5 x mean of five would
    otherwise be the sixth person's score). Below the threshold the answer carries no
    figure. A part of the cohort carries none either while the rest of the cohort's
    respondents are fewer than the threshold (but some): the whole's figures against the
    part's would describe them. A dimension is averaged over the counted responses whose
    snapshots have it (a later version may add or drop one); a dimension with fewer than
    the threshold is left out.

    Three queries, whatever the size: how many answered, one snapshot per version (a
    version's snapshot is the same for everyone who submitted it), and the scores added up
    in SQL (`_score_groups`).
    """
    threshold = privacy.min_group()
    conditions = [Enrolment.cohort_id == cohort.id, Response.instrument_id == instrument.id,
                  Response.phase == phase, Response.status == SUBMITTED]
    if phase == BEFORE:  # a group's "before" is made of real baselines only, like a person's
        conditions.append(Response.is_baseline.is_(True))
    respondents = (select(Response.id).join(Enrolment, Enrolment.user_id == Response.user_id)
                   .where(*conditions))
    whole, in_group = db.session.execute(
        respondents.with_only_columns(
            func.count(), func.count().filter(true() if among is None else among))
    ).one()
    counting = privacy.batch(whole, in_group, threshold)
    if not counting.is_enough:
        return Aggregate(phase, threshold, False, is_rest_too_few=counting.is_rest_too_few)
    counted = counting.counted
    group = respondents if among is None else respondents.where(among)
    snapshots = dict(db.session.execute(
        select(Response.version, Response.snapshot).where(Response.id.in_(
            group.with_only_columns(func.min(Response.id)).group_by(Response.version)))
    ).all())
    scores: dict[str, list[tuple[float, str, int, str]]] = {}
    for version, slug, total, statements, people in _score_groups(group, snapshots, counted):
        score = scoring.score_from_total(total, statements)
        band = scoring.band_for(score, snapshots[version]["bands"])
        title = next(d["title"] for d in snapshots[version]["dimensions"] if d["slug"] == slug)
        scores.setdefault(slug, []).append((score, band["label"], people, title))
    current = snapshot(instrument)
    titles = {d["slug"]: d["title"] for d in current["dimensions"]}
    band_labels = [band["label"] for band in current["bands"]]
    order = list(titles) + [slug for slug in scores if slug not in titles]
    kept = [slug for slug in order
            if privacy.is_big_enough(
                sum(people for _score, _band, people, _title in scores.get(slug, [])), threshold)]
    # Every row gets every band, so the table has one column per band, older labels included.
    for slug in kept:
        for _score, label, _people, _title in scores[slug]:
            if label not in band_labels:
                band_labels.append(label)
    dimensions = []
    for slug in kept:
        groups = scores[slug]
        counts = dict.fromkeys(band_labels, 0)
        for _score, label, people, _title in groups:
            counts[label] += people
        everyone = sum(people for _score, _band, people, _title in groups)
        dimensions.append(DimensionAggregate(
            slug=slug, title=titles.get(slug, groups[0][3]),
            mean=sum(score * people for score, _band, people, _title in groups) / everyone,
            band_counts=list(counts.items()),
        ))
    return Aggregate(phase, threshold, True, counted, dimensions, in_group - counted)


def _score_groups(respondents: Select, snapshots: dict[int, dict], counted: int):
    """The counted responses' dimension scores, as few groups of identical ones.

    Rows of (version, dimension slug, total of scored values, statements, people): for the
    first `counted` of `respondents` by submission time, each response's values per
    dimension are added up in SQL (a reverse-scored statement counts 6 - value; the
    snapshots' statements joined as a small table of literals) and
    responses with the same version, dimension, total and number of statements counted
    together. A score depends on nothing else (`scoring.score_from_total`), so the rows are
    few whatever the size of the group, and Python scores each once.
    """
    statements = union_all(*[
        select(literal(version).label("version"), literal(statement["key"]).label("key"),
               literal(part["slug"]).label("slug"),
               literal(SCALE_POINTS + 1 if statement["reverse"] else 0).label("flip"))
        for version, snap in snapshots.items()
        for part in snap["dimensions"] for statement in part["statements"]
    ]).subquery()
    # A reverse-scored value counts 6 - value: flip - value, where flip is 6; else value.
    scored = func.abs(statements.c.flip - Answer.value)
    ranked = (respondents.with_only_columns(
        Response.id, Response.version,
        func.row_number().over(order_by=(Response.submitted_at, Response.id)).label("rank"))
        .subquery())
    per_response = (
        select(ranked.c.version, statements.c.slug, func.sum(scored).label("total"),
               func.count().label("statements"))
        .select_from(ranked)
        .join(Answer, Answer.response_id == ranked.c.id)
        .join(statements, (statements.c.version == ranked.c.version)
              & (statements.c.key == Answer.statement_key))
        .where(ranked.c.rank <= counted)
        .group_by(ranked.c.id, ranked.c.version, statements.c.slug)
        .subquery())
    return db.session.execute(
        select(per_response.c.version, per_response.c.slug, per_response.c.total,
               per_response.c.statements, func.count())
        .group_by(per_response.c.version, per_response.c.slug, per_response.c.total,
                  per_response.c.statements)
    ).all()


@dataclass(frozen=True)
class InstrumentSummary:
    """A cohort's released figures for one instrument: each phase, and the shift."""

    instrument: Instrument
    phases: list[Aggregate]
    shift: list[ShiftRow] | None


def item_state(user_id: int, course: Course, item: Item) -> dict:
    """What the item page shows a participant about their self-assessment."""
    instrument = item.instrument
    responses = responses_of(user_id, instrument)
    return {
        "phases": phase_states(user_id, course, item, instrument, responses),
        "has_results": any(counts(r) for r in responses.values()),
        "other_baselines": (baseline.starting_points(user_id, course, besides=instrument)
                            if instrument.is_before_after else []),
    }
