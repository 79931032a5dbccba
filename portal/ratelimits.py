"""Counting against a limit such as "30 per minute;600 per hour" in Flask-Limiter's storage
(Redis when configured, memory otherwise, the in-memory fallback while Redis is down), for the
callers that count themselves instead of decorating a view: the visitor's check-in requests
(one evaluation covering device and IP) and first-time registrations."""
import logging
import time
from functools import lru_cache

from flask import current_app
from limits import parse_many

from .extensions import limiter

log = logging.getLogger(__name__)


@lru_cache(maxsize=32)
def parse_limits(text):
    """The limits of a setting such as "60 per minute;600 per hour"; ValueError when malformed."""
    items = tuple(parse_many(str(text or "")))
    if not items:
        raise ValueError(f"no limit in {text!r}")
    return items


def counting():
    """Whether limits are counted in this app (RATELIMIT_ENABLED, off in most tests)."""
    return limiter.enabled and limiter.initialized and current_app.config.get("RATELIMIT_ENABLED", True)


def take(counters):
    """Count one hit on each (setting name, client key, scope) of `counters`; None when every
    limit allows it, else the seconds to wait. A storage fault counts as allowed (logged), like
    RATELIMIT_SWALLOW_ERRORS: a broken counter never stops a check-in."""
    for attempt in (1, 2):
        try:
            return _take(counters)
        except Exception as exc:  # noqa: BLE001 - see the docstring
            failure = type(exc).__name__
        # Redis unreachable: count in this process's memory, as Flask-Limiter's own evaluation
        # does (it checks now and then whether the storage is back, and switches back then).
        if attempt == 1 and getattr(limiter, "_in_memory_fallback_enabled", False) and not limiter._storage_dead:
            log.warning("rate limit storage unreachable (%s): counting in memory meanwhile", failure)
            limiter._storage_dead = True
            continue
        break
    log.warning("rate limit not counted: %s", failure)
    return None


#: How often a process counting in memory asks whether the storage is back (seconds).
PROBE_SECONDS = 5
_next_probe = [0.0]


def _recovered():
    """While counting in memory, ask the storage now and then whether it is back (as Flask-Limiter
    does in its own evaluation, which the visitor's pages skip)."""
    if not limiter._storage_dead or time.monotonic() < _next_probe[0]:
        return
    _next_probe[0] = time.monotonic() + PROBE_SECONDS
    storage = getattr(limiter, "_storage", None)
    if storage is not None and storage.check():
        log.info("rate limit storage recovered")
        limiter._storage_dead = False


def _take(counters):
    _recovered()
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    strategy = limiter.limiter  # the in-memory fallback while the storage is down
    for setting, client_key, scope in counters:
        identifiers = [prefix, client_key, scope] if prefix else [client_key, scope]
        for item in parse_limits(current_app.config[setting]):
            if not strategy.hit(item, *identifiers):
                reset_at, _remaining = strategy.get_window_stats(item, *identifiers)
                return max(1, int(reset_at - time.time()) + 1)
    return None
