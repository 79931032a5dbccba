"""The one-tap check-in form: a button with hidden fields, read and written without a form library.

It carries the CSRF token bound to the device cookie (visitors/device.py), the nonce that makes
a retried POST record one visit, the privacy notice version when the page shows a changed
notice, and the household members ticked. WTForms' machinery (fields, meta, validators, widgets)
costs more than everything else on this page; the first-time registration form keeps it.
"""
import hmac
from typing import NamedTuple

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from ..identifiers import usable_nonce
from ..visitors.device import cookie_token, csrf_token_for

EXPIRED = _l("The form expired. Please submit it again.")


def csrf_enabled():
    """Whether forms carry a CSRF token (Flask-WTF's setting, off in most tests)."""
    return current_app.config.get("WTF_CSRF_ENABLED", True)


def csrf_input():
    """The hidden CSRF field of a visitor's button form (check out), or nothing when CSRF is off."""
    if not csrf_enabled():
        return Markup("")
    return Markup('<input type="hidden" name="csrf_token" value="%s">') % csrf_token_for(cookie_token())


def csrf_valid():
    """Whether the POST carries this browser's CSRF token (always, when CSRF is off)."""
    if not csrf_enabled():
        return True
    sent = request.form.get("csrf_token", "")
    return bool(sent) and hmac.compare_digest(sent, csrf_token_for(cookie_token()))


class Label(NamedTuple):
    text: str


class Ticks(NamedTuple):
    """The household members ticked: what the page and the error summary read of a field."""

    id: str
    label: Label
    data: list


class TapForm:
    """'Check in as …': `validate(choices)` on a POST; `hidden_tag()` for the page."""

    def __init__(self):
        posting = request.method == "POST"
        self.next_nonce, self.notice_shown = "", ""  # set by the view before the page is drawn
        self.csrf = None  # the page's CSRF field, when the view has made it already
        self.errors = {}
        self.nonce = usable_nonce(request.form.get("nonce")) if posting else None
        self.notice = request.form.get("notice", "") if posting else ""
        self.dependents = Ticks("dependents", Label(_l("Who is with you?")),
                                request.form.getlist("dependents") if posting else [])

    def validate(self, choices):
        """Check the CSRF token and that only members of `choices` (refs) are ticked."""
        if not csrf_valid():
            self.errors["csrf_token"] = [EXPIRED]
        if any(ref not in choices for ref in self.dependents.data):
            self.errors["dependents"] = [_l("Tick only people from your household list.")]
        return not self.errors

    def __getitem__(self, name):
        return getattr(self, name)

    def hidden_tag(self):
        """The hidden fields of the fresh form: CSRF token, a new nonce, the notice version shown."""
        csrf = self.csrf if self.csrf is not None else csrf_input()
        return csrf + Markup('<input type="hidden" name="nonce" value="%s">'
                             '<input type="hidden" name="notice" value="%s">') % (self.next_nonce, self.notice_shown)
