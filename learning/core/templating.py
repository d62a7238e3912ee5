"""Jinja set-up: translations and URLs resolved once, not again for every string and link.

Translations

Flask-Babel installs `_`, `gettext` and `ngettext` in Jinja as functions that look up the
request's domain, locale and catalogue again on every call, through several context-local
proxies, and Jinja's `_` reaches them through two more indirections. A page says ~35 strings,
so that lookup was a large share of rendering it. Here a context processor resolves the
translations once when a template starts rendering (so `force_locale` and `refresh` around a
render are honoured, and each request gets its own locale) and hands Jinja callables bound to
them, with Jinja's "newstyle" gettext behaviour unchanged (see TemplateTranslations).

Context variables reach included templates and macros imported `with context`, which is how
templates import macros. A macro imported without context sees only the environment's
globals, where Flask-Babel's own callables stay: still right, only slower. Flask-Babel's
`gettext`, `lazy_gettext` and friends outside templates are untouched.

URLs

Building a URL walks Werkzeug's rules and converters, and a page builds ~17, most of them the
same on every page (the stylesheet, the navigation) or for every visitor (a module's items).
Inside a request, with no `url_defaults` hooks and no host matching, a relative URL depends on
nothing but the request root, the endpoint and its values, so the same context processor
hands each render a `url_for` that remembers them per application and request root (see
TemplateUrls for what is and is not remembered). The environment's global `url_for`, which
macros imported without context see, stays Flask's.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import partial
from typing import Any
from weakref import WeakKeyDictionary

from flask import Flask, has_request_context
from flask.globals import request_ctx
from flask_babel import get_locale, get_translations
from jinja2 import Environment, nodes, pass_eval_context
from jinja2.ext import Extension
from jinja2.nodes import EvalContext
from jinja2.parser import Parser
from jinja2.runtime import Context
from markupsafe import Markup, escape

_NUMBERS = frozenset({int, float})


class TemplateTranslations:
    """Jinja's newstyle `gettext` and `ngettext` bound to one translations object.

    Same contract as jinja2.ext's newstyle callables: under autoescape the translation is
    Markup, so `%` escapes the variables; the string is formatted even without variables, so
    a literal percent sign is always written `%%`; `ngettext` also offers `num`. One instance
    is kept per translations object (Flask-Babel keeps one per locale), and it remembers the
    result of strings said without variables, which depends on nothing but the catalogue and
    autoescape; so most of a page's strings cost a dictionary look-up.
    """

    MAX_REMEMBERED = 4096
    _instances: WeakKeyDictionary = WeakKeyDictionary()

    @classmethod
    def of(cls, translations) -> TemplateTranslations:
        """The callables for `translations`, made once per translations object."""
        try:
            return cls._instances[translations]
        except KeyError:
            bound = cls._instances[translations] = cls(translations)
            return bound

    def __init__(self, translations) -> None:
        self._ugettext = translations.ugettext
        self._ungettext = translations.ungettext
        self._plain: dict[tuple[str, bool], str] = {}

    @pass_eval_context
    def gettext(self, eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
        # Only exact str: a Markup or lazy message id is formatted afresh (its result type or
        # its text may differ from the plain string's).
        if variables or type(string) is not str:
            return self._format(eval_ctx, self._ugettext(string), variables)
        key = (string, bool(eval_ctx.autoescape))
        try:
            return self._plain[key]
        except KeyError:
            rv = self._format(eval_ctx, self._ugettext(string), variables)
            if len(self._plain) < self.MAX_REMEMBERED:
                self._plain[key] = rv
            return rv

    @pass_eval_context
    def ngettext(
        self, eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        variables.setdefault("num", num)
        return self._format(eval_ctx, self._ungettext(singular, plural, num), variables)

    @staticmethod
    def _format(eval_ctx: EvalContext, rv: str, variables: dict[str, Any]) -> str:
        if not eval_ctx.autoescape:
            return rv % variables
        # What `Markup(rv) % variables` gives, without its per-variable wrapper objects:
        # numbers as they are (for %d), everything else escaped.
        try:
            formatted = rv % {
                name: value if type(value) in _NUMBERS else escape(value)
                for name, value in variables.items()
            }
        except TypeError:  # a number of another type for %d, say: the general way
            return Markup(rv) % variables  # noqa: S704 - the catalogue's markup is trusted
        return Markup(formatted)  # noqa: S704 - the catalogue's markup, escaped variables


class TemplateUrls:
    """Templates' `url_for`: each URL built once per request root, then remembered.

    `for_page()` gives a render its `url_for`. It remembers a URL only when the URL is a pure
    function of the key (request root, endpoint, values): inside a request, with no
    `url_defaults` hooks and no host matching, for an absolute endpoint name without
    `_anchor`/`_external`/`_method`/`_scheme`, and with values that are plain `str` or `int`
    (an object could change under the same key, and `True` would collide with `1`).
    Everything else, and every first build, goes through the application's own `url_for`,
    so build errors and their handlers behave as before. The rules cannot change once the
    application serves requests. Memory is bounded: a root's URLs are forgotten when they
    reach `max_urls`, and all of them when there are more than `max_roots` roots.
    """

    _PLAIN = frozenset({str, int})

    def __init__(self, app: Flask, max_urls: int = 4096, max_roots: int = 16) -> None:
        self._app = app
        self._max_urls = max_urls
        self._max_roots = max_roots
        self._roots: dict[tuple, dict[tuple, str]] = {}

    def for_page(self) -> Callable[..., str]:
        """The `url_for` of the page about to be rendered."""
        app = self._app
        if (
            not has_request_context()
            or app.url_map.host_matching
            or any(app.url_default_functions.values())
        ):
            return app.url_for
        adapter = request_ctx.url_adapter
        if adapter is None:
            return app.url_for
        root = (adapter.script_name, adapter.subdomain)
        urls = self._roots.get(root)
        if urls is None:
            if len(self._roots) >= self._max_roots:
                self._roots.clear()
            urls = self._roots[root] = {}
        return partial(self._url_for, urls)

    def _url_for(self, urls: dict[tuple, str], endpoint: str, /, **values: Any) -> str:
        key = self._key(endpoint, values)
        if key is None:
            return self._app.url_for(endpoint, **values)
        url = urls.get(key)
        if url is None:
            url = self._app.url_for(endpoint, **values)
            if len(urls) >= self._max_urls:
                urls.clear()
            urls[key] = url
        return url

    def _key(self, endpoint: str, values: dict[str, Any]) -> tuple | None:
        if endpoint[:1] == ".":
            return None
        for name, value in values.items():
            if name[:1] == "_" or type(value) not in self._PLAIN:
                return None
        return (endpoint, *values.items())


def page_context(urls: TemplateUrls) -> dict[str, Any]:
    """Context processor: the page's translations, locale and URLs, resolved once per render."""
    bound = TemplateTranslations.of(get_translations())
    return {
        "_": bound.gettext,
        "gettext": bound.gettext,
        "ngettext": bound.ngettext,
        "current_locale": str(get_locale()).replace("_", "-"),
        "url_for": urls.for_page(),
    }


def init_app(app: Flask) -> None:
    """Hand every render its translations and URLs; call after Flask-Babel's init_app."""
    app.context_processor(partial(page_context, TemplateUrls(app)))
    app.jinja_env.add_extension(FragmentCache)


class FragmentCache(Extension):
    """`{% fragment key, ... %}...{% endfragment %}`: a part of a page rendered once per key.

    For markup that many requests render alike: the navigation, a module's description and
    item list. The template names, after the tag, every value the body depends on other
    than the language and the request root, which the key always includes (so does the
    place of the tag in its template); whatever differs per person or request (a status, a
    CSRF token) stays outside. A value in the key must be hashable and must not change under
    the same key: a course outline's version, a role, an endpoint name. Parts are kept per
    application and process, at most MAX_FRAGMENTS of them (all are forgotten when full);
    nothing is kept while templates reload (debug), since a changed template would not show.
    """

    tags = frozenset({"fragment"})
    MAX_FRAGMENTS = 4096

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.extend(fragment_store={})
        self._places = itertools.count()

    def parse(self, parser: Parser) -> nodes.Node:
        lineno = next(parser.stream).lineno
        values = []
        while parser.stream.current.type != "block_end":
            if values:
                parser.stream.expect("comma")
            values.append(parser.parse_expression())
        body = parser.parse_statements(("name:endfragment",), drop_needle=True)
        # Each tag, as parsed, is its own place: templates from strings have no name.
        place = nodes.Const((parser.name, lineno, next(self._places)))
        key = nodes.Tuple(values, "load")
        call = self.call_method("_render", [nodes.ContextReference(), place, key])
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _render(self, context: Context, place: tuple, values: tuple, caller) -> str:
        environment = self.environment
        if environment.auto_reload:
            return caller()
        root = request_ctx.request.script_root if has_request_context() else None
        key = (place, context.get("current_locale"), root, values)
        store = environment.fragment_store
        try:
            return store[key]
        except KeyError:
            rendered = caller()
            if len(store) >= self.MAX_FRAGMENTS:
                store.clear()
            store[key] = rendered
            return rendered
