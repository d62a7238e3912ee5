"""Parts of pages rendered once per key (`{% fragment %}`, learning/core/templating.py)."""

import pytest
from flask import render_template
from flask_babel import refresh

from learning import create_app
from learning.config import TestingConfig
from learning.core.templating import FragmentCache
from tests import factories
from tests.conftest import page

SOURCE = "{% fragment colour %}<b>{{ bump() }} {{ _('Sign in') }}</b>{% endfragment %}"


@pytest.fixture
def renders(app):
    """Render SOURCE and count how often the fragment's body ran."""
    ran = []
    templates = {}

    def render(colour, language="en", source=SOURCE):
        # Compiled once, as a template file is: each compilation is a place of its own.
        template = templates.setdefault(source, app.jinja_env.from_string(source))
        with app.test_request_context("/", headers={"Accept-Language": language}):
            refresh()  # the locale of this request, not one kept from the last
            return render_template(template, colour=colour,
                                   bump=lambda: ran.append(colour) or len(ran))

    render.ran = ran
    return render


def test_a_fragment_renders_once_per_key(renders):
    first = renders("red")
    assert renders("red") == first == "<b>1 Sign in</b>"
    assert renders("blue") == "<b>2 Sign in</b>"
    assert renders.ran == ["red", "blue"]


def test_the_key_always_holds_the_language_and_the_place(app, renders):
    app.config["LANGUAGES"] = ["en_GB", "fr"]
    renders("red", "en")
    renders("red", "fr")
    renders("red", "en", source="<p>" + SOURCE)  # same key, another template
    renders("red", "en")
    assert len(renders.ran) == 3


def test_the_body_escapes_as_the_page_does(renders):
    escaped = "{% fragment 1 %}{{ text }}{% endfragment %}"
    with_markup = renders("x", source=escaped.replace("text", "'<i>'"))
    assert with_markup == "&lt;i&gt;"


def test_nothing_is_kept_while_templates_reload(app, renders):
    app.jinja_env.auto_reload = True
    renders("red")
    renders("red")
    assert len(renders.ran) == 2


def test_the_store_is_bounded(app, renders, monkeypatch):
    monkeypatch.setattr(FragmentCache, "MAX_FRAGMENTS", 2)
    for colour in ("red", "blue", "green"):
        renders(colour)
    assert len(app.jinja_env.fragment_store) == 1  # forgotten when full, then the newest


def test_each_application_keeps_its_own(tmp_path):
    apps = [create_app(TestingConfig), create_app(TestingConfig)]
    assert apps[0].jinja_env.fragment_store is not apps[1].jinja_env.fragment_store


def test_the_navigation_keeps_each_sessions_own_sign_out_token(app, db, client):
    factories.make_user("one@example.org")
    factories.make_user("two@example.org")
    db.session.commit()
    tokens = []
    for email in ("one@example.org", "two@example.org"):
        visitor = app.test_client()
        visitor.post("/sign-in", data={"email": email, "password": factories.DEFAULT_PASSWORD})
        form = page(visitor.get("/learning")).select_one("form[action='/sign-out']")
        tokens.append(form.select_one("input[name=csrf_token]")["value"])
        assert form.select_one("button").get_text(strip=True) == "Sign out"
    assert tokens[0] and tokens[1] and tokens[0] != tokens[1]


def test_the_navigation_marks_the_page_it_is_on(app, db, client, auth):
    factories.make_user()
    db.session.commit()
    auth.login()
    for path, label in (("/learning", "My learning"), ("/profile", "Profile")):
        current = page(client.get(path)).select("nav a[aria-current=page]")
        assert [a.get_text(strip=True) for a in current] == [label]
