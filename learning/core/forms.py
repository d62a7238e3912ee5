"""The base of every form: no text field accepts control characters; selects render fast.

Every form of the site derives from `Form` (tests/core/test_hostile_input.py checks it),
so a NUL byte or an escape code typed or pasted into any field gets the form's usual error
message beside that field, before the field's other checks run (some of them query the
database, which would fail on a NUL). Hidden fields are emptied instead (see below).
"""

import functools

from babel import Locale, support
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import HiddenField, StringField, TextAreaField, widgets
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation

from learning.core.text import has_control_characters

CONTROL_CHARACTERS_MESSAGE = _l(
    "This text contains invisible control characters (in a one-line field, a tab counts "
    "as one). Please type it again without them."
)


def no_control_characters(form, field) -> None:
    """Validator: refuse control characters, and stop the field's other checks.

    A hidden field's value came from the site, and nobody could correct it: one with
    control characters was tampered with and is dropped (emptied) instead, as an unsafe
    `next` is ignored.
    """
    text = field.data
    multiline = isinstance(field, TextAreaField)
    if not isinstance(text, str) or not has_control_characters(text, multiline=multiline):
        return
    if isinstance(field, HiddenField):
        field.data = ""
        return
    raise StopValidation(str(CONTROL_CHARACTERS_MESSAGE))


@functools.lru_cache(maxsize=32)
def _wtforms_catalogue(locale: Locale) -> support.Translations:
    """WTForms' own messages (a field's default label, its validators') for one locale."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsTranslations:
    """WTForms' messages in the request's language, each locale's catalogue read once.

    Flask-WTF's own reads the catalogue from disk again on every request that builds a form
    (its hidden CSRF field's default label asks for it): a catalogue does not change while
    the process runs. Outside a request, as Flask-WTF's, the messages stay as written.
    """

    def gettext(self, string: str) -> str:
        locale = get_locale()
        return string if locale is None else _wtforms_catalogue(locale).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        locale = get_locale()
        if locale is None:
            return singular if n == 1 else plural
        return _wtforms_catalogue(locale).ungettext(singular, plural, n)


WTFORMS_TRANSLATIONS = WTFormsTranslations()


class Select(widgets.Select):
    """WTForms' select, its plain options written out directly: the same HTML, faster.

    WTForms writes each option's attributes through `html_params` (sorted, each one through
    `Markup.format`). The studio's cohort page holds two selects of about 490 time zones and
    250 countries, and that was most of the time spent rendering them. An option with
    attributes of its own (`render_kw`) still goes through WTForms; tests/core/test_forms.py
    checks that both write the same HTML.
    """

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        # As html_params writes it: the attributes sorted by name, a true boolean as its name
        # alone, and a quote in a value that is Markup already made &quot;. Both parts are
        # escaped here (Markup + text would check them again, slower).
        selected = "selected " if choice.selected else ""
        value = str(escape(value)).replace('"', "&quot;")
        return Markup(f'<option {selected}value="{value}">'  # noqa: S704 - escaped above
                      f"{escape(choice.label or choice.value)}</option>")


_SELECTS = {False: Select(), True: Select(multiple=True)}


class Form(FlaskForm):
    """A Flask-WTF form whose text fields refuse control characters before anything else.

    Text fields are WTForms' `StringField` and its kinds: text area, hidden, password, email.
    """

    class Meta:
        def bind_field(self, form, unbound_field, options):
            """Bind the field, putting the control character check before its validators."""
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField):
                field.validators = [no_control_characters, *field.validators]
            elif type(field.widget) is widgets.Select:
                field.widget = _SELECTS[field.widget.multiple]
            return field

        def get_translations(self, form):
            """WTForms' messages, as Flask-WTF gives them, without reading a file per request."""
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return WTFORMS_TRANSLATIONS
