"""Public pages: home, short-code look-up, health check."""
from flask import Blueprint

bp = Blueprint("public", __name__)


def init_app(app):
    """Register the home page, the short-code box and the health check."""
    from . import routes  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
