"""Shared helpers for pass and scanner tests: people, passes, staff accounts."""
import re

from portal.extensions import db
from portal.models_base import utcnow
from portal.passes.services import issue_pass
from portal.visitors.services import register_visitor, remember_device

from ..factories import next_phone


def person(name="Nguyễn Văn An", phone=None, birth_year=1980, device_token=None):
    """A visitor (with a remembered device when `device_token` is given), committed."""
    visitor = register_visitor(name, "+84" + (phone or next_phone())[1:], birth_year, utcnow())
    if device_token:
        remember_device(visitor, device_token, utcnow())
    db.session.commit()
    return visitor


def with_pass(visitor, now=None):
    """Issue a pass for a visitor and commit; returns the pass number."""
    card = issue_pass(visitor, now or utcnow())
    db.session.commit()
    return card.token


def staff_at(make, venue, role="staff"):
    """A staff (or checkpoint) account assigned to a venue."""
    from portal.auth.models import VenueStaff

    user = make.user(role=role, name="Lê Thị Bảo Vệ")
    db.session.add(VenueStaff(user_id=user.id, venue_id=venue.id))
    db.session.commit()
    return user


def hidden(html, name):
    """The value of a hidden input in a page."""
    found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    return found and found.group(1)


DEVICE_TOKEN = "d" * 43
