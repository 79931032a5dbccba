"""Error pages in the user's language, without tracebacks; a 500 rolls the session back."""
import logging

from flask import render_template
from flask_wtf.csrf import CSRFError

from .extensions import db

log = logging.getLogger(__name__)

HANDLED = (400, 403, 404, 405, 410, 413, 429)


def _render(status, **context):
    return render_template(f"errors/{status}.html", **context), status


def init_app(app):
    """Register the handlers."""
    for status in HANDLED:
        app.register_error_handler(status, lambda exc, status=status: _render(status, error=exc))

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return _render(400, error=exc, csrf=True)

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        log.error("unhandled error: %s", type(getattr(exc, "original_exception", exc)).__name__)
        return _render(500, error=exc)
