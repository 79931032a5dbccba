"""Tracer operations: each one does its work and writes its own audit entry, in one transaction.

Routes and the CLI call these and nothing else to touch visitors' personal data, so no caller can
look someone up, list visits, trace or export contacts, or mark an exposure without the audit
entry: it is written here, after the work and before the caller commits. Each function takes
explicit arguments (actor, case, parameters, now, settings) and flushes; the caller commits once.
"""
from datetime import date, datetime
from typing import NamedTuple

from .. import signals
from ..audit.services import record
from . import export
from .contacts import contact_count, find_contacts
from .exposures import create_exposure
from .services import (attach_person, create_case, default_window, find_person, person_visits, retention_cutoff,
                       same_person_ids, window_bounds)


class Settings(NamedTuple):
    """The configuration a tracer operation depends on."""

    retention_days: int
    tz_name: str
    trace_days: int
    contact_minutes: int


def settings_from(config):
    """The tracing settings of an app's config."""
    return Settings(config["PORTAL_RETENTION_DAYS"], config["PORTAL_TIMEZONE"], config["PORTAL_TRACE_DAYS"],
                    config["PORTAL_CONTACT_MINUTES"])


class Window(NamedTuple):
    """Whole local days date_from..date_to, their UTC bounds [start, end), and the contact rule."""

    date_from: date
    date_to: date
    start: datetime
    end: datetime
    rule: str
    minutes: int


def default_days(now, settings):
    """(date_from, date_to) of the usual trace window, today included."""
    return default_window(now, settings.trace_days, settings.tz_name)


def make_window(date_from, date_to, *, now, settings, rule="overlap", minutes=None):
    """A checked Window; TracingError when the dates are wrong (nothing is audited then)."""
    start, end = window_bounds(date_from, date_to, now=now, retention_days=settings.retention_days,
                               tz_name=settings.tz_name)
    return Window(date_from, date_to, start, end, rule, minutes or settings.contact_minutes)


def window_params(window, with_rule=True):
    """The audit parameters of a window (no personal data)."""
    params = {"from": window.date_from.isoformat(), "to": window.date_to.isoformat()}
    if with_rule:
        params.update(rule=window.rule, minutes=window.minutes if window.rule == "overlap" else None)
    return params


def open_case(actor, reference, purpose, *, now):
    """Open a case (TracingError when the reference or purpose is refused) and audit it."""
    case = create_case(actor, reference, purpose, now)
    record(actor, case, "case", {}, 0, now)
    return case


def look_up_person(actor, case, by, value, *, now, settings):
    """The person with this phone (`by="phone"`) or ID number, attached to the case, or None.

    Audited whether or not someone is found; ValueError for a malformed value (nothing audited).
    """
    if by not in ("phone", "id_number"):
        raise ValueError(f"unknown look-up {by}")
    person = find_person(cutoff=retention_cutoff(now, settings.retention_days), **{by: value})
    record(actor, case, "lookup", {"by": by}, 1 if person else 0, now)
    if person is not None:
        attach_person(case, person)
    return person


def _profiles(case):
    if case.visitor is None:
        raise ValueError("the case has no person yet")
    return same_person_ids(case.visitor)


def list_visits(actor, case, window, *, now):
    """(visits, profile ids, events) of the case's person in the window, oldest first (audited).

    `events` are what the `person_events` receivers report that is not a stay (checkpoint
    crossings): shown beside the visits, never used for contacts. The audit entry counts both;
    `signals.Incomplete` when a receiver fails (nothing is audited then).
    """
    profiles = _profiles(case)
    rows = person_visits(profiles, window.start, window.end)
    events = sorted((event for found in signals.every_answer(signals.person_events, visitor_ids=list(profiles),
                                                             start=window.start, end=window.end)
                     for event in found), key=lambda event: event.at)
    record(actor, case, "visits", {**window_params(window, with_rule=False), "events": len(events)},
           len(rows) + len(events), now)
    return rows, profiles, events


def _contacts(case, window, now, settings):
    """The one contacts pipeline: the person's visits in the window, then who overlapped them."""
    profiles = _profiles(case)
    return find_contacts(person_visits(profiles, window.start, window.end), rule=window.rule,
                         minutes=window.minutes, cutoff=retention_cutoff(now, settings.retention_days), now=now,
                         exclude_visitor_ids=profiles)


def trace_contacts(actor, case, window, *, now, settings):
    """The case's contacts grouped by venue (audited with the number of contact visits)."""
    groups = _contacts(case, window, now, settings)
    record(actor, case, "contacts", window_params(window), contact_count(groups)[0], now)
    return groups


def export_contacts(actor, case, window, kind, *, now, settings, title, via=None):
    """(body, mimetype, groups) of the case's contacts as CSV or XLSX (audited with the row count)."""
    groups = _contacts(case, window, now, settings)
    body, mimetype, count = export.render(kind, groups, settings.tz_name, title)
    record(actor, case, "export", {**window_params(window), "format": kind, "via": via}, count, now)
    return body, mimetype, groups


def mark_exposure(actor, case, venue, starts_at, ends_at, advice, *, now, settings):
    """Mark an exposure window (UTC bounds) and warn who overlapped it (TracingError when refused)."""
    exposure = create_exposure(actor, case, venue, starts_at, ends_at, advice, now=now,
                               retention_days=settings.retention_days)
    record(actor, case, "exposure", {
        "venue": venue.short_code, "from": f"{starts_at:%Y-%m-%dT%H:%MZ}", "to": f"{ends_at:%Y-%m-%dT%H:%MZ}",
        "advice": exposure.advice}, exposure.warned_count, now)
    return exposure
