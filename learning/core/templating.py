"""Jinja set-up shared by every page: the `do` statement, the page's language, country names.

Translations are Flask-Babel's, called as `_`, `gettext` and `ngettext` with Jinja's newstyle
gettext rules (variables are escaped, `%%` is a literal percent sign), and URLs are Flask's
`url_for`, so that `pybabel extract` finds every string of every template (see babel.cfg).
The functions are Jinja's newstyle ones, written out, with the translations found once per
render: Jinja's own go through `Context.call` twice a string (`_` finds `gettext`, which
calls Flask-Babel's, which finds the request's context, locale and translations again), a
cost paid some thirty times a page. The render's context carries the request's translations
(`page_language`, run as each render begins, so inside `force_locale` too); a macro imported
without the context asks Flask-Babel, as before.
"""

from flask import Flask
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup

from learning.countries import country_name
from learning.time_zones import local_time

TRANSLATIONS = "_request_translations"


def page_language() -> dict:
    """Context processor: the page's language as an HTML `lang` value (en-GB, not en_GB).

    And its translations, for `gettext` and `ngettext` below.
    """
    return {"current_locale": str(get_locale()).replace("_", "-"),
            TRANSLATIONS: get_translations()}


def _translations(context):
    """The render's translations, or Flask-Babel's for a macro imported without the context."""
    translations = context.get(TRANSLATIONS)
    return get_translations() if translations is None else translations


@pass_context
def gettext(context, string: str, **variables) -> str:
    """`_("…")` and `gettext("…")`: the message in the request's language, as Jinja's newstyle.

    Under autoescape the catalogue's text is trusted markup and the variables are escaped;
    the message is always a format string, even without variables.
    """
    translated = _translations(context).ugettext(string)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 - our catalogue, trusted as Jinja does
    return translated % variables


@pass_context
def ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
    """`ngettext("…", "…", n)`: the plural form for n, with `num` among the variables."""
    variables.setdefault("num", num)
    translated = _translations(context).ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)  # noqa: S704 - our catalogue, trusted as Jinja does
    return translated % variables


def init_app(app: Flask) -> None:
    """Register the Jinja extensions and context the templates rely on."""
    app.jinja_env.add_extension("jinja2.ext.do")
    # After Flask-Babel's set-up (the i18n extension, newstyle): the same rules, called directly.
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
    app.context_processor(page_language)
    # `{{ user.country|country_name }}`: a stored ISO code as its name in the page's language.
    app.jinja_env.filters["country_name"] = country_name
    # `{{ moment|in_time_zone(cohort.time_zone)|datetimeformat("medium", rebase=False) }}`:
    # the time on the clock where a cohort is, not in the site's default time zone.
    app.jinja_env.filters["in_time_zone"] = local_time
