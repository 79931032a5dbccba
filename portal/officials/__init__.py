"""Official accounts: ward officials, tracers and province admins."""
from flask import Blueprint

bp = Blueprint("officials", __name__, url_prefix="/officials")


def init_app(app):
    """Register the account administration pages and `flask users`."""
    from . import routes  # noqa: F401  (routes on bp)
    from .cli import users_cli

    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
