"""The contacts of a case as spreadsheet rows (neutralised by portal.exports)."""
import re
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from ..exports import CONTENT_TYPES, export_body
from ..text import display_phone


def _local(value, tz):
    return value.astimezone(tz).strftime("%d/%m/%Y %H:%M") if value else ""


def _estimated(contact):
    if contact.inside:
        return _("yes, still here when the list was made")
    return _("yes") if contact.estimated_end else _("no")


def has_entrances(groups):
    """Whether any contact came in by one of a venue's entrances (not its main poster)."""
    return any(c.entrance for g in groups for c in g.contacts)


def contact_header(with_entrance=False):
    """Column titles in the user's language; "Entrance" after "Ward" when asked for."""
    return [
        _("Venue"), _("Venue code"), _("Ward"), *([_("Entrance")] if with_entrance else []),
        _("Case in"), _("Case out"), _("Name"), _("Phone"),
        _("Year of birth"), _("Checked in for by"), _("In"), _("Out"), _("Out time estimated"),
        _("Overlap (minutes)"), _("Household of the case"),
    ]


def contact_rows(groups, tz_name, with_entrance=False):
    """One row per contact visit, venue by venue (with the entrance each came in by, if asked)."""
    tz = ZoneInfo(tz_name)
    for group in groups:
        venue = group.venue
        for c in group.contacts:
            phone = c.visitor.phone or (c.lead.phone if c.lead else None)
            yield [
                venue.name, venue.short_code, venue.ward.name if venue.ward else venue.ward_code,
                *([c.entrance or ""] if with_entrance else []),
                _local(c.case_visit.checked_in_at, tz), _local(group.case_ends[c.case_visit.id].at, tz),
                c.visitor.full_name, display_phone(phone) if phone else "", c.visitor.birth_year,
                c.lead.full_name if c.lead else "", _local(c.visit.checked_in_at, tz), _local(c.ends_at, tz),
                _estimated(c), c.overlap_minutes,
                _("yes") if c.household else _("no"),
            ]


def safe_name(reference):
    """A file-name-safe form of a case reference."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", reference).strip("-")[:40] or "case"


def render(kind, groups, tz_name, title):
    """(body, mimetype) of the contacts as CSV or XLSX.

    The "Entrance" column is there only when some contact came in by a venue's entrance: the
    many places with one poster keep the columns they always had.
    """
    entrance = has_entrances(groups)
    rows = list(contact_rows(groups, tz_name, entrance))
    return export_body(kind, contact_header(entrance), rows, title), CONTENT_TYPES[kind], len(rows)
