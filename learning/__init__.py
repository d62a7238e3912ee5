"""The e-learning platform: an application factory and one sub-package per domain."""

import functools

from flask import Flask

from learning.config import Config


def create_app(config: type | dict | None = None) -> Flask:
    """Create and configure the application.

    `config` is a Config subclass or a mapping of overrides (tests pass both kinds).
    """
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(_instance_path()),
    )
    app.config.from_object(Config)
    if isinstance(config, type):
        app.config.from_object(config)
    elif config:
        app.config.update(config)
    Config.finalise(app.config)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    from learning import database, models  # noqa: F401 - registers engine events and tables
    from learning.catalog import outline
    from learning.core import cache_control, limits, routing, templating
    from learning.database import db
    from learning.extensions import babel, csrf, limiter, login_manager, migrate
    from learning.mail.services import mail_is_on

    limits.init_app(app)  # first: the body limit runs before anything reads the body
    routing.init_app(app)  # before any route is added: its converters bound ids and text
    app.config.setdefault(
        "SQLALCHEMY_ENGINE_OPTIONS",
        database.engine_options(app.config["SQLALCHEMY_DATABASE_URI"]),
    )
    database.init_app(app)
    outline.init_app(app)  # every change to a course gives its kept outline a new version
    migrate.init_app(app, db, directory=str(_root() / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    templating.init_app(app)
    # Whether email is sent: facilitators and admins are told on every page when it is not.
    app.jinja_env.globals["mail_is_on"] = mail_is_on
    cache_control.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    # Views are the top layer: nothing imports them, so the packages below import each
    # other down the layers only (README, "Layout"; tests/core/test_architecture.py).
    from learning.accounts import loader  # noqa: F401 - registers the user loader
    from learning.accounts import views as accounts
    from learning.admin import views as admin
    from learning.announcements import views as announcements
    from learning.assessments import views as assessments
    from learning.catalog import views as catalog
    from learning.certificates import views as certificates
    from learning.cohorts import views as cohorts
    from learning.progress import views as progress
    from learning.reports import views as reports
    from learning.site import views as site
    from learning.studio import views as studio

    for domain in (site, accounts, catalog, cohorts, admin, progress, assessments, certificates,
                   reports, studio, announcements):
        app.register_blueprint(domain.bp)

    from learning.accounts.cli import users_cli
    from learning.content.cli import content_cli
    from learning.jobs.cli import jobs_cli
    from learning.site.demo import demo_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(jobs_cli)

    # Last: every domain has declared its jobs by now (the mail outbox's among them).
    from learning import jobs
    from learning.mail import sending  # noqa: F401 - declares the outbox's jobs

    jobs.init_app(app)
    return app


def _root():
    from learning.config import ROOT

    return ROOT


def _instance_path():
    from learning.config import INSTANCE

    return INSTANCE


def _select_locale():
    """The request's locale: the best of LANGUAGES for its Accept-Language, else the default.

    Returned parsed, and parsed once per identifier: Flask-Babel would parse it again (the
    default too) on every request.
    """
    from flask import current_app, has_request_context, request

    # CLI commands translate too (service messages), with no request to ask: the default.
    if not has_request_context():
        return None
    config = current_app.config
    best = request.accept_languages.best_match(config["LANGUAGES"])
    return _parse_locale(best or config["BABEL_DEFAULT_LOCALE"])


@functools.lru_cache(maxsize=64)
def _parse_locale(identifier: str):
    from babel import Locale

    return Locale.parse(identifier)
