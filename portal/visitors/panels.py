"""What other features add to visitors' pages through the hooks in app.extensions.

`visitor_notices`: callables (visitor_ids, now) -> list[Markup], e.g. exposure warnings;
`me_panels`: callables (visitor, now) -> Markup, e.g. the personal pass.
A failing provider is logged and skipped, so a check-in page never fails because of it.
"""
import logging

from flask import current_app

log = logging.getLogger(__name__)


def _safely(provider, *args):
    try:
        return provider(*args)
    except Exception as exc:  # noqa: BLE001 - a panel must never stop a check-in
        log.error("visitor panel %s failed: %s", getattr(provider, "__name__", provider), type(exc).__name__)
        return None


def notices_for(visitor_ids, now):
    """Every notice the providers have for these people."""
    found = []
    for provider in current_app.extensions.get("visitor_notices", []):
        found.extend(_safely(provider, list(visitor_ids), now) or ())
    return found


def me_panels(visitor, now):
    """The panels other features show on /me."""
    panels = []
    for provider in current_app.extensions.get("me_panels", []):
        panel = _safely(provider, visitor, now)
        if panel:
            panels.append(panel)
    return panels
