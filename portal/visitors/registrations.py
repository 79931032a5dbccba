"""How many first-time registrations (new visitor profiles) one IP address may make.

Counted in the rate-limit storage the check-in limits use (Flask-Limiter's `limiter`): exact
across processes and hosts with Redis, per process with the default `portal-memory://`. Only a
registration about to be saved is counted, never a page view, an invalid form or a remembered
visitor's one tap, so people checking in again are never held back by strangers on their network.
"""
from ..ratelimits import counting, parse_limits as _parse, take

SETTING = "PORTAL_REGISTRATION_IP_LIMIT"
SCOPE = "registration-ip"


def parse_limits(text):
    """The limits of a setting such as "60 per minute;600 per hour"; ValueError when malformed."""
    try:
        return _parse(text)
    except ValueError as exc:
        raise ValueError(f"{SETTING}: {exc}") from None


def check_setting(app):
    """Refuse to start with a malformed limit, instead of failing on someone's first check-in."""
    try:
        parse_limits(app.config[SETTING])
    except ValueError as exc:
        raise ValueError(f"{SETTING} is not a rate limit such as '60 per minute;600 per hour': {exc}") from exc


def take_registration(client_key):
    """Count one first-time registration for this client; None when allowed, else the seconds
    to wait."""
    if not counting():
        return None
    return take([(SETTING, client_key, SCOPE)])
