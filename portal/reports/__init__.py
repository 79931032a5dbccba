"""What officials work from: ward lists, dashboards, zone levels and periodic reports."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")


def init_app(app):
    """Register the officials' report pages and the `flask reports` commands."""
    from .cli import reports_cli
    from .views import dashboards, periodic_report, population_page, ward_lists, zone_pages  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
    app.cli.add_command(reports_cli)
