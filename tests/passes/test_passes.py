"""Personal passes: issue, replace (the old one retires), the /me panel, print and PDF."""
import io
import re

import zxingcpp
from pypdf import PdfReader
from sqlalchemy import func, select, text

from portal import signals
from portal.crypto import plain_hash
from portal.extensions import db
from portal.clock import utcnow
from portal.passes.models import Pass
from portal.passes.routes import me_panel
from portal.passes.services import active_pass, find_pass, issue_pass
from portal.visitors.services import add_dependent

from ..html import check_page
from ..passes.helpers import with_pass
from ..factories import person

DEVICE = "p" * 43


def qr_values_in_pdf(body):
    """The texts of every QR code on every page of a PDF."""
    found = []
    for page in PdfReader(io.BytesIO(body)).pages:
        for image in page.images:
            found += [code.text for code in zxingcpp.read_barcodes(image.image)]
    return found


def test_a_pass_is_stored_hashed_and_encrypted(app):
    visitor = person()
    token = with_pass(visitor)
    token_hash, stored = db.session.execute(text("SELECT token_hash, token FROM passes")).one()
    assert token_hash == plain_hash(token) and token.encode() not in bytes(stored)
    assert find_pass(token).visitor_id == visitor.id and active_pass(visitor.id).token == token


def test_replacing_a_pass_retires_the_old_one(app):
    visitor = person()
    old = with_pass(visitor)
    new = with_pass(visitor)
    assert old != new
    assert find_pass(old).retired_at is not None and not find_pass(old).is_active
    assert find_pass(new).is_active and active_pass(visitor.id).token == new
    assert db.session.scalar(select(func.count(Pass.id)).where(Pass.retired_at.is_(None))) == 1


def test_the_me_panel_offers_a_pass_then_shows_it(client, app):
    visitor = person("Phan Thị Thu")
    with app.test_request_context("/me"):
        html = str(me_panel(visitor, utcnow()))
    assert 'action="/passes/mine/new"' in html and "<svg" not in html
    token = with_pass(visitor)
    with app.test_request_context("/me"):
        html = str(me_panel(visitor, utcnow()))
    assert "<svg" in html and " ".join(token[i:i + 4] for i in range(0, 40, 4)) in html
    assert 'href="/passes/mine/print"' in html and 'action="/passes/mine/replace"' in html
    assert me_panel in signals.me_panels.receivers_for(app)


def test_me_shows_the_pass_panel(client, app):
    visitor = person("Phan Thị Thu", device_token=DEVICE)
    client.set_cookie("vr_device", DEVICE)
    html = check_page(client.get("/me"))
    assert 'id="pass"' in html and 'action="/passes/mine/new"' in html
    assert client.post("/passes/mine/new").status_code == 303
    token = active_pass(visitor.id).token
    html = check_page(client.get("/me"))
    assert " ".join(token[i:i + 4] for i in range(0, 40, 4)) in html


def test_getting_passes_covers_the_household_once(client, app):
    visitor = person(device_token=DEVICE)
    child = add_dependent(visitor, "Bé Na", 2018, utcnow())
    db.session.commit()
    client.set_cookie("vr_device", DEVICE)
    client.post("/passes/mine/new")
    first = {p.visitor_id: p.token for p in db.session.scalars(select(Pass))}
    assert set(first) == {visitor.id, child.id}
    client.post("/passes/mine/new")  # a second tap issues nothing new
    assert {p.visitor_id: p.token for p in db.session.scalars(select(Pass))} == first


def test_replace_my_pass_from_me(client, app):
    visitor = person(device_token=DEVICE)
    old = with_pass(visitor)
    client.set_cookie("vr_device", DEVICE)
    response = client.post("/passes/mine/replace", data={"person": visitor.ref})
    assert response.status_code == 303 and response.headers["Location"].endswith("/me#pass")
    assert find_pass(old).retired_at is not None and active_pass(visitor.id).token != old


def test_nobody_replaces_a_pass_of_another_household(client, app):
    person(device_token=DEVICE)
    stranger = person("Người Lạ")
    theirs = with_pass(stranger)
    client.set_cookie("vr_device", DEVICE)
    assert client.post("/passes/mine/replace", data={"person": stranger.ref}).status_code == 404
    assert find_pass(theirs).is_active


def test_pass_pages_need_a_remembered_device(client, app):
    assert client.post("/passes/mine/new").status_code == 404
    assert client.get("/passes/mine/print").status_code == 404
    client.set_cookie("vr_device", "not-a-token")
    assert client.get("/passes/mine/passes.pdf").status_code == 404


def test_print_view_and_pdf_of_the_household_passes(client, app):
    visitor = person("Phan Thị Thu", device_token=DEVICE)
    child = add_dependent(visitor, "Bé Na", 2018, utcnow())
    db.session.commit()
    client.set_cookie("vr_device", DEVICE)
    assert client.get("/passes/mine/print").status_code == 303  # no pass yet: back to /me
    client.post("/passes/mine/new")
    tokens = {active_pass(visitor.id).token, active_pass(child.id).token}
    html = check_page(client.get("/passes/mine/print"))
    assert html.count('class="pass-card"') == 2 and "Phan Thị Thu" in html and "Bé Na" in html
    response = client.get("/passes/mine/passes.pdf")
    assert response.mimetype == "application/pdf"
    assert set(qr_values_in_pdf(response.data)) == tokens


def test_the_qr_code_holds_only_the_pass_number(client, app):
    visitor = person("Phan Thị Thu", phone="0912777888", device_token=DEVICE)
    token = with_pass(visitor)
    client.set_cookie("vr_device", DEVICE)
    [value] = qr_values_in_pdf(client.get("/passes/mine/passes.pdf").data)
    assert value == token and re.fullmatch(r"\d{40}", value)


def test_a_forgotten_device_cannot_reach_the_pass(client, app):
    visitor = person(device_token=DEVICE)
    issue_pass(visitor, utcnow())
    db.session.commit()
    client.set_cookie("vr_device", DEVICE)
    client.post("/me/forget")
    client.set_cookie("vr_device", DEVICE)
    assert client.get("/passes/mine/print").status_code == 404
