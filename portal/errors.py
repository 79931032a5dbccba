"""Error pages in the user's language, without tracebacks; a 500 rolls the session back.

A database that is down, frozen or out of connections gives a 503 with Retry-After, drawn
without the database: as for a visitor, without loading the account. Any other error page that
reaches a failing database (through the account in the header) becomes that 503 page.
"""
import logging

from flask import g, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import Gone, NotFound

from .extensions import db, login_manager

log = logging.getLogger(__name__)

HANDLED = (400, 403, 404, 405, 410, 413, 429)
#: Seconds a client is asked to wait before trying again when the database is unavailable.
RETRY_AFTER_SECONDS = 30
#: Errors that mean the database cannot answer now (refused, timed out, pool exhausted, locked).
UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
               sa_exc.DisconnectionError)
SQLITE_ERROR = 1  # SQLite's generic code: bad SQL, a missing table (a bug, not a fault)


def database_unavailable(error):
    """True when `error` means the database is unreachable, busy or too slow, not a bug."""
    if isinstance(error, sa_exc.DBAPIError) and type(error.orig).__module__.startswith("sqlite3"):
        # sqlite3 calls bad SQL an OperationalError and a bad parameter an InterfaceError;
        # busy, locked, I/O, full or unopenable files have codes of their own.
        code = getattr(error.orig, "sqlite_errorcode", SQLITE_ERROR)
        return isinstance(error, sa_exc.OperationalError) and code & 0xFF != SQLITE_ERROR
    if isinstance(error, UNAVAILABLE):
        return True
    return isinstance(error, sa_exc.DBAPIError) and bool(error.connection_invalidated)


def _rollback():
    """End the failed transaction; a broken connection is already discarded, so this is quick."""
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the page must render whatever state the session is in
        log.debug("rollback after a database error failed")


def _reason(error):
    """The driver's error class: never the message, which may quote SQL parameters."""
    original = getattr(error, "orig", None) or error
    return type(original).__name__


def unavailable(error):
    """The 503 page: the database is down or does not answer in time."""
    if not database_unavailable(error):
        raise error  # a bug after all (SQLite's bad SQL): the 500 handler, or the test, sees it
    _rollback()
    # Flask-Login loads the account for every template; as a visitor, nothing is loaded.
    g._login_user = login_manager.anonymous_user()
    log.warning("database unavailable: %s", _reason(error))
    body = render_template("errors/503.html")
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def incomplete(error):
    """The 503 page for a page that needs an answer from every feature and one failed (logged
    where it failed): nothing of it is shown, nothing the request changed is kept."""
    _rollback()
    body = render_template("errors/503.html", incomplete=True)
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


class _PageNotFound(NotFound):
    def __init__(self, template, context):
        super().__init__()
        self.template, self.context = template, context


class _PageGone(Gone):
    def __init__(self, template, context):
        super().__init__()
        self.template, self.context = template, context


def not_found(template=None, **context):
    """Answer 404, with a page of its own for visitors (an unknown poster, a visit not theirs).

    Like `abort(404)`: it raises, and the 404 handler draws `template` (or the plain 404 page).
    """
    if template is None:
        raise NotFound()
    raise _PageNotFound(template, context)


def gone(template, **context):
    """Answer 410 with this page (a retired poster): raises, like `abort(410)`."""
    raise _PageGone(template, context)


def _render(status, **context):
    error = context.get("error")
    template = getattr(error, "template", None) or f"errors/{status}.html"
    if getattr(error, "context", None):
        context = {**context, **error.context}
    try:
        return render_template(template, **context), status
    except UNAVAILABLE as exc:  # a template or hook reached for the database
        return unavailable(exc)


def init_app(app):
    """Register the handlers."""
    for status in HANDLED:
        app.register_error_handler(status, lambda exc, status=status: _render(status, error=exc))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _render(400, error=exc, csrf=True)

    for error_class in UNAVAILABLE:
        app.register_error_handler(error_class, unavailable)

    @app.errorhandler(500)
    def server_error(exc):
        original = getattr(exc, "original_exception", None) or exc
        if database_unavailable(original):
            return unavailable(original)
        _rollback()
        log.error("unhandled error: %s", type(original).__name__)
        return _render(500, error=exc)
