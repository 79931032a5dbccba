"""The first check-in of a browser nobody is remembered by: the short form, then the visit."""
from datetime import timedelta

from flask import current_app, render_template, request

from ....extensions import db
from ....forms_common import form_status
from ....identifiers import usable_nonce
from ....visitors import device, notice
from ....visitors.forms import VisitorForm
from ....visitors.registrations import take_registration
from ....visitors.services import device_for, register_visitor, remember_device
from ... import services
from ...addresses import record_registration
from ..shared import new_nonce
from .retries import commit_then, cookies_off


def first_time(venue, action, now, token, replacing, taken, entrance):
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
        response = commit_then(visit.ref, token)
        if response is not None:
            device.remember(new_token)
            return response
        taken = True
    form.nonce.data = new_nonce()
    form.notice.data = notice.NOTICE_VERSION
    return render_template(
        "checkin/venue.html", venue=venue, entrance=entrance, action=action, form=form, person=None,
        replacing=replacing, expired=taken, cookies_off=cookies_off(), notices=(),
    ), form_status(form)


def _registrations_refused(action, now, wait):
    """Too many first-time registrations from this network: a clear page, a 429, nothing saved."""
    db.session.rollback()
    response = current_app.make_response((
        render_template("visitors/registrations_limited.html", action=action, until=now + timedelta(seconds=wait)),
        429))
    response.headers["Retry-After"] = str(wait)
    return response


def _shown_notice(posted):
    """The privacy notice version a first-time form carried, if it is the one in force."""
    return notice.NOTICE_VERSION if posted == notice.NOTICE_VERSION else None
