"""Jinja set-up shared by every page: the `do` statement, the page's language, country names.

Translations are Flask-Babel's own `_`, `gettext` and `ngettext` (Jinja's newstyle gettext:
variables are escaped, `%%` is a literal percent sign), and URLs are Flask's `url_for`, so
that `pybabel extract` finds every string of every template (see babel.cfg).
"""

from flask import Flask
from flask_babel import get_locale

from learning.countries import country_name


def page_language() -> dict[str, str]:
    """Context processor: the page's language as an HTML `lang` value (en-GB, not en_GB)."""
    return {"current_locale": str(get_locale()).replace("_", "-")}


def init_app(app: Flask) -> None:
    """Register the Jinja extensions and context the templates rely on."""
    app.jinja_env.add_extension("jinja2.ext.do")
    app.context_processor(page_language)
    # `{{ user.country|country_name }}`: a stored ISO code as its name in the page's language.
    app.jinja_env.filters["country_name"] = country_name
