"""Small factory functions for test data; every one flushes and commits."""
import itertools

from sqlalchemy import select

from portal.auth.services import create_user
from portal.divisions.models import Division
from portal.extensions import db
from portal.venues.services import register_venue

PASSWORD = "correct horse battery"
_phones = itertools.count(1)


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
