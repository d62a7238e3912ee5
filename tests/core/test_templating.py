"""Templates' translations and URLs (learning/core/templating.py): resolved once, same output."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import g, render_template_string
from flask_babel import force_locale, lazy_gettext
from flask_babel import gettext as babel_gettext
from jinja2 import Environment
from jinja2.nodes import EvalContext
from markupsafe import Markup
from werkzeug.routing import BuildError

from learning import create_app
from learning.config import TestingConfig
from learning.core.templating import TemplateUrls
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


def test_every_macro_import_passes_the_page_context():
    # Without context a macro sees only the globals, and so Flask-Babel's slower callables.
    imports = [
        (path.relative_to(TEMPLATES), tag)
        for path in TEMPLATES.rglob("*.html")
        for tag in re.findall(r"{%-?\s*(?:from|import)\s[^%]*%}", path.read_text())
    ]
    assert imports
    assert [(path, tag) for path, tag in imports if "with context" not in tag] == []


# URLs


@pytest.fixture
def builds(app, monkeypatch):
    """The URLs the application itself built (the template cache's misses)."""
    built = []
    real = app.url_for

    def url_for(endpoint, **values):
        built.append(endpoint)
        return real(endpoint, **values)

    monkeypatch.setattr(app, "url_for", url_for)
    return built


def test_template_urls_are_the_applications_and_built_once(app, builds):
    source = (
        "{{ url_for('static', filename='css/site.css') }} {{ url_for('core.home') }} "
        "{{ url_for('catalog.module', slug='c', module_slug='m') }}"
    )
    with app.test_request_context("/"):
        first = render_template_string(source)
        assert render_template_string(source) == first
    assert first == "/static/css/site.css / /courses/c/modules/m"
    assert builds == ["static", "core.home", "catalog.module"]


def test_template_urls_follow_the_request_root(app):
    source = "{{ url_for('core.home') }} {{ url_for('catalog.course', slug='c') }}"
    with app.test_request_context("/"):
        assert render_template_string(source) == "/ /courses/c"
    with app.test_request_context("/", base_url="http://localhost/learn"):
        assert render_template_string(source) == "/learn/ /learn/courses/c"


def test_template_urls_with_options_or_objects_are_built_every_time(app, builds):
    source = (
        "{{ url_for('core.home', _external=True) }} {{ url_for('core.home', _anchor='top') }} "
        "{{ url_for('core.home', page=True) }} {{ url_for('core.home', page=1) }}"
    )
    with app.test_request_context("/"):
        assert render_template_string(source) == "http://localhost/ /#top /?page=True /?page=1"
        render_template_string(source)
    # `page=1` is remembered once; the others, each time.
    assert builds.count("core.home") == 7


def test_template_urls_respect_url_defaults(app):
    @app.url_defaults
    def referrer(endpoint, values):
        if endpoint == "core.home" and "ref" in g:
            values.setdefault("ref", g.ref)

    for ref in ("a", "b"):
        with app.test_request_context("/"):
            g.ref = ref
            assert render_template_string("{{ url_for('core.home') }}") == f"/?ref={ref}"


def test_an_unknown_endpoint_is_still_a_build_error(app):
    with app.test_request_context("/"), pytest.raises(BuildError):
        render_template_string("{{ url_for('no.such.endpoint') }}")


def test_remembered_urls_are_bounded(app):
    urls = TemplateUrls(app, max_urls=2, max_roots=2)
    with app.test_request_context("/"):
        url_for = urls.for_page()
        assert [url_for("catalog.course", slug=s) for s in "abc"] == [
            "/courses/a", "/courses/b", "/courses/c"
        ]
    for root in ("/one", "/two", "/three"):
        with app.test_request_context("/", base_url=f"http://localhost{root}"):
            assert urls.for_page()("core.home") == f"{root}/"
    assert len(urls._roots) <= 2
    assert all(len(remembered) <= 2 for remembered in urls._roots.values())


@pytest.mark.parametrize("variables", [
    {"name": "<b>Ann & Bo</b>"},
    {"name": Markup("<em>trusted</em>")},
    {"num": 3},
    {"num": 2.5},
    {"num": True},
    {"num": Decimal("7")},
    {"name": None, "num": 0},
])
def test_variables_are_escaped_as_markup_formatting_would(variables):
    from learning.core.templating import TemplateTranslations

    source = "%(name)s <i>has</i> %(num)d" if "num" in variables else "<i>Hi</i> %(name)s"
    variables = {"name": "x", **variables}
    on = TemplateTranslations._format(EvalContext(Environment(autoescape=True)), source,
                                      dict(variables))
    off = TemplateTranslations._format(EvalContext(Environment(autoescape=False)), source,
                                       dict(variables))
    assert on == Markup(source) % variables
    assert type(on) is Markup
    assert off == source % variables


def test_item_kind_labels_are_remembered_per_catalogue(french):
    from learning.catalog.views import labels

    def kind_label(language):
        with french.test_request_context("/", headers={"Accept-Language": language}):
            return labels()["kind_labels"]["recording"]

    assert [kind_label("fr"), kind_label("en"), kind_label("fr")] == [
        "Enregistrement", "Recording", "Enregistrement"]
