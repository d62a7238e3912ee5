"""The instrument builder: one form for a whole self-assessment instrument.

Settings, bands (label and score range), dimensions (title, description, helpful items),
each dimension's statements and its feedback for each band. Its fields hold what was typed;
`document()` turns them into the instrument's document (`exporter.instrument_document`'s
shape), which the content files' rules judge as a whole (`instruments.check`); each problem
is then placed beside the field its path names (`place_problems`). So this form checks
types, not lengths or ranges: one set of rules, the files' and the studio's.

Rows come and go by the buttons `rows` reads (`changed`): the form is shown again with one
row more or less and nothing typed lost. A dimension's feedback for a band is its cell at
the band's position: a band added or removed adds or removes that cell in every dimension.
Band and dimension slugs are kept in hidden fields (they key feedback and results); a new
row's slug is made from its label or title.
"""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from learning.content.writing import free_slug
from learning.core.forms import Form
from learning.instruments.models import SCALE_POINTS
from learning.studio import rows

LEVEL_LABELS = {"individual": _l("Individual"), "organisational": _l("Organisational"),
                "institutional": _l("Institutional")}
BEFORE_AFTER, SINGLE = "before_after", "single"
# Empty statement rows a new dimension starts with.
NEW_STATEMENTS = 3
_NUMBER = _l("Enter a whole number from 0 to 100.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _typed(field) -> bool:
    return bool(field.raw_data and str(field.raw_data[0]).strip())


class _RowForm(Form):
    """One row of a list inside the page's form: the page's form carries the CSRF token."""

    class Meta:
        csrf = False


class BandRowForm(_RowForm):
    """One band: its label and its score range. `key` is a stored band's slug."""

    key = HiddenField()
    label = StringField(_l("Label"), filters=[_strip])
    min_score = IntegerField(_l("From score"), validators=[Optional()])
    max_score = IntegerField(_l("Up to score"), validators=[Optional()])

    def process(self, *args, **kwargs):
        super().process(*args, **kwargs)
        for field in (self.min_score, self.max_score):
            field.process_errors = [str(_NUMBER)] if field.process_errors else []

    def is_blank(self) -> bool:
        """True when nothing was typed in the row (its feedback is asked separately)."""
        return not (self.label.data or _typed(self.min_score) or _typed(self.max_score))

    def name(self, number: int) -> str:
        """How the page names the band: its label, or its number while it has none."""
        if self.label.data:
            return _("Band “%(label)s”", label=self.label.data)
        return _("Band %(num)d", num=number)


class StatementRowForm(_RowForm):
    """One statement, and whether agreeing with it counts down."""

    text = StringField(_l("Statement"), filters=[_strip])
    is_reverse_scored = BooleanField(_l("Reverse-scored"))


class FeedbackCellForm(_RowForm):
    """What a dimension tells someone in one band (the band at the cell's position)."""

    text = TextAreaField(_l("Feedback"), filters=[_strip])


class DimensionRowForm(_RowForm):
    """One dimension: what it measures, its statements and its feedback per band."""

    key = HiddenField()
    title = StringField(_l("Title"), filters=[_strip])
    description = TextAreaField(_l("Description"), filters=[_strip])
    helpful_items = SelectMultipleField(
        _l("Items that help"), choices=[], validate_choice=False,
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )
    statements = FieldList(FormField(StatementRowForm))
    feedback = FieldList(FormField(FeedbackCellForm))

    def kept_statements(self) -> list:
        """The statement rows with a text, in order."""
        return [entry.form for entry in self.statements if entry.form.text.data]

    def is_blank(self) -> bool:
        """True when nothing was typed or chosen in the dimension."""
        return not (self.title.data or self.description.data or self.kept_statements()
                    or self.helpful_items.data
                    or any(cell.form.text.data for cell in self.feedback))

    def name(self, number: int) -> str:
        """How the page names the dimension: its title, or its number while it has none."""
        if self.title.data:
            return _("Dimension “%(title)s”", title=self.title.data)
        return _("Dimension %(num)d", num=number)


def _new_dimension(bands: int) -> dict:
    return {"key": "", "title": "", "description": "", "helpful_items": [],
            "statements": [{} for _ in range(NEW_STATEMENTS)],
            "feedback": [{"text": ""} for _ in range(bands)]}


class InstrumentBuilderForm(Form):
    """A whole instrument: settings, bands, dimensions with statements and feedback."""

    title = StringField(_l("Title"), filters=[_strip])
    slug = StringField(_l("Slug"), filters=[_strip])
    level = SelectField(_l("Level"), choices=[SelectChoice(level, label)
                                              for level, label in LEVEL_LABELS.items()])
    phases = RadioField(_l("When participants take it"), default=SINGLE, choices=[
        SelectChoice(SINGLE, _l("Once")),
        SelectChoice(BEFORE_AFTER, _l("Before and after the course, to measure the mindset "
                                      "shift")),
    ])
    introduction = TextAreaField(_l("Introduction"), filters=[_strip])
    scale_1 = StringField(_l("1, the strongest disagreement"), filters=[_strip])
    scale_2 = StringField(_l("2"), filters=[_strip])
    scale_3 = StringField(_l("3"), filters=[_strip])
    scale_4 = StringField(_l("4"), filters=[_strip])
    scale_5 = StringField(_l("5, the strongest agreement"), filters=[_strip])
    bands = FieldList(FormField(BandRowForm))
    dimensions = FieldList(FormField(DimensionRowForm))

    def __init__(self, *args, item_choices=(), taken_slugs=(), fills_slug=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.taken_slugs = set(taken_slugs)
        self.fills_slug = fills_slug
        self.slug_fallback = "self-assessment"
        self._places: dict = {}
        self._arrange(list(item_choices))

    # Building --------------------------------------------------------------------------

    @classmethod
    def data_of(cls, data: dict) -> dict:
        """The form's starting values for an instrument's document (a new one's too)."""
        bands = data["bands"]
        values = {"title": data["title"], "slug": data["slug"], "level": data["level"],
                  "phases": BEFORE_AFTER if data["before_after"] else SINGLE,
                  "introduction": data["introduction"],
                  "bands": [{"key": b["slug"], "label": b["label"], "min_score": b["min"],
                             "max_score": b["max"]} for b in bands]}
        scale = list(data["scale"]) + [""] * SCALE_POINTS
        values.update({f"scale_{point}": scale[point - 1]
                       for point in range(1, SCALE_POINTS + 1)})
        values["dimensions"] = [{
            "key": d["slug"], "title": d["title"], "description": d["description"],
            "helpful_items": list(d["helpful_items"]),
            "statements": [{"text": s["text"], "is_reverse_scored": s.get("reverse", False)}
                           for s in d["statements"]],
            "feedback": [{"text": d["feedback"].get(b["slug"], "")} for b in bands],
        } for d in data["dimensions"]] or [_new_dimension(len(bands))]
        return values

    def _arrange(self, item_choices: list[tuple[str, str]]) -> None:
        """Give every dimension a feedback cell per band, its item choices, and labels."""
        known = {ref for ref, _label in item_choices}
        for entry in self.dimensions:
            dimension = entry.form
            while len(dimension.feedback) < len(self.bands):
                dimension.feedback.append_entry()
            while len(dimension.feedback) > len(self.bands):
                dimension.feedback.pop_entry()
            # A reference to an item that has gone stays visible, so that it can be unticked.
            stale = [ref for ref in dimension.helpful_items.data or () if ref not in known]
            dimension.helpful_items.choices = [
                SelectChoice(ref, label) for ref, label in item_choices] + [
                SelectChoice(ref, _("%(reference)s (no such item in this course)",
                                    reference=ref)) for ref in stale]
            for number, statement in enumerate(dimension.statements, start=1):
                statement.form.text.label.text = _("Statement %(num)d", num=number)
            for number, (cell, band) in enumerate(zip(dimension.feedback, self.bands,
                                                      strict=True), start=1):
                label = band.form.label.data
                cell.form.text.label.text = (
                    _("Feedback for band “%(label)s”", label=label) if label
                    else _("Feedback for band %(num)d", num=number))

    def scale_fields(self) -> list:
        """The scale's labels, from 1 to 5."""
        return [self[f"scale_{point}"] for point in range(1, SCALE_POINTS + 1)]

    # Checking --------------------------------------------------------------------------

    def validate(self, extra_validators=None):
        """Check types, then that no two bands or dimensions share a name."""
        valid = super().validate(extra_validators)
        for rows_, name, message in (
                (self._kept_bands(), "label", lambda name: _(
                    "Another band is called “%(name)s”: give each band a label of its own.",
                    name=name)),
                (self._kept_dimensions(), "title", lambda name: _(
                    "Another dimension is called “%(name)s”: give each one a title of its "
                    "own.", name=name))):
            seen = set()
            for row in rows_:
                field = row[name]
                if field.data and field.data.casefold() in seen:
                    field.errors = [*field.errors, message(field.data)]
                    valid = False
                seen.add((field.data or "").casefold())
        return valid

    def _kept_bands(self) -> list:
        """Band rows to save: not blank, or with feedback typed for them."""
        return [entry.form for position, entry in enumerate(self.bands)
                if not entry.form.is_blank() or any(
                    position < len(d.form.feedback) and d.form.feedback[position].form.text.data
                    for d in self.dimensions)]

    def _kept_dimensions(self) -> list:
        return [entry.form for entry in self.dimensions if not entry.form.is_blank()]

    # The document ----------------------------------------------------------------------

    def document(self) -> dict:
        """The instrument's document the form sets; `places()` then maps its paths to fields.

        Empty rows are left out; bands go in order of their scores. A new band or
        dimension gets a slug made from its label or title, free among its siblings', and
        an empty instrument slug on a new instrument is made from the title.
        """
        slug = self.slug.data or ""
        if self.fills_slug and not slug and self.title.data:
            slug = free_slug(self.title.data, self.taken_slugs, self.slug_fallback)
            self.slug.data = slug
        places = {"title": self.title, "slug": self.slug, "level": self.level,
                  "before_after": self.phases, "introduction": self.introduction,
                  "scale": self.scale_1}
        places.update({f"scale[{index}]": field
                       for index, field in enumerate(self.scale_fields())})

        band_rows = [(position, entry.form) for position, entry in enumerate(self.bands)
                     if entry.form in self._kept_bands()]
        band_slugs = _slugs([row for _, row in band_rows], "label", "band")
        band_rows.sort(key=lambda pair: (pair[1].min_score.data
                                         if isinstance(pair[1].min_score.data, int)
                                         else 101))
        bands = []
        for index, (_position, row) in enumerate(band_rows):
            bands.append({"slug": band_slugs[id(row)], "label": row.label.data or "",
                          "min": row.min_score.data, "max": row.max_score.data})
            places.update({f"bands[{index}].label": row.label,
                           f"bands[{index}].slug": row.label,
                           f"bands[{index}].min": row.min_score,
                           f"bands[{index}].max": row.max_score})
        if band_rows:
            places["bands"] = band_rows[0][1].label

        kept = self._kept_dimensions()
        dimension_slugs = _slugs(kept, "title", "dimension")
        dimensions = []
        for index, row in enumerate(kept):
            prefix = f"dimensions[{index}]"
            statements = row.kept_statements()
            feedback = {}
            for position, slug_ in ((p, band_slugs[id(r)]) for p, r in band_rows):
                cell = row.feedback[position].form.text
                places[f"{prefix}.feedback.{slug_}"] = cell
                if cell.data:
                    feedback[slug_] = cell.data
            dimensions.append({
                "slug": dimension_slugs[id(row)], "title": row.title.data or "",
                "description": row.description.data or "",
                "statements": [{"text": s.text.data, "reverse": bool(s.is_reverse_scored.data)}
                               for s in statements],
                "feedback": feedback, "helpful_items": list(row.helpful_items.data or []),
            })
            places.update({f"{prefix}.title": row.title, f"{prefix}.slug": row.title,
                           f"{prefix}.description": row.description,
                           f"{prefix}.helpful_items": row.helpful_items})
            places.update({f"{prefix}.helpful_items[{n}]": row.helpful_items
                           for n in range(len(row.helpful_items.data or []))})
            first = row.statements[0].form.text if len(row.statements) else row.title
            places[f"{prefix}.statements"] = first
            places.update({f"{prefix}.statements[{n}].text": s.text
                           for n, s in enumerate(statements)})
            if len(row.feedback):
                places[f"{prefix}.feedback"] = row.feedback[0].form.text
        if kept:
            places["dimensions"] = kept[0].title
        self._places = places
        return {"slug": slug, "title": self.title.data or "", "level": self.level.data,
                "before_after": self.phases.data == BEFORE_AFTER,
                "introduction": self.introduction.data or "",
                "scale": [field.data or "" for field in self.scale_fields()],
                "bands": bands, "dimensions": dimensions}

    def places(self) -> dict:
        """Problem paths of the last `document()` to the fields that show them."""
        return self._places


def _slugs(row_forms: list, name: str, fallback: str) -> dict[int, str]:
    """Each row's slug (by the row form's id): its stored one, or one made from `name`."""
    taken = {row.key.data for row in row_forms if row.key.data}
    slugs = {}
    for row in row_forms:
        slug = row.key.data
        if not slug:
            slug = free_slug(row[name].data or "", taken, fallback)
            taken.add(slug)
        slugs[id(row)] = slug
    return slugs


# Rows added, removed and moved --------------------------------------------------------

_LISTS = re.compile(r"^(bands|dimensions|dimensions-\d+-statements)$")
_MOVABLE = re.compile(r"^(dimensions|dimensions-\d+-statements)$")


def changed(formdata, change: rows.RowChange) -> tuple[MultiDict, str | None]:
    """The post with the change made, and the field prefix to bring into view after it.

    A band added or removed adds or removes its feedback cell in every dimension. A
    change the form does not offer changes nothing.
    """
    data = MultiDict(formdata.items(multi=True))
    if not _LISTS.match(change.list_name):
        return data, None
    dimensions = rows.indices(data, "dimensions")
    if change.action == "add":
        if change.list_name == "bands":
            index = max(rows.indices(data, "bands"), default=-1) + 1
            data.add(f"bands-{index}-label", "")
            for dimension in dimensions:
                data.add(f"dimensions-{dimension}-feedback-{index}-text", "")
        elif change.list_name == "dimensions":
            index = max(dimensions, default=-1) + 1
            data.add(f"dimensions-{index}-title", "")
            for number in range(NEW_STATEMENTS):
                data.add(f"dimensions-{index}-statements-{number}-text", "")
            for band in rows.indices(data, "bands"):
                data.add(f"dimensions-{index}-feedback-{band}-text", "")
        else:
            data = rows.with_row(data, change.list_name, {"text": ""})
        return data, rows.last_row(data, change.list_name)
    if change.action == "remove":
        data = rows.without(data, change.row)
        if change.list_name == "bands":
            for dimension in dimensions:
                data = rows.without(data, f"dimensions-{dimension}-feedback-{change.index}")
        return data, f"{change.list_name}-add"
    if not _MOVABLE.match(change.list_name):
        return data, None
    other = rows.neighbour(data, change)
    if other is None:
        return data, change.row
    return (rows.swapped(data, change.list_name, change.index, other),
            f"{change.list_name}-{other}")


def field_id(formdata, prefix: str | None) -> str | None:
    """The id a posted field prefix (`dimensions-3-statements-5`) has once the form reads it.

    WTForms numbers each list's rows from 0 as it reads them: each index of the prefix
    becomes its place among the indices posted for its list. A trailing name
    (`dimensions-3-statements-add`) is kept as it is.
    """
    if not prefix:
        return None
    parts = prefix.split("-")
    raw, read = [], []
    position = 0
    while position < len(parts):
        name = parts[position]
        following = parts[position + 1] if position + 1 < len(parts) else ""
        if not following.isdigit():
            return "-".join([*read, *parts[position:]])
        found = rows.indices(formdata, "-".join([*raw, name]))
        if int(following) not in found:
            return None
        raw += [name, following]
        read += [name, str(found.index(int(following)))]
        position += 2
    return "-".join(read)


# Problems ----------------------------------------------------------------------------


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
