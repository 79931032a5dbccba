"""How many first-time registrations (new visitor profiles) one IP address may make.

Counted in the rate-limit storage the check-in limits use (Flask-Limiter's `limiter`): exact
across processes and hosts with Redis, per process with the default `portal-memory://`. Only a
registration about to be saved is counted, never a page view, an invalid form or a remembered
visitor's one tap, so people checking in again are never held back by strangers on their network.
"""
import logging
import time
from functools import lru_cache

from flask import current_app
from limits import parse_many

from ..extensions import limiter

log = logging.getLogger(__name__)

SETTING = "PORTAL_REGISTRATION_IP_LIMIT"
SCOPE = "registration-ip"


@lru_cache(maxsize=8)
def parse_limits(text):
    """The limits of a setting such as "60 per minute;600 per hour"; ValueError when malformed."""
    items = tuple(parse_many(str(text or "")))
    if not items:
        raise ValueError(f"{SETTING}: no limit in {text!r}")
    return items


def check_setting(app):
    """Refuse to start with a malformed limit, instead of failing on someone's first check-in."""
    try:
        parse_limits(app.config[SETTING])
    except ValueError as exc:
        raise ValueError(f"{SETTING} is not a rate limit such as '60 per minute;600 per hour': {exc}") from exc


def take_registration(client_key):
    """Count one first-time registration for this client; None when allowed, else the seconds
    to wait (nothing counted past the limit that refused)."""
    if not (limiter.enabled and limiter.initialized and current_app.config.get("RATELIMIT_ENABLED", True)):
        return None
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    identifiers = [prefix, client_key, SCOPE] if prefix else [client_key, SCOPE]
    try:
        # The strategy in use: Redis when configured, the in-memory fallback while Redis is down.
        strategy = limiter.limiter
        for item in parse_limits(current_app.config[SETTING]):
            if not strategy.hit(item, *identifiers):
                reset_at, _remaining = strategy.get_window_stats(item, *identifiers)
                return max(1, int(reset_at - time.time()) + 1)
    except Exception as exc:  # noqa: BLE001 - like RATELIMIT_SWALLOW_ERRORS: a storage fault never stops a check-in
        log.warning("registration limit not counted: %s", type(exc).__name__)
    return None
