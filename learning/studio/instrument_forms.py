"""The instrument builder: one form for a whole self-assessment instrument.

Settings (title, slug, level, whether it is taken before and after, introduction, scale),
then its rows: bands, dimensions with their statements and feedback (`instrument_rows`,
which also adds, removes and moves them). Its fields hold what was typed; `document()`
turns them into the instrument's document (`exporter.instrument_document`'s shape), which
the content files' rules judge as a whole (`instruments.check`); each problem is then
placed beside the field its path names (`instrument_problems.place_problems`). So this
form checks types, not lengths or ranges: one set of rules, the files' and the studio's.

Band and dimension slugs are kept in hidden fields (they key feedback and results); a new
row's slug is made from its label or title.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from learning.content.writing import free_slug
from learning.core.forms import Form
from learning.instruments.models import SCALE_POINTS
from learning.studio.forms import strip
from learning.studio.instrument_rows import BandRowForm, DimensionRowForm, new_dimension

LEVEL_LABELS = {"individual": _l("Individual"), "organisational": _l("Organisational"),
                "institutional": _l("Institutional")}
BEFORE_AFTER, SINGLE = "before_after", "single"


class InstrumentBuilderForm(Form):
    """A whole instrument: settings, bands, dimensions with statements and feedback."""

    title = StringField(_l("Title"), filters=[strip])
    slug = StringField(_l("Slug"), filters=[strip])
    level = SelectField(_l("Level"), choices=[SelectChoice(level, label)
                                              for level, label in LEVEL_LABELS.items()])
    phases = RadioField(_l("When participants take it"), default=SINGLE, choices=[
        SelectChoice(SINGLE, _l("Once")),
        SelectChoice(BEFORE_AFTER, _l("Before and after the course, to measure the mindset "
                                      "shift")),
    ])
    introduction = TextAreaField(_l("Introduction"), filters=[strip])
    scale_1 = StringField(_l("1, the strongest disagreement"), filters=[strip])
    scale_2 = StringField(_l("2"), filters=[strip])
    scale_3 = StringField(_l("3"), filters=[strip])
    scale_4 = StringField(_l("4"), filters=[strip])
    scale_5 = StringField(_l("5, the strongest agreement"), filters=[strip])
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
        } for d in data["dimensions"]] or [new_dimension(len(bands))]
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
