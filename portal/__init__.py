"""Vào Ra: the province's venue check-in portal."""
import logging
import os

from flask import Flask

from . import assets
from . import config as config_module
from .bootstrap import private_directory, private_sqlite_file
from .extensions import (REPORTS_BIND, bound_postgresql_answers, configure_sqlite, csrf, db,
                         drop_closed_postgresql_connections, limiter,
                         login_manager, migrate)


class ConfigurationError(RuntimeError):
    """The app cannot start safely with this configuration."""


class Portal(Flask):
    """Flask, answering once per function whether a view or hook is a coroutine: Flask asks
    `inspect` for each of them (unwrapping it) at every request, about ten times a page."""

    #: Kept answers at most: functions are made once, so this is never reached unless a hook
    #: were made anew per request, which would then go uncached rather than grow the dict.
    SYNC_KEPT = 10_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._synced = {}

    def ensure_sync(self, func):
        found = self._synced.get(func)
        if found is None:
            found = super().ensure_sync(func)
            if len(self._synced) < self.SYNC_KEPT:
                self._synced[func] = found
        return found


def create_app(test_config=None, instance_path=None):
    """Build the app: defaults, instance/config.py, environment, then test_config.

    `instance_path` (absolute) replaces the instance folder, where config.py and the default
    SQLite database are looked for; by default it is `instance/` next to the package.
    """
    app = Portal(__name__, instance_path=instance_path, instance_relative_config=True)
    app.config.from_object(config_module.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(config_module.from_environment())
    if test_config is not None:
        app.config.from_mapping(test_config)
    _finish_config(app)

    logging.basicConfig(level=app.config["PORTAL_LOG_LEVEL"])
    _trust_proxies(app)
    _init_extensions(app)
    _register_features(app)

    from . import errors, i18n, security, signals

    errors.init_app(app)
    # A page that needs every feature's answer (signals.every_answer) and did not get one.
    app.register_error_handler(signals.Incomplete, errors.incomplete)
    i18n.init_app(app)
    security.init_app(app)
    return app


def _trust_proxies(app):
    """Behind nginx, take the client's address from X-Forwarded-For (per-IP limits, logs) and
    the scheme from X-Forwarded-Proto; only as many hops as PORTAL_PROXY_COUNT, so a client
    cannot choose its own address by sending the header."""
    hops = int(app.config["PORTAL_PROXY_COUNT"] or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _finish_config(app):
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        private_directory(app.instance_path)  # it holds the secrets and the database
        path = os.path.join(app.instance_path, "portal.sqlite3")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"
    app.config["SQLALCHEMY_DATABASE_URI"] = config_module.database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    if app.config.get("PORTAL_REPORTS_DATABASE_URL"):  # read by pages marked reads_from_replica
        app.config["SQLALCHEMY_BINDS"] = {
            REPORTS_BIND: config_module.database_url(app.config["PORTAL_REPORTS_DATABASE_URL"])}
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {}
    elif uri.startswith("postgresql"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = config_module.postgresql_engine_options(app.config)
    app.config["PORTAL_BASE_URL"] = app.config["PORTAL_BASE_URL"].rstrip("/")
    app.config["RATELIMIT_STORAGE_URI"] = app.config["PORTAL_RATELIMIT_STORAGE_URL"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["PORTAL_TIMEZONE"]
    relaxed = app.debug or app.testing
    if not relaxed:
        if not app.config.get("SECRET_KEY") or len(str(app.config["SECRET_KEY"])) < 32:
            raise ConfigurationError(
                "SECRET_KEY is missing or too short: run `make run` once, "
                "or set SECRET_KEY to at least 32 random characters."
            )
        if not app.config.get("PORTAL_DATA_KEY"):
            raise ConfigurationError("PORTAL_DATA_KEY is missing: run `make run` once, or set it.")
    secure = app.config["PORTAL_SECURE_COOKIES"]
    if secure is None:
        secure = app.config["PORTAL_BASE_URL"].startswith("https://")
    app.config["SESSION_COOKIE_SECURE"] = secure
    app.config["REMEMBER_COOKIE_SECURE"] = secure
    if uri.startswith("sqlite"):
        private_sqlite_file(uri)  # before SQLite creates it 0644


def _init_extensions(app):
    from . import models  # noqa: F401  (register every table with the metadata)

    configure_sqlite(app)
    db.init_app(app)
    bound_postgresql_answers(app)
    drop_closed_postgresql_connections(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    assets.init_app(app)


#: Feature packages, each with an `init_app(app)` that registers its blueprint, its `flask`
#: commands and its signal receivers. Order only decides the order of panels on shared pages.
FEATURES = (
    "public", "auth", "venues", "visitors", "checkin", "audit", "tracing", "passes", "staff",
    "officials", "registry", "reports", "divisions", "demo", "privacy", "inspection", "cases",
    "rounds",
)


def _register_features(app):
    from importlib import import_module

    for name in FEATURES:
        import_module(f"{__name__}.{name}").init_app(app)
    from .i18n import translate_cli

    app.cli.add_command(translate_cli)
