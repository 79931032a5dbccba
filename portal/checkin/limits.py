"""The visitor's request limits, per device and per IP address, in one evaluation per request.

Check-in and check-out POSTs share one pair of counters (PORTAL_CHECKIN_LIMIT per device,
PORTAL_CHECKIN_IP_LIMIT per address); looking a venue up by its typed short code has its own
(PORTAL_LOOKUP_LIMIT for each), so guessing codes is slowed down while opening a poster's link
is not. A request past a limit gets the friendly 429 page and nothing is saved.
"""
from typing import NamedTuple

from flask import abort, request

from ..ratelimits import counting, take
from ..visitors import device


class Limit(NamedTuple):
    method: str
    device_setting: str
    ip_setting: str
    scope: str


CHECKIN = Limit("POST", "PORTAL_CHECKIN_LIMIT", "PORTAL_CHECKIN_IP_LIMIT", "checkin")
LOOKUP = Limit("GET", "PORTAL_LOOKUP_LIMIT", "PORTAL_LOOKUP_LIMIT", "lookup")


def take_limits(*limits):
    """Count this request against those of `limits` that apply to its method; 429 past one."""
    applying = [limit for limit in limits if limit.method == request.method]
    if not applying or not counting():
        return
    device_key, ip_key = device.rate_limit_key(), device.ip_key()
    counters = []
    for limit in applying:
        counters += [(limit.device_setting, device_key, limit.scope + "-device"),
                     (limit.ip_setting, ip_key, limit.scope + "-ip")]
    if take(counters) is not None:
        abort(429)
