"""The QR target: check in or out at a venue in one tap, or register the first time.

Visitor pages never use the Flask session: the device cookie identifies the browser and binds
the CSRF token (see visitors/device.py); a form nonce makes a retried POST record one visit.
"""
from datetime import timedelta
from flask import current_app, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from ... import signals
from ...errors import gone, not_found
from ...extensions import db
from ...forms_common import form_status
from ...clock import utcnow
from ...venues.services import is_retired_code, venue_by_token
from ...visitors import device, notice
from ...identifiers import usable_nonce
from ...visitors.forms import ActionForm, VisitorForm
from ...visitors.registrations import take_registration
from ...visitors.services import (
    dependents_of, device_among, device_for, household_ids, owns_visit, register_visitor,
    remember_device,
)
from .. import services
from ..addresses import record_registration
from ..forms import CheckInForm
from .. import bp
from .shared import checkin_limits, limited, lookup_limits, new_nonce, render_then_commit, to_confirmation

@bp.route("/v/<token>", methods=["GET", "POST"])
@limited(*checkin_limits)
def by_token(token):
    """The QR target: check in or out at this venue (or at one of its entrances)."""
    venue, entrance = services.venue_by_poster_token(token), None
    if venue is None:
        if not services.well_formed_token(token):
            not_found("public/token_unknown.html")
        entrance = services.entrance_by_poster_token(token)
        if entrance is not None:
            venue = entrance.venue
        else:
            venue, retired = venue_by_token(token)
            if venue is None:
                not_found("public/token_unknown.html")
            if retired:
                gone("public/token_retired.html")
    return _venue_page(venue, url_for("checkin.by_token", token=token), entrance)


@bp.route("/c/<code>", methods=["GET", "POST"])
@limited(*lookup_limits, *checkin_limits)
def by_code(code):
    """A short code typed by hand: the same page as the QR link."""
    venue = services.venue_by_short_code(code)
    if venue is not None:
        return _venue_page(venue, url_for("checkin.by_code", code=venue.short_code))
    entrance = services.entrance_by_short_code(code)
    if entrance is not None:
        return _venue_page(entrance.venue, url_for("checkin.by_code", code=entrance.short_code), entrance)
    if is_retired_code(code):  # printed on a retired poster: the same answer as its old QR
        gone("public/token_retired.html")
    not_found("public/code_not_found.html", code=code[:20])


def _venue_page(venue, action, entrance=None):
    now = utcnow()
    token = device.cookie_token()
    remembered = device_for(token) if device.presented_token() else None
    registering = remembered is None or request.args.get("new") == "1"
    taken = False
    if request.method == "POST" and registering:
        replayed, taken = _replayed(token)
        if replayed is not None:
            return replayed
    if not services.takes_check_ins(venue):
        return _not_taking_check_ins(venue, now, remembered)
    if registering:
        return _first_time(venue, action, now, token, remembered, taken, entrance)
    return _one_tap(venue, action, now, remembered, entrance)


def _not_taking_check_ins(venue, now, remembered):
    """A suspended or closed venue: nothing to check in to, but an open visit can be closed."""
    visit = None
    if remembered is not None:
        visit = services.open_visit_for(remembered.visitor_id, now)
    status = 409 if request.method == "POST" else 200
    return render_then_commit(
        "checkin/not_taking.html", venue=venue, visit=visit if visit and visit.venue_id == venue.id else None,
        out_form=ActionForm(formdata=None),
    ), status


def _replayed(token):
    """A retried POST (double tap, refresh, slow network): (redirect to its visit, taken).

    `taken` is True when the nonce already recorded a visit this browser does not own.
    """
    nonce = usable_nonce(request.form.get("nonce"))
    if nonce is None:
        return None, False
    visit = services.visit_by_nonce(nonce)
    if visit is None:
        return None, False
    owner, owner_token = device_among([token, device.derived_token(token, nonce)])
    if not owns_visit(owner, visit):
        return None, True
    if owner_token != token:
        device.remember(owner_token)
    return to_confirmation(visit.ref), False


def _first_time(venue, action, now, token, replacing, taken, entrance):
    """The short form: name, phone and year of birth, then the first check-in."""
    form = VisitorForm()
    if form.validate_on_submit() and not taken:
        # Counted before anything is written: past the limit, nothing of this person is saved.
        wait = take_registration(device.ip_key())
        if wait is not None:
            return _registrations_refused(action, now, wait)
        nonce = usable_nonce(form.nonce.data) or new_nonce()
        new_token = device.derived_token(token, nonce)
        visitor = register_visitor(form.full_name.data, form.phone.data, form.birth_year.data, now,
                                   notice_version=_shown_notice(form.notice.data))
        remember_device(visitor, new_token, now, replacing=replacing)
        visit = services.check_in(visitor, venue, now, nonce=nonce, entrance=entrance)
        record_registration(visit, request.remote_addr, now)  # a keyed hash, for the burst rule
        response = _commit_then(visit.ref, token)
        if response is not None:
            device.remember(new_token)
            return response
        taken = True
    form.nonce.data = new_nonce()
    form.notice.data = notice.NOTICE_VERSION
    return render_template(
        "checkin/venue.html", venue=venue, entrance=entrance, action=action, form=form, person=None,
        replacing=replacing, expired=taken, cookies_off=_cookies_off(), notices=(),
    ), form_status(form)


def _registrations_refused(action, now, wait):
    """Too many first-time registrations from this network: a clear page, a 429, nothing saved."""
    db.session.rollback()
    response = current_app.make_response((
        render_template("visitors/registrations_limited.html", action=action, until=now + timedelta(seconds=wait)),
        429))
    response.headers["Retry-After"] = str(wait)
    return response


def _commit_then(ref, token):
    """Commit and redirect to the visit; after losing a race with a retried POST, its visit."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        replayed, _taken = _replayed(token)
        return replayed
    return to_confirmation(ref)


def _one_tap(venue, action, now, remembered, entrance):
    """'Check in as …' with the dependents to tick, or 'Check out' while inside."""
    person = remembered.visitor
    form = CheckInForm()
    posting = request.method == "POST"
    # A plain one-tap POST needs neither the dependents nor the open visits: fewer queries.
    dependents = dependents_of(person) if not posting or request.form.getlist("dependents") else []
    form.dependents.choices = [(d.ref, d.full_name) for d in dependents]
    taken = False
    if posting and not form.validate_on_submit():
        # check_in() recognises this person's retried POSTs itself; an invalid form may still be
        # the retry of a registration whose answer arrived after the form was sent again.
        replayed, taken = _replayed(device.cookie_token())
        if replayed is not None:
            return replayed
    elif posting and _notice_read(person, form):
        chosen = set(form.dependents.data or ())
        try:
            visit = services.check_in(
                person, venue, now, nonce=usable_nonce(form.nonce.data),
                dependents=[d for d in dependents if d.ref in chosen], entrance=entrance,
            )
        except services.NonceTaken:
            db.session.rollback()
            taken = True
        else:
            if (now - remembered.last_seen_at).days >= 1:
                remembered.last_seen_at = now
            response = _commit_then(visit.ref, device.cookie_token())
            if response is not None:
                device.remember(device.cookie_token())  # keep the cookie alive for 400 more days
                return response
            taken = True
    if posting:
        dependents = dependents_of(person)
        form.dependents.choices = [(d.ref, d.full_name) for d in dependents]
    ids = household_ids(person, dependents)
    inside = services.open_visits_for(ids, now)
    form.nonce.data = new_nonce()
    notice_due = not notice.is_current(person)
    form.notice.data = notice.NOTICE_VERSION if notice_due else ""
    here = [(d, inside[d.id]) for d in dependents if d.id in inside and inside[d.id].venue_id == venue.id]
    inside_here = {d.id for d, _visit in here}
    return render_then_commit(
        "checkin/venue.html", venue=venue, entrance=entrance, action=action, form=form, person=person,
        lead_visit=inside.get(person.id), here=here,
        waiting=[d for d in dependents if d.id not in inside_here],
        out_form=ActionForm(formdata=None), expired=taken, cookies_off=_cookies_off(),
        notices=signals.notices_for(ids, now), notice_due=notice_due,
    ), form_status(form)


def _shown_notice(posted):
    """The privacy notice version a first-time form carried, if it is the one in force."""
    return notice.NOTICE_VERSION if posted == notice.NOTICE_VERSION else None


def _notice_read(person, form):
    """Whether this person may check in: they agreed to the notice in force, or confirm it now
    (recorded). A check-in posted without the changed notice shows the page with it instead."""
    if notice.is_current(person):
        return True
    if form.notice.data != notice.NOTICE_VERSION:
        return False
    notice.agree(person)
    return True


def _cookies_off():
    """A POST without the device cookie this browser was given: cookies are blocked."""
    return request.method == "POST" and device.presented_token() is None
