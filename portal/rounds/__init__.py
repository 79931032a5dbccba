"""Testing rounds: red and orange wards test their risk places on day 1, 3 and 5 of a plan, and
health officials record how many were tested and found positive at each place."""
from flask import Blueprint

bp = Blueprint("rounds", __name__, url_prefix="/testing")


def init_app(app):
    """Register the testing-round pages and their section of the periodic report."""
    from .. import signals
    from . import views  # noqa: F401  (routes on bp)
    from .report import periodic_section

    app.register_blueprint(bp)
    signals.periodic_sections.connect(periodic_section, sender=app)
