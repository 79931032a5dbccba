"""Health tracers: cases, a case's visits and contacts, exposure windows that warn visitors."""
from flask import Blueprint

bp = Blueprint("tracing", __name__, url_prefix="/tracing")


def init_app(app):
    """Register the tracers' pages, `flask tracing`, and the exposure warnings shown to visitors."""
    from . import routes
    from .cli import tracing_cli

    app.register_blueprint(bp)
    app.cli.add_command(tracing_cli)
    routes.connect(app)
