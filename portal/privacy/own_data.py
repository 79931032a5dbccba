"""What the portal keeps about an account holder: the account, its wards and venues, its own
audit trail, and how many other records name it (counts only, never their contents).

Every function takes the user whose data it reads; the routes pass only the logged-in user, so
no one reaches another account's data here.
"""
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ..audit.download import MAX_ROWS
from ..audit.labels import action_label, role_label
from ..audit.models import AuditEntry
from ..auth.models import UserWard, VenueStaff
from ..divisions.models import Division
from ..extensions import db
from ..text import display_phone
from ..venues.models import Venue
from .services import references_to

#: Entries of the audit trail the page shows; the download holds up to MAX_ROWS.
PAGE_ENTRIES = 50
AUDIT_LIMIT = MAX_ROWS

#: Tables pointing at accounts that have a section of their own (or hold nothing of the person).
OWN_SECTIONS = {"audit_entries", "user_wards", "venue_staff", "venues"}

#: What a row of another table naming the account is, by (table, column).
RECORD_LABELS = {
    ("cases", "created_by_id"): _l("Cases you opened"),
    ("exposures", "created_by_id"): _l("Exposure windows you marked"),
    ("passes", "issued_by_id"): _l("Pass cards you issued"),
    ("scans", "user_id"): _l("Passes you scanned"),
    ("follow_ups", "official_id"): _l("Follow-ups you recorded"),
    ("establishments", "matched_by_id"): _l("Establishments you matched to a venue"),
    ("match_proposals", "decided_by_id"): _l("Match proposals you decided"),
    ("registry_imports", "official_id"): _l("Registry imports you made"),
    ("registry_checks", "official_id"): _l("Registry files you checked"),
    ("zone_levels", "set_by_id"): _l("Zone levels you set"),
    ("data_requests", "received_by_id"): _l("Data requests you received in person"),
    ("data_requests", "done_by_id"): _l("Data requests you completed"),
}


def account_fields(user):
    """(label, value) of the account itself; the password is kept only as a salted hash."""
    return [
        (_("Full name"), user.full_name),
        (_("Phone number"), display_phone(user.phone)),
        (_("Email"), user.email or ""),
        (_("Role"), role_label(user.role)),
        (_("Status"), _("Active") if user.active else _("Deactivated")),
        (_("Created"), user.created_at),
        (_("Password"), _("kept only as a salted hash, never readable")),
        (_("Wrong passwords since the last login"), user.failed_logins or 0),
        (_("Login paused until"), user.login_blocked_until),
    ]


def wards_of(user):
    """The wards the account is responsible for, by name."""
    return db.session.scalars(
        select(Division).join(UserWard, UserWard.division_code == Division.code)
        .where(UserWard.user_id == user.id).order_by(Division.name_sort)
    ).all()


def venues_of(user):
    """(venue, how the account is attached: 'owner' or 'staff'), owned venues first."""
    owned = db.session.scalars(
        select(Venue).where(Venue.owner_id == user.id).order_by(Venue.name_sort)).all()
    staffed = db.session.scalars(
        select(Venue).join(VenueStaff, VenueStaff.venue_id == Venue.id)
        .where(VenueStaff.user_id == user.id).order_by(Venue.name_sort)).all()
    return [(v, "owner") for v in owned] + [(v, "staff") for v in staffed]


def venue_relation(relation):
    """How an account is attached to a venue, in words."""
    return _("owner") if relation == "owner" else _("staff or checkpoint officer")


def audit_trail(user, limit):
    """(entries, total): the newest `limit` audit entries in which the account is the actor."""
    mine = AuditEntry.actor_id == user.id
    total = db.session.scalar(select(func.count()).select_from(AuditEntry).where(mine))
    entries = db.session.scalars(
        select(AuditEntry).options(joinedload(AuditEntry.case)).where(mine)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    ).all()
    return entries, total


def records_naming(user):
    """(label, count) of the other records that name the account, those with any rows only.

    Every table pointing at accounts counts, so a new feature's records show without a change here.
    """
    found = []
    for table, column in references_to("users"):
        if table.name in OWN_SECTIONS:
            continue
        count = db.session.scalar(select(func.count()).select_from(table).where(column == user.id))
        if count:
            label = RECORD_LABELS.get((table.name, column.name))
            found.append((str(label) if label is not None else f"{table.name}.{column.name}", count))
    return found


def sections_for(user):
    """Everything kept about the account as (key, title, header, rows), for the downloads."""
    entries, _total = audit_trail(user, AUDIT_LIMIT)
    return [
        ("account", _("Your account"), [_("Field"), _("Value")], [list(f) for f in account_fields(user)]),
        ("wards", _("Your wards"), [_("Ward code"), _("Ward")], [[w.code, w.name] for w in wards_of(user)]),
        ("venues", _("Your venues"), [_("Short code"), _("Venue"), _("You are")],
         [[v.short_code, v.name, venue_relation(r)] for v, r in venues_of(user)]),
        ("audit", _("Your audit trail"), [_("When"), _("Action"), _("Case"), _("What was asked"), _("Rows")],
         [[e.at, action_label(e.action), e.case.reference if e.case else "", e.query, e.row_count]
          for e in entries]),
        ("records", _("Other records naming your account"), [_("Records"), _("Count")],
         [list(r) for r in records_naming(user)]),
    ]
