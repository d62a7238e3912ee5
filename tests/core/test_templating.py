"""Templates' translations: Flask-Babel's, per request, and every string extractable."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import render_template_string
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as babel_gettext

from learning import create_app
from learning.config import ROOT, TestingConfig
from learning.extensions import babel

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@pytest.fixture
def french(tmp_path):
    """An application with a small French catalogue beside its British English."""
    catalog = Catalog(locale="fr")
    catalog.add("Sign in", "Se connecter")
    catalog.add("Hello %(name)s", "<em>Bonjour</em> %(name)s")
    catalog.add("Fish & chips", "Poisson & frites")
    catalog.add("Recording", "Enregistrement")
    # French has three plural forms in CLDR: one, many (millions) and other.
    catalog.add(
        ("%(num)d minute", "%(num)d minutes"),
        ("%(num)d minute FR", "%(num)d de minutes FR", "%(num)d minutes FR"),
    )
    folder = tmp_path / "translations" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as mo:
        write_mo(mo, catalog)
    config = type(
        "FrenchConfig",
        (TestingConfig,),
        {"BABEL_TRANSLATION_DIRECTORIES": str(tmp_path / "translations"),
         "LANGUAGES": ["en_GB", "fr"]},
    )
    app = create_app(config)
    # Flask-Babel keeps loaded catalogues on the shared extension, per locale: start and end
    # without any, so that no other test sees this one. (No application context is held in
    # between: each request gets its own, and so its own locale.)
    with app.app_context():
        babel.domain_instance.cache.clear()
    yield app
    with app.app_context():
        babel.domain_instance.cache.clear()


def render(app, source, language=None, **context):
    headers = {"Accept-Language": language} if language else {}
    with app.test_request_context("/", headers=headers):
        return render_template_string(source, **context)


def test_a_page_is_translated_when_its_locale_has_a_catalogue(french):
    client = french.test_client()
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert ">Se connecter</a>" in page


def test_the_locale_is_chosen_again_for_each_request(french):
    client = french.test_client()
    for language, expected in [("fr", "Se connecter"), ("en-GB", "Sign in"), (None, "Sign in"),
                               ("de", "Sign in"), ("fr", "Se connecter")]:
        headers = {"Accept-Language": language} if language else {}
        page = client.get("/", headers=headers).get_data(as_text=True)
        assert f">{expected}</a>" in page, language


def test_translations_apply_in_templates_macros_and_plurals(french):
    source = '{{ _("Sign in") }}|{{ ngettext("%(num)d minute", "%(num)d minutes", n) }}'
    assert render(french, source, "fr", n=3) == "Se connecter|3 minutes FR"
    assert render(french, source, "fr", n=1) == "Se connecter|1 minute FR"
    assert render(french, source, "en", n=3) == "Sign in|3 minutes"
    macro = '{% macro m() %}{{ _("Sign in") }}{% endmacro %}{{ m() }}'
    assert render(french, macro, "fr") == "Se connecter"


def test_variables_are_escaped_but_the_catalogue_markup_is_not(french):
    source = '{{ _("Hello %(name)s", name=name) }}'
    assert render(french, source, "fr", name="<b>Ann</b>") == (
        "<em>Bonjour</em> &lt;b&gt;Ann&lt;/b&gt;"
    )
    assert render(french, source, "en", name="<b>Ann</b>") == "Hello &lt;b&gt;Ann&lt;/b&gt;"
    off = "{% autoescape false %}" + source + "{% endautoescape %}"
    assert render(french, off, "en", name="<b>Ann</b>") == "Hello <b>Ann</b>"


def test_strings_are_always_formatted_as_jinja_newstyle_gettext_does(french):
    assert render(french, '{{ _("100%% done") }}') == "100% done"
    assert render(french, '{{ ngettext("%(num)d apple", "%(num)d apples", n) }}', n=1) == "1 apple"
    assert render(french, '{{ _("%(a)s and %(b)s", a="x", b=2) }}') == "x and 2"


def test_a_remembered_string_keeps_the_autoescape_of_each_call(french):
    # Under autoescape the message is trusted markup; without, it is text and `e` escapes it.
    source = (
        '{{ _("Fish & chips") }}|'
        '{% autoescape false %}{{ _("Fish & chips")|e }}{% endautoescape %}|'
        '{{ _("Fish & chips") }}'
    )
    assert render(french, source) == "Fish & chips|Fish &amp; chips|Fish & chips"
    assert render(french, source, "fr") == "Poisson & frites|Poisson &amp; frites|Poisson & frites"


def test_force_locale_around_a_render_is_honoured(french):
    with french.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string('{{ _("Sign in") }}') == "Sign in"
        with force_locale("fr"):
            assert render_template_string('{{ _("Sign in") }}') == "Se connecter"
        assert render_template_string('{{ _("Sign in") }}') == "Sign in"


def test_flask_babel_and_lazy_strings_outside_templates_still_translate(french):
    label = lazy_gettext("Sign in")
    with french.test_request_context("/", headers={"Accept-Language": "fr"}):
        assert babel_gettext("Sign in") == "Se connecter"
        assert str(label) == "Se connecter"
        assert render_template_string("{{ label }}", label=label) == "Se connecter"
    with french.test_request_context("/"):
        assert str(label) == "Sign in"


def _extracted(tmp_path) -> dict[str, set[str]]:
    """What `make messages` extracts: each message id, with the files it was found in."""
    from babel.messages.pofile import read_po

    pot = tmp_path / "messages.pot"
    subprocess.run(  # noqa: S603 - our own command line
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
         "-k", "_l", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as handle:
        catalog = read_po(handle)
    return {message.id if isinstance(message.id, str) else message.id[0]:
            {path for path, _ in message.locations} for message in catalog if message.id}


def test_extraction_finds_the_strings_of_every_template_folder(tmp_path):
    found = _extracted(tmp_path)
    files = set().union(*found.values())
    marked = sorted(str(path.relative_to(ROOT)) for path in TEMPLATES.rglob("*.html")
                    if re.search(r"\b(_|gettext|ngettext)\(", path.read_text()))
    assert [path for path in marked if path not in files] == []
    folders = {path.parent for path in TEMPLATES.rglob("*.html")}
    assert {str(folder.relative_to(ROOT)) for folder in folders} <= {
        str(Path(path).parent) for path in files}
    # A known string from the layout, the module page and a macro.
    assert "templates/base.html" in found["Skip to main content"]
    assert "templates/catalog/module.html" in found["In this module"]
    assert any(path.startswith("templates/macros/") for path in files)


def test_item_kind_labels_follow_the_request_language(french):
    from learning.catalog.views import labels

    def kind_label(language):
        with french.test_request_context("/", headers={"Accept-Language": language}):
            return labels()["kind_labels"]["recording"]

    assert [kind_label("fr"), kind_label("en"), kind_label("fr")] == [
        "Enregistrement", "Recording", "Enregistrement"]


def test_wtforms_messages_follow_the_request_language_each_catalogue_read_once(
        french, monkeypatch):
    from babel import support
    from wtforms import StringField
    from wtforms.validators import InputRequired

    from learning.core import forms

    class NameForm(forms.Form):
        name = StringField("Name", validators=[InputRequired()])

    loads = []
    real_load = support.Translations.load
    monkeypatch.setattr(support.Translations, "load",
                        lambda *args, **kwargs: loads.append(args) or real_load(*args, **kwargs))
    forms._wtforms_catalogue.cache_clear()

    def error(language):
        with french.test_request_context("/", method="POST", data={"name": ""},
                                         headers={"Accept-Language": language}):
            form = NameForm(meta={"csrf": False})
            assert not form.validate()
            return form.name.errors[0]

    assert [error("fr"), error("en"), error("fr"), error("en")] == [
        "Ce champ est requis.", "This field is required.",
        "Ce champ est requis.", "This field is required."]
    assert len(loads) == 2  # one catalogue per language, not one per request
    forms._wtforms_catalogue.cache_clear()
