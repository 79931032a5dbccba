"""The device cookie that remembers a visitor on this browser, and the CSRF check bound to it.

Visitor pages never touch the Flask session: the form's CSRF token is an HMAC of the device
cookie under SECRET_KEY (a signed double-submit cookie). Another site can neither read the
HttpOnly cookie nor compute the token, and SameSite=Lax keeps the cookie off its POSTs.
"""
import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app, g, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError

from ..crypto import plain_hash

COOKIE = "vr_device"
MAX_AGE = 400 * 24 * 3600  # the longest lifetime browsers accept
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token():
    """A random device token (256 bits)."""
    return secrets.token_urlsafe(32)


def _mac(purpose, *parts):
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    message = "|".join((purpose, *parts)).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).digest()


def presented_token():
    """The well-formed device token this browser sent, or None (a malformed one is ignored)."""
    raw = request.cookies.get(COOKIE, "")
    return raw if _TOKEN.fullmatch(raw) else None


def presented_hash():
    """The stored form of the device token this browser sent (how `devices` keeps it), or None."""
    token = presented_token()
    return plain_hash(token) if token else None


def cookie_token():
    """This browser's device token; a fresh one, set on the response, when it has none."""
    if "device_token" not in g:
        token = presented_token()
        if token is None:
            token = new_token()
            g.device_cookie_out = token
        g.device_token = token
    return g.device_token


def derived_token(token, nonce):
    """The token a browser gets when it registers a person with a form nonce.

    Derived, not random, so a retried registration (the first answer lost on a slow network)
    gives the same browser the same token; only the server can compute it.
    """
    return base64.urlsafe_b64encode(_mac("device", token, nonce)).decode("ascii").rstrip("=")


def remember(token):
    """Send this device token to the browser with the response."""
    g.device_token = token
    g.device_cookie_out = token


def forget():
    """Remove the device cookie with the response."""
    g.device_cookie_out = ""


def write_cookie(response):
    """after_request: set or delete the device cookie when the request changed it."""
    # Visitor pages carry a name and a form token: never cache them in shared caches.
    response.headers["Cache-Control"] = "private, no-store"
    token = g.pop("device_cookie_out", None)
    if token is None:
        return response
    secure = current_app.config.get("SESSION_COOKIE_SECURE", False)
    if token:
        response.set_cookie(
            COOKIE, token, max_age=MAX_AGE, httponly=True, samesite="Lax", secure=secure, path="/"
        )
    else:
        response.delete_cookie(COOKIE, httponly=True, samesite="Lax", secure=secure, path="/")
    return response


def rate_limit_key():
    """Rate-limit key for this browser: its device token's hash, else its IP address."""
    token = presented_token()
    if token is not None:
        return "device:" + plain_hash(token)
    return "ip:" + (request.remote_addr or "unknown")


def ip_key():
    """Rate-limit key for the client's IP address."""
    return "ip:" + (request.remote_addr or "unknown")


def csrf_token_for(token):
    """The CSRF token of forms shown to the browser holding this device token."""
    return base64.urlsafe_b64encode(_mac("csrf", plain_hash(token))).decode("ascii").rstrip("=")


class DeviceCSRF(CSRF):
    """WTForms CSRF bound to the device cookie instead of the session."""

    def setup_form(self, form):
        self.device_token = form.meta.csrf_context
        return super().setup_form(form)

    def generate_csrf_token(self, csrf_token_field):
        return csrf_token_for(self.device_token)

    def validate_csrf_token(self, form, field):
        expected = csrf_token_for(self.device_token)
        if not field.data or not hmac.compare_digest(str(field.data), expected):
            raise ValidationError(_l("The form expired. Please submit it again."))


class DeviceForm(FlaskForm):
    """A visitor form: CSRF from the device cookie, so the session is never written."""

    class Meta:
        csrf_class = DeviceCSRF

        @property
        def csrf_context(self):
            return cookie_token()
