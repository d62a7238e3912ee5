"""An instrument's rows in the studio's one form: their forms, and rows added, removed, moved.

The rows are bands (label and score range), dimensions (title, description, helpful items)
and each dimension's statements and its feedback for each band: the lists of
`instrument_forms.InstrumentBuilderForm`. A dimension's feedback for a band is its cell at
the band's position: a band added or removed adds or removes that cell in every dimension.

Rows come and go by the buttons `rows` reads (`changed`): the form is shown again with one
row more or less and nothing typed lost; `field_id` then names the field to bring into view.
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
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from learning.core.forms import Form
from learning.studio import rows
from learning.studio.forms import strip

# Empty statement rows a new dimension starts with.
NEW_STATEMENTS = 3
_NUMBER = _l("Enter a whole number from 0 to 100.")


def _typed(field) -> bool:
    return bool(field.raw_data and str(field.raw_data[0]).strip())


class _RowForm(Form):
    """One row of a list inside the page's form: the page's form carries the CSRF token."""

    class Meta:
        csrf = False


class BandRowForm(_RowForm):
    """One band: its label and its score range. `key` is a stored band's slug."""

    key = HiddenField()
    label = StringField(_l("Label"), filters=[strip])
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

    text = StringField(_l("Statement"), filters=[strip])
    is_reverse_scored = BooleanField(_l("Reverse-scored"))


class FeedbackCellForm(_RowForm):
    """What a dimension tells someone in one band (the band at the cell's position)."""

    text = TextAreaField(_l("Feedback"), filters=[strip])


class DimensionRowForm(_RowForm):
    """One dimension: what it measures, its statements and its feedback per band."""

    key = HiddenField()
    title = StringField(_l("Title"), filters=[strip])
    description = TextAreaField(_l("Description"), filters=[strip])
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


def new_dimension(bands: int) -> dict:
    return {"key": "", "title": "", "description": "", "helpful_items": [],
            "statements": [{} for _ in range(NEW_STATEMENTS)],
            "feedback": [{"text": ""} for _ in range(bands)]}


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
