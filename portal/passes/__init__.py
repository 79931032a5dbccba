"""Personal passes: the QR a person carries on /me or on a printed card, and its tokens."""
from flask import Blueprint

bp = Blueprint("passes", __name__, url_prefix="/passes")


def init_app(app):
    """Register the pass pages and the pass panel on /me."""
    from . import routes

    app.register_blueprint(bp)
    routes.connect(app)
