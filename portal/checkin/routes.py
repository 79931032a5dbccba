"""The QR target: check in or out at a venue in one tap, and the confirmation page.

Visitor pages never use the Flask session: the device cookie identifies the browser and binds
the CSRF token (see visitors/device.py); a form nonce makes a retried POST record one visit.
"""
import secrets
from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from .. import signals
from ..extensions import csrf, db, limiter
from ..models_base import utcnow
from ..venues.services import is_retired_code, venue_by_token
from ..visitors import device
from ..visitors.forms import ActionForm, VisitorForm, usable_nonce
from ..visitors.registrations import check_setting, take_registration
from ..visitors.services import (
    dependents_of, device_among, device_for, household_ids, owns_visit, register_visitor,
    remember_device,
)
from . import services
from .forms import CheckInForm

bp = Blueprint("checkin", __name__)
csrf.exempt(bp)  # forms carry a CSRF token bound to the device cookie instead of the session
bp.after_request(device.write_cookie)


def _config(name):
    return lambda: current_app.config[name]


# Per device and per IP; shared by every check-in and check-out POST, and by code look-ups.
checkin_limits = (
    limiter.shared_limit(_config("PORTAL_CHECKIN_LIMIT"), "checkin-device", key_func=device.rate_limit_key, methods=["POST"]),
    limiter.shared_limit(_config("PORTAL_CHECKIN_IP_LIMIT"), "checkin-ip", key_func=device.ip_key, methods=["POST"]),
)
lookup_limits = (
    limiter.shared_limit(_config("PORTAL_LOOKUP_LIMIT"), "lookup-device", key_func=device.rate_limit_key, methods=["GET"]),
    limiter.shared_limit(_config("PORTAL_LOOKUP_LIMIT"), "lookup-ip", key_func=device.ip_key, methods=["GET"]),
)


def _limited(*limits):
    def decorate(view):
        for limit in limits:
            view = limit(view)
        return view

    return decorate


def _tz():
    return current_app.config["PORTAL_TIMEZONE"]


def new_nonce():
    """A fresh idempotency key for a form."""
    return secrets.token_urlsafe(16)


@bp.route("/v/<token>", methods=["GET", "POST"])
@_limited(*checkin_limits)
def by_token(token):
    """The QR target: check in or out at this venue."""
    venue = services.venue_by_poster_token(token)
    if venue is None:
        if not services.well_formed_token(token):
            return render_template("public/token_unknown.html"), 404
        venue, retired = venue_by_token(token)
        if venue is None:
            return render_template("public/token_unknown.html"), 404
        if retired:
            return render_template("public/token_retired.html"), 410
    return _venue_page(venue, url_for("checkin.by_token", token=token))


@bp.route("/c/<code>", methods=["GET", "POST"])
@_limited(*lookup_limits, *checkin_limits)
def by_code(code):
    """A short code typed by hand: the same page as the QR link."""
    venue = services.venue_by_short_code(code)
    if venue is None:
        if is_retired_code(code):  # printed on a retired poster: the same answer as its old QR
            return render_template("public/token_retired.html"), 410
        return render_template("public/code_not_found.html", code=code[:20]), 404
    return _venue_page(venue, url_for("checkin.by_code", code=venue.short_code))


def _venue_page(venue, action):
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
        return _first_time(venue, action, now, token, remembered, taken)
    return _one_tap(venue, action, now, remembered)


def _not_taking_check_ins(venue, now, remembered):
    """A suspended or closed venue: nothing to check in to, but an open visit can be closed."""
    visit = None
    if remembered is not None:
        visit = services.open_visit_for(remembered.visitor_id, now)
    status = 409 if request.method == "POST" else 200
    return _render_then_commit(
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
    return _to_confirmation(visit.ref), False


def _to_confirmation(ref):
    return redirect(url_for("checkin.confirmation", ref=ref), 303)


def _render_then_commit(template, **context):
    """Render first, then commit the automatic check-outs applied while reading: committing
    earlier would expire the loaded objects and reload them while rendering."""
    html = render_template(template, **context)
    db.session.commit()
    return html


def _first_time(venue, action, now, token, replacing, taken):
    """The short form: name, phone and year of birth, then the first check-in."""
    form = VisitorForm()
    if form.validate_on_submit() and not taken:
        # Counted before anything is written: past the limit, nothing of this person is saved.
        wait = take_registration(device.ip_key())
        if wait is not None:
            return _registrations_refused(action, now, wait)
        nonce = usable_nonce(form.nonce.data) or new_nonce()
        new_token = device.derived_token(token, nonce)
        visitor = register_visitor(form.full_name.data, form.phone.data, form.birth_year.data, now)
        remember_device(visitor, new_token, now, replacing=replacing)
        visit = services.check_in(visitor, venue, now, nonce=nonce)
        response = _commit_then(visit.ref, token)
        if response is not None:
            device.remember(new_token)
            return response
        taken = True
    form.nonce.data = new_nonce()
    return render_template(
        "checkin/venue.html", venue=venue, action=action, form=form, person=None,
        replacing=replacing, expired=taken, cookies_off=_cookies_off(), notices=(),
    )


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
    return _to_confirmation(ref)


def _one_tap(venue, action, now, remembered):
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
    elif posting:
        chosen = set(form.dependents.data or ())
        try:
            visit = services.check_in(
                person, venue, now, nonce=usable_nonce(form.nonce.data),
                dependents=[d for d in dependents if d.ref in chosen],
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
    here = [(d, inside[d.id]) for d in dependents if d.id in inside and inside[d.id].venue_id == venue.id]
    inside_here = {d.id for d, _visit in here}
    return _render_then_commit(
        "checkin/venue.html", venue=venue, action=action, form=form, person=person,
        lead_visit=inside.get(person.id), here=here,
        waiting=[d for d in dependents if d.id not in inside_here],
        out_form=ActionForm(formdata=None), expired=taken, cookies_off=_cookies_off(),
        notices=signals.notices_for(ids, now),
    )


def _cookies_off():
    """A POST without the device cookie this browser was given: cookies are blocked."""
    return request.method == "POST" and device.presented_token() is None


@bp.route("/visit/<ref>")
def confirmation(ref):
    """The confirmation: venue, server time and the venue's check word of the day."""
    now = utcnow()
    visit = services.visit_by_ref(ref)
    remembered = device_for(device.presented_token())
    if not owns_visit(remembered, visit):
        return render_template("checkin/not_yours.html"), 404
    services.close_if_overdue(visit, now)
    ids = household_ids(remembered.visitor)
    people = [visit] + services.companions(visit)
    word = services.day_word(current_app.config["SECRET_KEY"], visit.venue, visit.checked_in_at, _tz())
    same_day = services.local_day(visit.checked_in_at, _tz()) == services.local_day(now, _tz())
    return _render_then_commit(
        "checkin/confirmation.html", visit=visit, venue=visit.venue, people=people, now=now,
        word=word, same_day=same_day, out_form=ActionForm(formdata=None), notices=signals.notices_for(ids, now),
    )


@bp.route("/visit/<ref>/out", methods=["POST"])
@_limited(*checkin_limits)
def check_out(ref):
    """Check out of a visit of this device's person or dependents."""
    visit = services.visit_by_ref(ref)
    remembered = device_for(device.presented_token())
    if not owns_visit(remembered, visit):
        return render_template("checkin/not_yours.html"), 404
    form = ActionForm()
    if not form.validate_on_submit():
        return render_template("errors/400.html", csrf=True), 400
    ref = visit.ref
    services.check_out(visit, utcnow())
    db.session.commit()
    return _to_confirmation(ref)


def venue_panel(venue):
    """Owner's venue page: today's check word and counts (never names or phones)."""
    now = utcnow()
    figures = services.venue_figures(venue, now, _tz())
    word = services.day_word(current_app.config["SECRET_KEY"], venue, now, _tz())
    return Markup(render_template("checkin/venue_panel.html", figures=figures, word=word, now=now))


def init_app(app):
    """Register the owner's venue panel; check the registration limit's setting."""
    check_setting(app)
    signals.venue_panels.connect(venue_panel, sender=app)
