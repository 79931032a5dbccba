"""A retried POST (double tap, refresh, slow network) recognised by its nonce, the commit that may
lose the race to one, and a browser that blocks the device cookie."""

from flask import request
from sqlalchemy.exc import IntegrityError

from ....identifiers import usable_nonce
from ....visitors import device
from ....visitors.services import device_among, owns_visit
from ... import core, services
from ..shared import to_confirmation


def retried(token):
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


def commit_then(ref, token):
    """Commit and redirect to the visit; after losing a race with a retried POST, its visit."""
    try:
        core.commit()
    except IntegrityError:
        core.rollback()
        replayed, _taken = retried(token)
        return replayed
    return to_confirmation(ref)


def cookies_off():
    """A POST without the device cookie this browser was given: cookies are blocked."""
    return request.method == "POST" and device.presented_token() is None
