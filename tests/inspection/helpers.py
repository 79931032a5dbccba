"""Inspection test helpers: inspectors with a scope, and a browser logged in as someone."""
from portal.extensions import db
from portal.inspection.scopes import set_scope

from ..factories import PASSWORD

BASE = "https://vaora.example.vn"  # tests/conftest.py PORTAL_BASE_URL


def inspector(make, app, categories, wards, department="trade", name="Thanh Tra Viên Sở Công Thương"):
    """An inspector account of `department` covering these categories in these wards."""
    user = make.user(role="inspector", name=name)
    set_scope(user, department, categories, [getattr(w, "code", w) for w in wards], app.config["PORTAL_PROVINCE"])
    db.session.commit()
    return user


def signed_in(app, user):
    """A separate English browser logged in as `user`."""
    browser = app.test_client()
    browser.set_cookie("lang", "en")
    response = browser.post("/auth/login", data={"phone": user.phone, "password": PASSWORD})
    assert response.status_code == 302
    return browser
