"""What the scanner pages share: who may scan, the lane cookie, a form's one-time key."""
import re
import secrets
from flask import current_app, request
from ...checkin.services import day_word
from ...clock import utcnow

SCANNER_ROLES = ("staff", "checkpoint", "owner")


FIGURES_ROLES = ("staff", "checkpoint", "owner", "province_admin", "ward_official")


DEVICE_COOKIE = "vaora_scanner"


_DEVICE = re.compile(r"^[0-9a-f]{12}$")


def scanner_device():
    """The scanning browser's lane id from its cookie (a new one when missing)."""
    device = request.cookies.get(DEVICE_COOKIE, "")
    return device if _DEVICE.match(device) else None


def with_device(response, device):
    """Give the browser its lane cookie when it has none (or another one)."""
    if request.cookies.get(DEVICE_COOKIE) != device:
        response.set_cookie(
            DEVICE_COOKIE, device, max_age=365 * 24 * 3600, path="/staff", httponly=True,
            samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def check_word(venue):
    """The venue's check word today: the word a visitor's confirmation of today shows."""
    config = current_app.config
    return day_word(config["SECRET_KEY"], venue, utcnow(), config["PORTAL_TIMEZONE"])


def fresh_form(form):
    """A form shown for a new submission, with its one-time key."""
    form.nonce.data = secrets.token_hex(16)
    return form
