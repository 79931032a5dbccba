"""The official registry of places that must register: import, matching, follow-ups."""
from flask import Blueprint

bp = Blueprint("registry", __name__, url_prefix="/registry")


def init_app(app):
    """Register the registry's pages and its `flask registry` and `flask venues` commands."""
    from .cli import registry_cli
    from .decisions_cli import venues_cli
    from .views import follow_ups, imports, matches, places  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
    app.cli.add_command(registry_cli)
    app.cli.add_command(venues_cli)
