"""What check-in adds to other features' pages: the owner's venue panel, the visits on /me and in
the person's download of their data."""
from flask import current_app, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from .. import signals
from ..clock import utcnow
from . import figures, services
from .views.shared import tz

def venue_panel(venue):
    """Owner's venue page: today's check word and counts (never names or phones)."""
    now = utcnow()
    counts = figures.today_counts(venue, now, tz())
    word = services.day_word(current_app.config["SECRET_KEY"], venue, now, tz())
    return Markup(render_template("checkin/venue_panel.html", figures=counts, word=word, now=now))


def me_visits(visitor_ids, person_id, names, now, since):
    """The /me page's visits of the household (overdue open visits close first)."""
    history = services.history(visitor_ids, now, since)
    return Markup(render_template("checkin/me_visits.html", history=history, person_id=person_id, names=names))


#: How a visit began or ended, in words, for the person's own download.
METHOD_WORDS = {
    "self": _l("yourself, with the poster"),
    "staff": _l("staff scanned your pass"),
    "assisted": _l("with staff's help"),
    "auto": _l("automatically, after the usual stay"),
    "moved": _l("by checking in elsewhere"),
}


def person_data(visitor_ids, names, now):
    """The `person_data` section of check-in: every visit and crossing kept of the household."""
    header = [_("Person"), _("Place"), _("Address"), _("Entrance"), _("Checked in"), _("Checked out"),
              _("How it began"), _("How it ended")]
    rows = [[names.get(v.visitor_id), v.venue.name, v.venue.address, v.entrance.name if v.entrance else None,
             v.checked_in_at, v.checked_out_at, _words(v.in_method), _words(v.out_method)]
            for v in services.kept_visits(visitor_ids)]
    return [("visits", _("Visits"), header, rows)]


def _words(method):
    return str(METHOD_WORDS.get(method, method)) if method else None


def connect(app):
    """Connect the venue panel, the visits on /me and the visit records asked before a removal."""
    signals.venue_panels.connect(venue_panel, sender=app)
    signals.me_history.connect(me_visits, sender=app)
    signals.person_records.connect(services.has_visits, sender=app)
    signals.person_data.connect(person_data, sender=app)
    signals.erase_person_data.connect(services.erase_visits, sender=app)
