"""Venue staff and checkpoint officers: the pass scanner, assisted check-in, teams and lane figures."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")


def init_app(app):
    """Register the scanner, team and checkpoint pages and the staff panels."""
    from . import panels
    from .views import assisted, checkpoint_figures, queue, scanner, teams  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
    panels.connect(app)
