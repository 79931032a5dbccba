"""Personal passes on /me (get, replace, print) and printed pass cards issued by staff and officials."""
import logging

from flask import Response, abort, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from .. import signals
from ..extensions import csrf, db
from ..forms_common import render_form
from ..i18n import local_datetime
from ..clock import utcnow
from ..security import roles_required
from ..visitors import device
from ..visitors.services import dependents_of, device_for
from . import card, services
from .forms import CardForm, PassActionForm
from .tokens import grouped
from . import bp

log = logging.getLogger(__name__)
bp.after_request(device.write_cookie)

#: Printing a card for someone else needs a public official: a business could otherwise mint a
#: pass under any name and phone (and check that "person" in anywhere).
CARD_ROLES = ("ward_official", "province_admin")


def _labels(issued_at):
    """Card texts: Vietnamese first, English below, from the catalogs."""
    with force_locale("en"):
        heading_en = _("Vào Ra pass")
        instructions_en = _("Show this card to staff when you come in and when you leave.")
    with force_locale("vi"):
        return {
            "title": _("Vào Ra pass"),
            "heading": _("Vào Ra pass"),
            "heading_en": heading_en,
            "instructions": _("Show this card to staff when you come in and when you leave."),
            "instructions_en": instructions_en,
            "issued": _("Issued on %(date)s", date=local_datetime(issued_at)),
        }


def _pdf(cards, issued_at, filename):
    body = card.cards_pdf(cards, _labels(issued_at))
    headers = {"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "private, no-store"}
    return Response(body, mimetype="application/pdf", headers=headers)


def _household():
    """The person this browser remembers and their dependents; 404 when it remembers nobody."""
    found = device_for(device.presented_token())
    if found is None:
        abort(404)
    return found.visitor, dependents_of(found.visitor)


def _me_url():
    return url_for("visitors.me", _anchor="pass")


def _household_passes(visitor, dependents):
    """[(person, active pass or None)] for the visitor and each dependent."""
    return [(person, services.active_pass(person.id)) for person in [visitor, *dependents]]


def me_panel(visitor, now):
    """The pass panel on /me: the person's QR code, print links, replace, and their household."""
    household = _household_passes(visitor, dependents_of(visitor))
    own = household[0][1]
    qr = Markup(card.qr_svg_inline(own.token, _("Your pass"))) if own is not None else None
    return Markup(render_template(
        "passes/_me_panel.html", visitor=visitor, own=own, qr=qr, household=household,
        form=PassActionForm(formdata=None), grouped=grouped,
        missing=any(current is None for _person, current in household),
    ))


def _action_form():
    form = PassActionForm()
    if not form.validate():
        abort(400)
    return form


@bp.route("/mine/new", methods=["POST"])
@csrf.exempt  # the form's token is bound to the device cookie (visitor pages never use the session)
def mine_new():
    """Give passes to this browser's person and household members who have none."""
    _action_form()
    visitor, dependents = _household()
    now = utcnow()
    for person, current in _household_passes(visitor, dependents):
        if current is None:
            services.issue_pass(person, now)
    db.session.commit()
    return redirect(_me_url(), code=303)


@bp.route("/mine/replace", methods=["POST"])
@csrf.exempt
def mine_replace():
    """Replace a pass of this household: the old one stops working at once."""
    form = _action_form()
    visitor, dependents = _household()
    person = next((p for p in [visitor, *dependents] if p.ref == form.person.data), None)
    if person is None:
        abort(404)
    services.issue_pass(person, utcnow())
    db.session.commit()
    return redirect(_me_url(), code=303)


def _printable():
    visitor, dependents = _household()
    cards = [(p, c) for p, c in _household_passes(visitor, dependents) if c is not None]
    if not cards:
        return redirect(_me_url(), code=303), None
    return None, cards


@bp.route("/mine/print")
def mine_print():
    """A page to print the household's passes (one per sheet or card)."""
    early, cards = _printable()
    if early is not None:
        return early
    shown = [(p, c, Markup(card.qr_svg_inline(c.token, p.full_name)), grouped(c.token)) for p, c in cards]
    response = Response(render_template("passes/print.html", cards=shown, now=utcnow()))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/mine/passes.pdf")
def mine_pdf():
    """The household's passes as an A6 PDF, one card per page."""
    early, cards = _printable()
    if early is not None:
        return early
    return _pdf([(p.full_name, c.token) for p, c in cards], utcnow(), "vao-ra-pass.pdf")


def may_issue_cards(user):
    """Ward officials and province administrators with an active account. Pages show the link
    to the card form on the same rule."""
    return bool(user.is_authenticated and user.is_active and user.role in CARD_ROLES)


@bp.route("/card/new", methods=["GET", "POST"])
@roles_required(*CARD_ROLES)
def card_new():
    """Issue a printed pass card for someone without a smartphone (returns the A6 PDF); audited."""
    form = CardForm()
    if form.validate_on_submit():
        now = utcnow()
        issued, visitor = services.issue_card(
            current_user, form.full_name.data, form.phone.data, int(form.birth_year.data), now
        )
        db.session.commit()
        log.info("pass card issued by user %s", current_user.id)
        return _pdf([(visitor.full_name, issued.token)], now, "vao-ra-pass.pdf")
    return render_form("passes/card_new.html", form)


def person_data(visitor_ids, names, now):
    """The `person_data` section of passes: every pass of the household, by the last 4 digits of
    its number (the whole number would let anyone holding the file check the person in)."""
    header = [_("Person"), _("Pass number ends in"), _("Kind"), _("Issued"), _("Replaced")]
    kinds = {"self": _("on this phone"), "card": _("printed card")}
    rows = [[names.get(p.visitor_id), p.token[-4:] if p.token else None, kinds.get(p.kind, p.kind),
             p.issued_at, p.retired_at] for p in services.passes_of(visitor_ids)]
    return [("passes", _("Passes"), header, rows)]


def connect(app):
    """Connect the pass panel on /me and the passes in the person's download; cards may be
    offered in every template."""
    signals.me_panels.connect(me_panel, sender=app)
    signals.person_data.connect(person_data, sender=app)
    signals.erase_person_data.connect(services.erase_passes, sender=app)
    app.add_template_global(may_issue_cards)
