"""Visitors, their devices and dependents, and the /me page."""
from flask import Blueprint

bp = Blueprint("visitors", __name__)


def init_app(app):
    """Register /me and the household pages."""
    from . import data, rights, routes  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
