"""What the staff feature adds to other pages: the owner's venue page, the province dashboard, and a
person's checkpoint crossings (their download and deletion, a case's list of visits)."""
from flask import current_app, render_template
from markupsafe import Markup

from .. import signals
from ..venues.access import visible_venues
from . import crossings
from .figures import checkpoints_today
from .services import staff_of


def venue_panel(venue):
    """On the owner's venue page: the staff accounts, the scanner and the figures."""
    return Markup(render_template("staff/_venue_panel.html", venue=venue, members=staff_of(venue)))


def province_panel(actor, now):
    """On the province dashboard: each checkpoint's scans today, failures and the last hour."""
    rows = checkpoints_today(visible_venues(actor), now, current_app.config["PORTAL_TIMEZONE"])
    return Markup(render_template("staff/_province_panel.html", rows=rows, actor=actor))


def connect(app):
    """Connect the staff panels to the venue page and the province dashboard, and the checkpoint
    crossings to a person's download, their deletion and a case's list of visits."""
    signals.venue_panels.connect(venue_panel, sender=app)
    signals.province_panels.connect(province_panel, sender=app)
    signals.person_data.connect(crossings.person_data, sender=app)
    signals.erase_person_data.connect(crossings.erase_crossings, sender=app)
    signals.person_events.connect(crossings.person_events, sender=app)
