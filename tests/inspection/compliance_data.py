"""Seeded venues for the compliance tests, at a fixed clock."""
from datetime import date, datetime, timedelta, timezone

from portal.extensions import db
from portal.inspection.compliance import Thresholds
from portal.inspection.models import Inspection

from ..factories import establishment, next_phone, visit, visitor

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)  # 10:00 in Hồ Chí Minh City
TODAY = date(2026, 11, 20)
RULES = Thresholds(scan_days=7, checkout_percent=50, checkout_visits=4, inspection_days=365, certificate_days=90)


def inspect(venue, inspector, result, at=NOW - timedelta(days=3), fix_by=None, note=None, **checklist):
    """A recorded inspection of `venue` (every checklist answer yes unless given)."""
    answers = dict(poster_every_entrance=True, staff_remind=True, people_scanning=True, assisted_way=True)
    answers.update(checklist)
    row = Inspection(venue_id=venue.id, inspector_id=inspector.id, inspected_at=at, result=result, fix_by=fix_by,
                     note=note, **answers)
    db.session.add(row)
    db.session.commit()
    return row


def scans(venue, checked_out, forgot, at=NOW - timedelta(days=1)):
    """Finished visits at `venue`: `checked_out` by the visitor, `forgot` closed automatically."""
    person = visitor(phone="+84" + next_phone()[1:])
    for n in range(checked_out):
        visit(venue, person, at - timedelta(minutes=90 * n), out_after=timedelta(minutes=30), out_method="self")
    for n in range(forgot):
        visit(venue, person, at - timedelta(minutes=90 * n + 45), out_after=timedelta(minutes=60),
              out_method="auto")


def good_venue(make, ward, inspector, name="Chợ An Phú", category="market", **kw):
    """A venue meeting every condition: matched, inspected (meets), scanned in and out."""
    venue = make.venue(name=name, category=category, ward_code=ward.code, **kw)
    establishment(ward, name=name, venue=venue, category=category)
    inspect(venue, inspector, "meets")
    scans(venue, checked_out=4, forgot=1)
    return venue
