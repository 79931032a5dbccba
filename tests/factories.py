"""The one set of test-data factories: accounts, venues, visitors, visits and establishments.

Every one commits. Two kinds of visitor: `People` and `visitor()` write rows straight to the
database (a chosen creation time, no rules applied); `person()` registers through the visitor
service, as the check-in page does.
"""
import itertools
from datetime import timedelta

from sqlalchemy import select

from portal.auth.services import create_user
from portal.checkin.models import Visit
from portal.checkin.services import check_in, check_out, new_ref
from portal.clock import utcnow
from portal.crypto import lookup_hash
from portal.divisions.models import Division
from portal.extensions import db
from portal.registry.models import Establishment
from portal.text import normalise_phone
from portal.tracing.services import normalise_id_number
from portal.venues.services import register_venue
from portal.visitors.models import Visitor
from portal.visitors.services import register_visitor, remember_device

PASSWORD = "correct horse battery"
_phones = itertools.count(1)
_numbers = itertools.count(1)


def next_phone():
    """A fresh valid Vietnamese mobile number."""
    return f"0912{next(_phones):06d}"


class Factories:
    def __init__(self, app):
        self.app = app

    def wards(self, n=2):
        """The first n loaded wards of the portal's province."""
        province = str(self.app.config["PORTAL_PROVINCE"])
        return list(db.session.scalars(
            select(Division).where(Division.province_code == province)
            .order_by(Division.code).limit(n)
        ))

    def user(self, role="owner", phone=None, wards=(), name="Người Dùng Thử"):
        user = create_user(
            role=role, full_name=name, phone=phone or next_phone(), password=PASSWORD,
            ward_codes=[w.code if hasattr(w, "code") else w for w in wards],
        )
        db.session.commit()
        return user

    def owner(self, **kw):
        return self.user(role="owner", **kw)

    def venue(self, owner=None, **kw):
        # Only a province administrator registers a traffic checkpoint.
        owner = owner or (self.user(role="province_admin") if kw.get("category") == "checkpoint" else self.owner())
        values = dict(
            name="Quán Phở Hương Việt", category="restaurant", registration_number=None,
            address="12 Đường Lê Lợi", ward_code=self.wards(1)[0].code,
            contact_phone=owner.phone, default_stay_minutes=60,
        )
        values.update(kw)
        venue = register_venue(owner, values, self.app.config["PORTAL_PROVINCE"])
        db.session.commit()
        return venue


def staff_at(make, venue, role="staff"):
    """A staff (or checkpoint) account assigned to a venue."""
    from portal.auth.models import VenueStaff

    user = make.user(role=role, name="Lê Thị Bảo Vệ")
    db.session.add(VenueStaff(user_id=user.id, venue_id=venue.id))
    db.session.commit()
    return user


def minute_now():
    """Now, rounded down to the minute (times in tests stay exact)."""
    return utcnow().replace(second=0, microsecond=0)


class People:
    """person(), dependent() and visit() for a test; every call commits."""

    def __init__(self):
        self.now = minute_now()

    def person(self, name="Lê Văn Khách", phone=None, birth_year=1985, id_number=None, created=None):
        phone = normalise_phone(phone or next_phone())
        visitor = Visitor(
            full_name=name, phone=phone, phone_hash=lookup_hash(phone), birth_year=birth_year,
            id_number=normalise_id_number(id_number) if id_number else None,
            id_number_hash=lookup_hash(normalise_id_number(id_number)) if id_number else None,
            created_at=created or self.now - timedelta(days=40), last_seen_at=created or self.now,
        )
        db.session.add(visitor)
        db.session.commit()
        return visitor

    def dependent(self, lead, name="Lê Bé Con", birth_year=2015):
        visitor = Visitor(full_name=name, lead_id=lead.id, birth_year=birth_year,
                          created_at=self.now - timedelta(days=40), last_seen_at=self.now)
        db.session.add(visitor)
        db.session.commit()
        return visitor

    def visit(self, person, venue, start, end=None, dependents=(), method="self"):
        """A visit from `start`; checked out at `end` (auto-closed if past the default stay)."""
        visit = check_in(person, venue, start, method=method, dependents=dependents)
        if end is not None:
            check_out(visit, end)
        db.session.commit()
        return visit


def person(name="Nguyễn Văn An", phone=None, birth_year=1980, device_token=None):
    """A visitor (with a remembered device when `device_token` is given), committed."""
    visitor = register_visitor(name, "+84" + (phone or next_phone())[1:], birth_year, utcnow())
    if device_token:
        remember_device(visitor, device_token, utcnow())
    db.session.commit()
    return visitor


def reg_number():
    """A fresh 10-digit registration number."""
    return f"37{next(_numbers):08d}"


def establishment(ward, name="Cửa hàng Tạp hoá Minh An", address="5 Đường Số 3", category="shop",
                  venue=None, number=None, status="listed", when=None):
    """An establishment row, committed."""
    when = when or utcnow() - timedelta(days=30)
    est = Establishment(
        registration_number=number or reg_number(), name=name, address=address,
        ward_code=getattr(ward, "code", ward), category=category, status=status,
        venue_id=venue.id if venue else None, matched_at=when if venue else None,
        imported_at=when, updated_at=when,
    )
    db.session.add(est)
    db.session.commit()
    return est


def visitor(name="Nguyễn Văn Khách", phone="+84912999888"):
    """A bare visitor row (a name and a phone, no hashes), committed."""
    row = Visitor(full_name=name, phone=phone)
    db.session.add(row)
    db.session.commit()
    return row


def visit(venue, person, at, out_after=None, out_method=None):
    """A visit row at `at` (no check-in rules applied); closed `out_after` later with `out_method` (self/staff/auto/moved) if given."""
    row = Visit(
        ref=new_ref(), visitor_id=person.id, venue_id=venue.id, checked_in_at=at,
        due_out_at=at + timedelta(minutes=venue.default_stay_minutes), in_method="self",
        checked_out_at=at + out_after if out_after is not None else None, out_method=out_method,
    )
    db.session.add(row)
    db.session.commit()
    return row
