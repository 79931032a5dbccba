"""Inspection: inspectors check venue posters on site and record what they found."""
from flask import Blueprint

bp = Blueprint("inspection", __name__, url_prefix="/inspection")


def init_app(app):
    """Register the inspection pages, the owner's panel and the officials' history section."""
    from . import panels
    from .views import pages, suspension  # noqa: F401  (routes on bp)
    from .views import compliance  # noqa: F401  (routes on bp)
    from .views import suspicious  # noqa: F401  (routes on bp)
    from .cli import inspection_cli

    app.register_blueprint(bp)
    app.cli.add_command(inspection_cli)
    panels.connect(app)
