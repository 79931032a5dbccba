"""The contacts of a case as spreadsheet rows (neutralised by portal.exports)."""
import re
from zoneinfo import ZoneInfo

from flask_babel import gettext as _

from ..exports import to_csv, to_xlsx
from ..text import display_phone


def _local(value, tz):
    return value.astimezone(tz).strftime("%d/%m/%Y %H:%M") if value else ""


def _estimated(contact):
    if contact.inside:
        return _("yes, still here when the list was made")
    return _("yes") if contact.estimated_end else _("no")


def contact_header():
    """Column titles in the user's language."""
    return [
        _("Venue"), _("Venue code"), _("Ward"), _("Case in"), _("Case out"), _("Name"), _("Phone"),
        _("Year of birth"), _("Checked in for by"), _("In"), _("Out"), _("Out time estimated"),
        _("Overlap (minutes)"), _("Household of the case"),
    ]


def contact_rows(groups, tz_name):
    """One row per contact visit, venue by venue."""
    tz = ZoneInfo(tz_name)
    for group in groups:
        venue = group.venue
        for c in group.contacts:
            phone = c.visitor.phone or (c.lead.phone if c.lead else None)
            yield [
                venue.name, venue.short_code, venue.ward.name if venue.ward else venue.ward_code,
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
    """(body, mimetype) of the contacts as CSV or XLSX."""
    rows = list(contact_rows(groups, tz_name))
    if kind == "csv":
        return to_csv(contact_header(), rows), "text/csv; charset=utf-8", len(rows)
    body = to_xlsx(contact_header(), rows, title=title)
    return body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", len(rows)
