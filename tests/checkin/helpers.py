"""Helpers for visitor-page tests: read forms, register a person, tap the buttons."""
import re

from sqlalchemy import func, select

from portal.checkin.models import Visit
from portal.extensions import db
from portal.visitors.device import COOKIE

NAME = "Nguyễn Văn An"
PHONE = "0912 345 678"


def hidden_fields(html, action=None):
    """The hidden inputs of the first form (or the form posting to `action`)."""
    forms = re.findall(r'<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>', html, re.S)
    for form_action, body in forms:
        if action is None or form_action == action:
            return dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', body)
                        + re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"', body))
    raise AssertionError(f"no form posting to {action}")


def form_actions(html):
    return re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', html)


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
