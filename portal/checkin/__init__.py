"""Visits: checking in and out at a venue."""
from flask import Blueprint

from ..extensions import close_page_connection, csrf, spare_blueprints
from ..visitors import device

bp = Blueprint("checkin", __name__)
csrf.exempt(bp)  # forms carry a CSRF token bound to the device cookie instead of the session
bp.after_request(device.write_cookie)
bp.teardown_request(close_page_connection)  # the pages' own connection (core.reading, core.writing)


@bp.context_processor
def _layout():
    from .views.shared import layout_links

    return {"links": layout_links()}


def init_app(app):
    """Register the visitor's check-in pages, `flask visits`, and check-in's panels."""
    from ..visitors.registrations import check_setting
    from . import panels
    from .cli import visits_cli
    from .views import venue_page, visit_page  # noqa: F401  (routes on bp)

    check_setting(app)
    app.register_blueprint(bp)
    spare_blueprints(app, {bp.name})
    app.cli.add_command(visits_cli)
    panels.connect(app)
