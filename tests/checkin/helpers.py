"""Helpers for visitor-page tests: read forms, register a person, tap the buttons."""

from sqlalchemy import func, select

from portal.checkin.models import Visit
from portal.extensions import db
from portal.visitors.device import COOKIE

from ..html import hidden_fields

NAME = "Nguyễn Văn An"
PHONE = "0912 345 678"


def venue_url(venue):
    return f"/v/{venue.token}"


def register(client, venue, name=NAME, phone=PHONE, year="1985", **extra):
    """Open the venue page as a new browser and submit the first-time form."""
    url = venue_url(venue)
    html = client.get(url).get_data(as_text=True)
    data = hidden_fields(html, url)
    data.update(full_name=name, phone=phone, birth_year=year, **extra)
    return client.post(url, data=data)


def tap_check_in(client, venue, dependents=()):
    """Open the venue page as a remembered browser and tap 'Check in as …'."""
    url = venue_url(venue)
    html = client.get(url).get_data(as_text=True)
    data = hidden_fields(html, url)
    data["dependents"] = list(dependents)
    return client.post(url, data=data)


def device_cookie(client):
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def count_visits(**where):
    query = select(func.count(Visit.id))
    for name, value in where.items():
        query = query.where(getattr(Visit, name) == value)
    return db.session.scalar(query)


def visits(**where):
    query = select(Visit).order_by(Visit.id)
    for name, value in where.items():
        query = query.where(getattr(Visit, name) == value)
    return list(db.session.scalars(query))


def visits_of(visitor):
    """A visitor's visits (given the Visitor or its id), oldest first."""
    return visits(visitor_id=getattr(visitor, "id", visitor))


def post_writes():
    """The writes of a one-tap check-in POST: the close of the visit before and the insert, one
    statement on PostgreSQL (data-modifying WITHs), two on SQLite."""
    return ["WITH"] if db.engine.dialect.name == "postgresql" else ["UPDATE", "INSERT"]
