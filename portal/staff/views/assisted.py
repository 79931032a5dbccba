"""Assisted check-in at a venue: find a person by phone and year of birth, or type them in."""
from flask import current_app, render_template
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from ...extensions import db
from ...clock import utcnow
from ...security import roles_required
from ...venues.access import venue_for
from flask_babel import gettext as _
from ...extensions import limiter
from ...passes.services import deviceless_match
from .. import assist as rules
from ..forms import ChooseForm, LookupForm, PersonForm
from .. import bp
from ...errors import not_found
from ..crossings import is_checkpoint
from .lanes import SCANNER_ROLES, check_word, fresh_form, scanner_device


def _assisted_venue(code):
    """The venue of an assisted check-in; 404 outside the actor's venues, and at a checkpoint,
    where a scan records a crossing and never a stay (the page says to scan a card or pass)."""
    venue = venue_for(current_user, code)
    if is_checkpoint(venue):
        not_found("staff/assist_checkpoint.html", venue=venue)
    return venue

def _per_account():
    """Look-ups count per staff account, whatever address or browser the account uses."""
    return f"staff-lookup:{current_user.id}"  # the account, not the session (get_id carries its version)


def _secret():
    return current_app.config["SECRET_KEY"]


def _assist_page(venue, lookup=None, person=None, status=200, expired=False):
    lookup = lookup or LookupForm(formdata=None, prefix="find")
    person = person or fresh_form(PersonForm(formdata=None))
    return render_template(
        "staff/assist.html", venue=venue, lookup=lookup, person=person, expired=expired
    ), status


def _choose_page(venue, state, people, form=None, status=200):
    """The people a look-up found, masked, each chosen by a handle valid for this look-up only."""
    form = form or fresh_form(ChooseForm(formdata=None))
    form.state.data = state
    options = [(rules.handle(_secret(), state, p), rules.masked_name(p.full_name)) for p in people]
    return render_template("staff/choose.html", venue=venue, form=form, options=options), status


@bp.route("/<code>/assist", methods=["GET"])
@roles_required(*SCANNER_ROLES)
def assist_page(code):
    """Assisted check-in: find a person by phone and year of birth, or enter their details."""
    return _assist_page(_assisted_venue(code))


@bp.route("/<code>/assist/lookup", methods=["POST"])
@roles_required(*SCANNER_ROLES)
@limiter.limit(lambda: current_app.config["PORTAL_ASSIST_LOOKUP_LIMIT"], key_func=_per_account)
def assist_lookup(code):
    """The people a phone number and year of birth both match, with masked names; audited."""
    venue = _assisted_venue(code)
    lookup = LookupForm(prefix="find")
    if not lookup.validate():
        return _assist_page(venue, lookup=lookup, status=422)
    phone, year = lookup.phone.data, lookup.birth_year.data
    people = rules.look_up(current_user, venue, phone, year, utcnow())
    db.session.commit()
    return _choose_page(venue, rules.new_pick(_secret(), current_user, venue, phone, year), people)


@bp.route("/<code>/assist/confirm", methods=["POST"])
@roles_required(*SCANNER_ROLES)
def assist_confirm(code):
    """Check the chosen person in or out (assisted); audited."""
    venue = _assisted_venue(code)
    form = ChooseForm()
    state = form.state.data
    try:
        people = rules.read_pick(_secret(), state, current_user, venue, current_app.config["PORTAL_ASSIST_PICK_SECONDS"])
    except rules.PickExpired:
        return _assist_page(venue, expired=True, status=400)
    person = rules.chosen(_secret(), state, people, form.person.data) if form.validate() else None
    if person is None:
        if not form.errors:
            form.person.errors.append(_("Choose one of the people listed."))
        return _choose_page(venue, state, people, form=form, status=422)
    device = scanner_device() or f"u{current_user.id}"
    try:
        result = rules.assist(person, venue, current_user, device, utcnow(), form.nonce.data, how="phone")
        db.session.commit()
    except IntegrityError:  # the same form sent twice (a double click): undo, toggle nothing
        db.session.rollback()
        result = rules.assisted_before(person, venue, utcnow(), "phone")
        db.session.commit()
    return render_template("staff/assisted.html", venue=venue, result=result, word=check_word(venue))


@bp.route("/<code>/assist/new", methods=["POST"])
@roles_required(*SCANNER_ROLES)
def assist_enter(code):
    """Check in a person from the details staff typed in (assisted); audited."""
    venue = _assisted_venue(code)
    person = PersonForm()
    if not person.validate():
        return _assist_page(venue, person=person, status=422)
    device = scanner_device() or f"u{current_user.id}"
    details = (person.full_name.data, person.phone.data or None, person.birth_year.data)
    try:
        result = rules.assist_new(*details, venue, current_user, device, utcnow(), person.nonce.data)
        db.session.commit()
    except IntegrityError:  # the same form sent twice (a double click): undo, record nothing
        db.session.rollback()
        result = rules.assisted_before(deviceless_match(*details), venue, utcnow(), "details")
        db.session.commit()
    return render_template("staff/assisted.html", venue=venue, result=result, word=check_word(venue))
