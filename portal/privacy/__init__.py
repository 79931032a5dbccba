"""Personal data expiry (`flask data purge`), key rotation (`flask data rotate-key`), the record of
processing's figures (`flask data record`), and an account holder's own data (/account/)."""
from flask import Blueprint

bp = Blueprint("privacy", __name__)


def init_app(app):
    """Register /account/ and `flask data` (retention purge, key rotation, the record's figures)."""
    from . import account  # noqa: F401  (routes on bp)
    from . import requests  # noqa: F401  (data requests made in person, routes on bp)
    from .cli import data_cli

    app.register_blueprint(bp)
    app.cli.add_command(data_cli)
