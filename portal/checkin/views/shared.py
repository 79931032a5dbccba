"""What the visitor's pages share: rate limits, the timezone, a form's nonce, rendering before the commit."""
import secrets
from flask import current_app, redirect, render_template, url_for
from ...extensions import db, limiter
from ...visitors import device

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


def limited(*limits):
    """Apply several shared limits to a view."""
    def decorate(view):
        for limit in limits:
            view = limit(view)
        return view

    return decorate


def tz():
    """The portal's timezone name."""
    return current_app.config["PORTAL_TIMEZONE"]


def new_nonce():
    """A fresh idempotency key for a form."""
    return secrets.token_urlsafe(16)


def to_confirmation(ref):
    return redirect(url_for("checkin.confirmation", ref=ref), 303)


def render_then_commit(template, **context):
    """Render first, then commit the automatic check-outs applied while reading: committing
    earlier would expire the loaded objects and reload them while rendering."""
    html = render_template(template, **context)
    db.session.commit()
    return html
