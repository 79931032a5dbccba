"""Accounts: sign-up, login, roles."""
from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")


def init_app(app):
    """Register login, sign-up and account pages."""
    from . import routes  # noqa: F401  (routes on bp)

    app.register_blueprint(bp)
