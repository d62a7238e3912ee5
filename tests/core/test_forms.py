"""The site's select widget writes exactly what WTForms' own does, and every select uses it."""

import pytest
from markupsafe import Markup
from wtforms import SelectField, SelectMultipleField, widgets
from wtforms.fields.choices import SelectChoice

from learning.cohorts.forms import CohortForm
from learning.core.forms import Form, Select

HOSTILE = '<script>alert("x")</script> & \'quoted\''


def _choices(*pairs, **kwargs):
    return [SelectChoice(value, label, **kwargs) for value, label in pairs]


class Choices(Form):
    plain = SelectField(choices=_choices(("a", "Aruba"), ("b&c", "B & C"), (HOSTILE, HOSTILE),
                                         ("", "Choose…"), ("empty-label", ""),
                                         (Markup('say "hi"'), Markup("<em>marked</em>"))))
    numbers = SelectField(coerce=int, choices=_choices((1, "One"), (2, "Two"), (10, "Ten")))
    truth = SelectField(coerce=lambda value: value in (True, "True"),
                        choices=_choices((True, "Yes"), (False, "No")))
    styled = SelectField(choices=[SelectChoice("x", "Ex", {"disabled": True, "data-note": "n"}),
                                  SelectChoice("y", "Why")])
    grouped = SelectField(choices=[
        *_choices(("BB", "Barbados"), ("JM", "Jamaica"), optgroup="Caribbean"),
        *_choices(("FR", "France"), optgroup="Elsewhere")])
    many = SelectMultipleField(choices=_choices(("r", "Red"), ("g", "Green"), ("b", "Blue")))


SELECTED = {"plain": HOSTILE, "numbers": 10, "truth": True, "styled": "x", "grouped": "JM",
            "many": ["r", "b"]}


def _stock(field) -> str:
    return str(widgets.Select(multiple=field.widget.multiple)(field))


@pytest.mark.parametrize("selected", [False, True])
def test_every_kind_of_option_is_written_as_wtforms_writes_it(app, selected):
    with app.test_request_context():
        form = Choices(meta={"csrf": False}, data=SELECTED if selected else None)
        for field in form:
            assert isinstance(field.widget, Select), field.name
            assert str(field()) == _stock(field), field.name
            assert str(field(class_="wide", required=True)) == str(
                widgets.Select(multiple=field.widget.multiple)(field, class_="wide",
                                                               required=True))
        assert "<script>" not in str(form.plain())
        assert 'value="say &quot;hi&quot;"' in str(form.plain())
        assert str(form.plain()).count(" selected ") == (1 if selected else 0)


def test_the_site_s_forms_use_it(app):
    with app.test_request_context():
        form = CohortForm(meta={"csrf": False})
        assert isinstance(form.time_zone.widget, Select)
        assert isinstance(form.course.widget, Select)
        assert str(form.time_zone()) == _stock(form.time_zone)
