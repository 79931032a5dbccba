"""Venues, their tokens, short codes and posters."""
from flask import Blueprint

bp = Blueprint("venues", __name__, url_prefix="/venues")


def init_app(app):
    """Register the owners' venue pages."""
    from . import entrance_routes, routes  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
