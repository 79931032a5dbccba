"""The QR target: check in or out at a venue in one tap, or register the first time.

Visitor pages never use the Flask session: the device cookie identifies the browser and binds
the CSRF token (see visitors/device.py); a form nonce makes a retried POST record one visit.
"""
from datetime import timedelta
from typing import NamedTuple

from flask import current_app, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from ... import signals
from ...clock import utcnow
from ...errors import gone, not_found
from ...extensions import db
from ...forms_common import form_status
from ...identifiers import is_short_code, normalise_short_code, usable_nonce
from ...venues.services import is_retired_code, venue_by_token
from ...visitors import device, notice
from ...visitors.forms import VisitorForm
from ...visitors.registrations import take_registration
from ...visitors.services import (
    agree_to_notice, device_among, device_for, owns_visit, register_visitor, remember_device, seen_again,
)
from .. import bp, core, services
from ..addresses import record_registration
from ..forms import TapForm, csrf_input
from ..limits import CHECKIN, LOOKUP, take_limits
from .shared import new_nonce, place_of, render_then_commit, to_confirmation


class Door(NamedTuple):
    """The entrance whose poster was scanned."""

    id: int
    name: str


class Found(NamedTuple):
    """What `_arrival` found, in `_venue_page`'s arguments' order."""

    venue: object
    person: object  # the `core.arrival` row again when it has a remembered person, else None
    entrance: object  # a Door or None
    locked: bool
    household_rows: object  # `core.arrival_page`'s rows (a page) or None
    quiet: tuple  # the `visitor_notices` receivers whose hint said they have nothing here


@bp.route("/v/<token>", methods=["GET", "POST"])
def by_token(token):
    """The QR target: check in or out at this venue (or at one of its entrances)."""
    take_limits(CHECKIN)
    if not services.well_formed_token(token):
        not_found("public/token_unknown.html")
    found = _arrival("token", token)
    if found is not None:
        return _venue_page(request.script_root + request.path, *found)  # the form posts to this page
    venue, retired = venue_by_token(token)
    if venue is None:
        not_found("public/token_unknown.html")
    if retired:
        gone("public/token_retired.html")
    return _venue_page(url_for("checkin.by_token", token=token), place_of(venue), _remembered())


@bp.route("/c/<code>", methods=["GET", "POST"])
def by_code(code):
    """A short code typed by hand: the same page as the QR link."""
    take_limits(LOOKUP, CHECKIN)
    typed, code = code, normalise_short_code(code)
    found = _arrival("code", code) if is_short_code(code) else None
    if found is not None:
        return _venue_page(url_for("checkin.by_code", code=code), *found)
    if is_retired_code(code):  # printed on a retired poster: the same answer as its old QR
        gone("public/token_retired.html")
    not_found("public/code_not_found.html", code=typed[:20])


def _arrival(by, key):
    """The `Found` `core.arrival` row of the venue or of the entrance in use with this token or
    code, or None when there is no such venue or entrance.

    A page (GET) asks with the person's household and the notice hints in the same statement
    (`core.arrival_page`).
    A one-tap POST first asks with the person's lock, on a connection of its own that then
    records the check-in (`core.writing`); a first-time form asks without it, on the session.
    """
    reading = request.method == "GET"
    hints = ()
    if reading:
        core.reading()
        hints = signals.notice_hints()
    device_hash = device.presented_hash()
    locking = bool(device_hash) and request.method == "POST" and not _someone_else()
    for lock in (True, False) if locking else (False,):
        if lock:
            core.writing()
        for kind in (by, "entrance_" + by):
            if reading:
                found, rows = core.arrival_page(kind, key, device_hash, hints) or (None, None)
            else:
                found, rows = core.arrival(kind, key, device_hash, lock=lock), None
            if found is not None:
                entrance = found.entrance_id if "entrance_id" in found._fields else None  # .get() raises inside
                quiet = signals.quiet_receivers(hints, core.hints_said(rows)) if rows else ()
                return Found(found, found if found.visitor_id is not None else None,
                             Door(entrance, found.entrance_name) if entrance is not None else None, lock, rows, quiet)
        if lock:
            core.stop_writing()  # no remembered person: a registration, whose ORM work uses the session
    return None


def _someone_else():
    """Whether the page is "check in as someone else" (?new=1). Asked with `in` first: a missing
    key makes Werkzeug's `.get()` build and catch an exception."""
    args = request.args
    return "new" in args and args["new"] == "1"


def _remembered():
    """The person this browser remembers, for pages reached through an entrance or an old poster."""
    token = device.presented_token()
    remembered = device_for(token) if token else None
    if remembered is None:
        return None
    return core.Person(remembered.id, remembered.last_seen_at, remembered.visitor_id, remembered.visitor.full_name,
                       remembered.visitor.notice_version)


def _venue_page(action, venue, person, entrance=None, locked=False, household_rows=None, quiet=()):
    now = utcnow()
    token = device.cookie_token()
    registering = person is None or _someone_else()
    taken = False
    if request.method == "POST" and registering:
        replayed, taken = _replayed(token)
        if replayed is not None:
            return replayed
    if not services.takes_check_ins(venue):
        return _not_taking_check_ins(venue, now, person)
    if registering:
        return _first_time(venue, action, now, token, person is not None, taken, entrance)
    return _one_tap(venue, action, now, person, entrance, locked, household_rows, quiet)


def _not_taking_check_ins(venue, now, person):
    """A suspended or closed venue: nothing to check in to, but an open visit can be closed."""
    visit = None
    if person is not None:
        visit = services.open_visit_for(person.visitor_id, now)
    status = 409 if request.method == "POST" else 200
    return render_then_commit(
        "checkin/not_taking.html", venue=venue, visit=visit if visit and visit.venue_id == venue.id else None,
        csrf=csrf_input(),
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
    replacing = device_for(token) if replacing else None
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
        core.commit()
    except IntegrityError:
        core.rollback()
        replayed, _taken = _replayed(token)
        return replayed
    return to_confirmation(ref)


def _one_tap(venue, action, now, person, entrance, locked, household_rows=None, quiet=()):
    """'Check in as …' with the dependents to tick, or 'Check out' while inside.

    A remembered person's plain tap costs three statements (two on PostgreSQL): `core.arrival`
    (already run), then `core.check_in`'s close and insert. The page costs `core.arrival_page` (the household came
    and the notice hints with it); a tap with dependents ticked reads the household to check them.
    """
    form = TapForm()
    posting = request.method == "POST"
    members = stays = None
    if not posting or form.dependents.data:
        members, stays = core.household(person.visitor_id, now, household_rows)
    taken = False
    if posting:
        choices = {m.ref: m.id for m in members[1:]} if members else {}
        if not form.validate(choices):
            # check_in() recognises this person's retried POSTs itself; an invalid form may still be
            # the retry of a registration whose answer arrived after the form was sent again.
            replayed, taken = _replayed(device.cookie_token())
            if replayed is not None:
                return replayed
        elif _notice_read(person, form):
            if not locked:
                core.lock_person(person.visitor_id, now)
            try:
                recorded = core.check_in(
                    person.visitor_id, venue.id, venue.default_stay_minutes, now, nonce=form.nonce,
                    dependents=[choices[ref] for ref in form.dependents.data],
                    entrance_id=entrance.id if entrance is not None else None,
                )
            except core.NonceTaken:
                core.rollback()
                taken = True
            else:
                daily = (now - person.device_seen_at).days >= 1
                if daily:
                    seen_again(person.device_id, person.visitor_id, now)
                response = _commit_then(recorded.ref, device.cookie_token())
                if response is not None:
                    if daily:  # once a day: keep the cookie alive for 400 more days
                        device.remember(device.cookie_token())
                    return response
                taken = True
        members, stays = core.household(person.visitor_id, now)
    person = core.named(person)  # a page after all: the POST's row has the name sealed
    dependents = members[1:]
    ids = [m.id for m in members]
    notice_due = not notice.is_current(person)
    form.next_nonce = new_nonce()
    form.notice_shown = notice.NOTICE_VERSION if notice_due else ""
    form.csrf = csrf_input()  # the page's check-out buttons carry the same token
    here = [(d, stays[d.id]) for d in dependents if d.id in stays and stays[d.id].venue_id == venue.id]
    inside_here = {d.id for d, _visit in here}
    return render_then_commit(
        "checkin/venue.html", venue=venue, entrance=entrance, action=action, form=form, person=person,
        lead_visit=stays.get(person.visitor_id), here=here,
        waiting=[d for d in dependents if d.id not in inside_here],
        csrf=form.csrf, expired=taken, cookies_off=_cookies_off(),
        notices=signals.notices_for(ids, now, quiet), notice_due=notice_due,
    ), form_status(form)


def _shown_notice(posted):
    """The privacy notice version a first-time form carried, if it is the one in force."""
    return notice.NOTICE_VERSION if posted == notice.NOTICE_VERSION else None


def _notice_read(person, form):
    """Whether this person may check in: they agreed to the notice in force, or confirm it now
    (recorded). A check-in posted without the changed notice shows the page with it instead."""
    if notice.is_current(person):
        return True
    if form.notice != notice.NOTICE_VERSION:
        return False
    agree_to_notice(person.visitor_id)
    return True


def _cookies_off():
    """A POST without the device cookie this browser was given: cookies are blocked."""
    return request.method == "POST" and device.presented_token() is None
