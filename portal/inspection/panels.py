"""What inspection adds to other pages: the owner's venue page (the last inspection and what to
fix) and the officials' establishment and venue pages (inspections in the history)."""
from flask import render_template
from markupsafe import Markup

from .. import signals
from .records import inspections_of
from .views.suspension import DECIDERS, proposal_reasons


def venue_panel(venue):
    """On the owner's venue page: the last inspection's result and what to fix."""
    found = inspections_of(venue, limit=1)
    if not found:
        return None
    return Markup(render_template("inspection/_owner_panel.html", venue=venue, inspection=found[0]))


def place_history(actor, venue):
    """On an official's establishment or venue page: the venue's inspections and any proposal."""
    if venue is None:
        return None
    found = inspections_of(venue)
    return Markup(render_template("inspection/_history.html", venue=venue, inspections=found,
                                  may_decide=actor.role in DECIDERS, reasons=proposal_reasons(found)))



def connect(app):
    """Connect the owner's panel and the officials' history section."""
    signals.venue_panels.connect(venue_panel, sender=app)
    signals.place_history.connect(place_history, sender=app)
