"""Flask extensions, created once here and attached in create_app with init_app.

The database (`db`) lives in learning/database.py, beside the session class it uses.
"""

from flask import g
from flask_babel import Babel, Domain, get_locale
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from werkzeug.utils import cached_property


class RequestDomain(Domain):
    """Flask-Babel's message domain, whose translations are found once per request.

    Flask-Babel finds them again on every `gettext` call, in templates and code alike (the
    request's context, its locale, the locale's name, a dictionary): a page makes dozens of
    calls. The request keeps them beside the locale they were found for, so that a change
    of locale within it (`force_locale`) finds the right ones.
    """

    def get_translations(self):
        if not g:
            return super().get_translations()  # no request: Flask-Babel's own answer
        locale = get_locale()
        found = g.get("_request_translations")
        if found is not None and found[0] is locale:
            return found[1]
        translations = super().get_translations()
        g._request_translations = (locale, translations)
        return translations


class RequestBabel(Babel):
    """Flask-Babel, with the translations of a request found once (`RequestDomain`)."""

    @cached_property
    def domain_instance(self):
        return RequestDomain(domain=self.domain)

migrate = Migrate(render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = RequestBabel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
