"""The compliance lists of a ward or of the province: filters, Vietnamese order, pages, export rows."""
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..divisions.models import Division
from ..extensions import db
from ..paging import page_count, page_slice
from ..venues.models import CATEGORIES, Venue
from .access import compliance_venues
from .compliance import STATES, compliance_of_venues


@dataclass
class ComplianceQuery:
    """What the official asked for; parse() drops unknown values instead of failing."""

    state: str = ""
    ward: str = ""
    category: str = ""
    page: int = 1

    @classmethod
    def parse(cls, args):
        """From request arguments; the ward is checked against the actor's scope by the caller."""
        try:
            page = min(max(int(args.get("page", 1)), 1), 100_000)
        except (TypeError, ValueError):
            page = 1
        ward = (args.get("ward") or "")[:10]
        return cls(state=args.get("state", "") if args.get("state", "") in STATES else "",
                   ward=ward if ward.isdigit() else "",
                   category=args.get("category", "") if args.get("category", "") in CATEGORIES else "",
                   page=page)

    def args(self, **changes):
        """URL arguments for this query with some changed (pages, downloads)."""
        values = dict(state=self.state, ward=self.ward, category=self.category,
                      page=self.page if self.page > 1 else None)
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


def scope_wards(ward_codes, province_code):
    """The wards of the actor's scope (None: the whole province), in Vietnamese order."""
    query = select(Division).where(Division.province_code == str(province_code)) \
        .order_by(Division.name_sort, Division.code)
    if ward_codes is not None:
        query = query.where(Division.code.in_(sorted(ward_codes)))
    return db.session.scalars(query).all()


def compliance_rows(actor, query, now, thresholds, province_code):
    """Every Compliance of the actor's venues in the ward and category asked (any state), in
    Vietnamese order of names."""
    venues_query = compliance_venues(actor, province_code).where(Venue.status != "closed")
    if query.ward:
        venues_query = venues_query.where(Venue.ward_code == query.ward)
    if query.category:
        venues_query = venues_query.where(Venue.category == query.category)
    venues = db.session.scalars(venues_query.order_by(Venue.name_sort, Venue.id)).unique().all()
    found = compliance_of_venues(venues, now, thresholds)
    return [found[v.id] for v in venues]


def in_state(rows, state):
    """The rows in this state ('' keeps them all)."""
    return [r for r in rows if r.state == state] if state else rows


def state_counts(rows):
    """{state: how many} over these rows, every state present."""
    counts = dict.fromkeys(STATES, 0)
    for row in rows:
        counts[row.state] += 1
    return counts


def ward_summary(rows, wards):
    """[(ward, {state: count}, total)] for the wards with venues, in the wards' order."""
    per_ward = {}
    for row in rows:
        per_ward.setdefault(row.venue.ward_code, []).append(row)
    return [(w, state_counts(per_ward[w.code]), len(per_ward[w.code])) for w in wards if w.code in per_ward]


def page_of(rows, page):
    """(the rows of this page, page count)."""
    pages = page_count(len(rows))
    return page_slice(rows, min(page, pages)), pages


def export_header():
    """Column titles of a compliance export."""
    return [_("Venue code"), _("Place name"), _("Address"), _("Ward"), _("Category"), _("Registration number"),
            _("State"), _("Reasons"), _("Last inspection"), _("Check-ins"), _("Checked out by the visitor")]


def export_rows(rows):
    """Rows of a compliance export: counts and reasons, never who visited."""
    states = {code: str(label) for code, label in STATES.items()}
    for row in rows:
        venue = row.venue
        yield [venue.short_code, venue.name, venue.address, venue.ward.name if venue.ward else venue.ward_code,
               str(CATEGORIES.get(venue.category, venue.category)),
               row.establishment.registration_number if row.establishment else "",
               states[row.state], "; ".join(row.texts()),
               row.inspection.inspected_at if row.inspection else None, row.checkins,
               row.share]
