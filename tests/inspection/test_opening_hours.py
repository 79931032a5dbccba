"""An owner may set opening hours on their venue (the suspicious-hours rule reads them)."""
import pytest

from portal.extensions import db

from ..venues.data import venue_form
from .helpers import signed_in


@pytest.fixture
def owned(make):
    owner = make.owner()
    return owner, make.venue(owner=owner, name="Quán Giờ Mở")


def edit(app, owner, venue, **fields):
    ward = venue.ward
    return signed_in(app, owner).post(f"/venues/{venue.short_code}/edit", data=venue_form(ward, **fields))


@pytest.mark.parametrize("opens,closes,saved", [
    ("07:00", "22:00", ("07:00", "22:00")),
    ("7h30", "2:05", ("07:30", "02:05")),  # closing after midnight
    ("", "", (None, None)),
])
def test_opening_hours_are_saved(app, owned, opens, closes, saved):
    owner, venue = owned
    response = edit(app, owner, venue, opens_at=opens, closes_at=closes)
    assert response.status_code == 302
    db.session.expire_all()
    assert (venue.opens_at, venue.closes_at) == saved


@pytest.mark.parametrize("opens,closes,message", [
    ("07:00", "", "Enter both the opening and the closing time"),
    ("", "22:00", "Enter both the opening and the closing time"),
    ("25:00", "22:00", "Enter a time such as 07:00."),
    ("07:00", "ten", "Enter a time such as 22:00."),
    ("08:00", "08:00", "The closing time must differ"),
])
def test_bad_opening_hours_are_refused_and_nothing_saved(app, owned, opens, closes, message):
    owner, venue = owned
    response = edit(app, owner, venue, opens_at=opens, closes_at=closes, name="Tên Mới")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (venue.name, venue.opens_at, venue.closes_at) == ("Quán Giờ Mở", None, None)


def test_the_form_shows_the_hours(app, owned):
    owner, venue = owned
    venue.opens_at, venue.closes_at = "06:30", "21:00"
    db.session.commit()
    html = signed_in(app, owner).get(f"/venues/{venue.short_code}/edit").get_data(as_text=True)
    assert 'value="06:30"' in html and 'value="21:00"' in html and "Opens at (optional)" in html
