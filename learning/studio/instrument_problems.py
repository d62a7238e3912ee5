"""The content files' problems with an instrument, as the studio's form names them.

The content files' rules (`content.instrument_files.check_instrument`) name bands and
dimensions by their slugs, as a file does. The studio's form shows no slugs of either: its
problems name a band by its label and say which scores no band covers, or which two bands
share ("No band covers 40–49", "Bands “Developing” and “Established” overlap at 50–59").
The rules are the same; only the words change.

Then the form shows them: each problem beside the field its path names (`place_problems`),
those no field shows at the top and on the instrument's page naming the band or dimension
they are about (`describe`), and every field's errors listed once with where it is
(`error_list`).
"""

import re
from dataclasses import replace

from flask_babel import gettext as _

from learning.assessments.scoring import TOP_SCORE
from learning.content.specs import ContentError

_BAND_FIELD = re.compile(r"^bands\[(\d+)\]\.(min|max)$")
_FEEDBACK = re.compile(r"^dimensions\[\d+\]\.feedback\.(.+)$")
# The content files' words for band ranges that this module says again in scores.
_COVERAGE = ("gap:", "overlap:", "must be more than min")


def _missing(field: str) -> str | None:
    """What to ask for when a field the rules need is empty."""
    if field == "title":
        return _("Enter a title.")
    if field == "slug":
        return _("Enter a slug.")
    if re.fullmatch(r"scale\[\d+\]", field):
        return _("Enter the label of this answer.")
    if re.fullmatch(r"bands\[\d+\]\.label", field):
        return _("Enter the band's label.")
    if _BAND_FIELD.match(field):
        return _("Enter a whole number from 0 to 100.")
    if re.fullmatch(r"dimensions\[\d+\]\.title", field):
        return _("Enter the dimension's title.")
    return None


def _relabelled(error: ContentError, labels: dict[str, str]) -> ContentError:
    """The problem in the form's words, when the rules' words name a slug or say little."""
    feedback = _FEEDBACK.match(error.field)
    if feedback and error.message.startswith("missing"):
        band = labels.get(feedback.group(1), feedback.group(1))
        return replace(error, message=_("No feedback yet for band “%(band)s”.", band=band))
    if re.fullmatch(r"dimensions\[\d+\]\.feedback", error.field) and \
            error.message.startswith("missing"):
        return replace(error, message=_("No feedback yet for any band."))
    if error.message in ("missing", "missing: it is empty"):
        message = _missing(error.field)
        if message:
            return replace(error, message=message)
    return error


def _covering(bands: list[dict], score: int) -> tuple[int, ...]:
    """The bands (by index) a score falls in: from min up to max, the top band with 100."""
    return tuple(index for index, band in enumerate(bands)
                 if band["min"] <= score < band["max"] or score == band["max"] == TOP_SCORE)


def _span(start: int, end: int) -> str:
    return str(start) if start == end else f"{start}–{end}"


def band_coverage(bands: list[dict], name: str) -> list[ContentError]:
    """Where bands (label, min, max, each a whole number from 0 to 100) fail to cover 0–100.

    Each run of scores in no band is a gap, placed at the band that starts after it (or
    ends before it); each run in two bands is an overlap, placed at the later band's start.
    A band that ends where it starts or before is said first, alone, as the rules do.
    """
    upside_down = [ContentError(name, f"bands[{index}].max",
                                _("Make “up to” more than “from” (%(min)d).", min=band["min"]))
                   for index, band in enumerate(bands) if band["min"] >= band["max"]]
    if upside_down:
        return upside_down
    runs: list[tuple[tuple[int, ...], int, int]] = []
    for score in range(TOP_SCORE + 1):
        covering = _covering(bands, score)
        if runs and runs[-1][0] == covering and runs[-1][2] == score - 1:
            runs[-1] = (covering, runs[-1][1], score)
        else:
            runs.append((covering, score, score))
    problems = []
    for covering, start, end in runs:
        if not covering:
            after = next((i for i, band in enumerate(bands) if band["min"] == end + 1), None)
            before = next((i for i, band in enumerate(bands) if band["max"] == start), None)
            field = (f"bands[{after}].min" if after is not None
                     else f"bands[{before}].max" if before is not None else "bands")
            problems.append(ContentError(name, field, _("No band covers %(scores)s.",
                                                        scores=_span(start, end))))
        elif len(covering) > 1:
            first, second = sorted(covering, key=lambda i: (bands[i]["min"], i))[:2]
            problems.append(ContentError(name, f"bands[{second}].min", _(
                "Bands “%(first)s” and “%(second)s” overlap at %(scores)s.",
                first=bands[first]["label"], second=bands[second]["label"],
                scores=_span(start, end))))
    return problems


def _checkable(bands) -> bool:
    """True when every band has a range to check: whole numbers from 0 to 100."""
    return bool(bands) and isinstance(bands, list) and all(
        isinstance(band, dict) and all(
            isinstance(band.get(key), int) and not isinstance(band.get(key), bool)
            and 0 <= band[key] <= TOP_SCORE for key in ("min", "max"))
        for band in bands)


def in_labels(errors: list[ContentError], data: dict) -> list[ContentError]:
    """The rules' problems with an instrument's document, in the studio form's words."""
    bands = data.get("bands")
    labels = {band.get("slug"): band.get("label") or band.get("slug")
              for band in bands or () if isinstance(band, dict)}
    if not _checkable(bands):
        return [_relabelled(error, labels) for error in errors]
    name = errors[0].file if errors else "instrument"
    kept = [_relabelled(error, labels) for error in errors
            if not (_BAND_FIELD.match(error.field) and error.message.startswith(_COVERAGE))]
    return kept + band_coverage(bands, name)


def explain(problem) -> str:
    """A problem of the content files' rules as a sentence for the page."""
    message = problem.message
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "?")) else ".")


def describe(problem, data: dict) -> str:
    """A problem of an instrument's document, naming the dimension or band it is about."""
    match = re.match(r"(dimensions|bands)\[(\d+)\]", problem.field)
    if match is None:
        return explain(problem)
    rows_, index = data[match.group(1)], int(match.group(2))
    row = rows_[index] if index < len(rows_) else {}
    if match.group(1) == "dimensions":
        where = _("Dimension “%(name)s”", name=row.get("title") or index + 1)
    else:
        where = _("Band “%(name)s”", name=row.get("label") or index + 1)
    return f"{where}: {explain(problem)}"


def place_problems(problems, places: dict) -> list[str]:
    """Show each problem beside the field its path names; the ones no field shows."""
    left = []
    for problem in problems:
        target = places.get(problem.field)
        if target is None:
            left.append(explain(problem))
            continue
        if explain(problem) not in target.errors:
            target.errors = [*target.errors, explain(problem)]
    return left


def error_list(form) -> list[tuple[str, str]]:
    """Every field error of the form, as (field id, where: label: message)."""
    found = []

    def add(field, *context):
        label = ", ".join([*context, str(field.label.text)])
        found.extend((field.id, f"{label}: {error}") for error in field.errors)

    for field in form:
        if field.type not in ("FieldList", "CSRFTokenField", "HiddenField"):
            add(field)
    for number, entry in enumerate(form.bands, start=1):
        row = entry.form
        for field in (row.label, row.min_score, row.max_score):
            add(field, row.name(number))
    for number, entry in enumerate(form.dimensions, start=1):
        row = entry.form
        name = row.name(number)
        for field in (row.title, row.description):
            add(field, name)
        for statement in row.statements:
            add(statement.form.text, name)
        for cell in row.feedback:
            add(cell.form.text, name)
        add(row.helpful_items, name)
    return found
