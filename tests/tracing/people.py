"""Test people and visits for tracing: encrypted visitors and visits made by the check-in rules."""
from datetime import timedelta

from portal.checkin.services import check_in, check_out
from portal.crypto import lookup_hash
from portal.extensions import db
from portal.models_base import utcnow
from portal.text import normalise_phone
from portal.tracing.services import normalise_id_number
from portal.visitors.models import Visitor

from ..factories import next_phone


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
