"""Who looked at or exported personal data, when, for which case: append-only."""
from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")


def init_app(app):
    """Register the audit log pages, `flask audit`, and the dashboard's audit panel."""
    from . import routes
    from .cli import audit_cli

    app.register_blueprint(bp)
    app.cli.add_command(audit_cli)
    routes.connect(app)
