"""Printed pass cards, issued by ward officials and province administrators only, for people without a smartphone."""
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from portal.extensions import db
from portal.passes.models import Pass
from portal.visitors.models import Device, Visitor

from ..html import check_page
from ..factories import person, staff_at
from .test_passes import qr_values_in_pdf

CARD = {"full_name": "Cụ Nguyễn Văn Tư", "phone": "0912 345 001", "birth_year": "1941"}


@pytest.fixture
def official(client, make, login):
    user = make.user(role="ward_official", wards=make.wards(1))
    login(user)
    return user


def test_a_ward_official_issues_an_a6_card(client, official):
    check_page(client.get("/passes/card/new"))
    response = client.post("/passes/card/new", data=CARD)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    [page] = reader.pages
    width_mm, height_mm = (float(v) * 25.4 / 72 for v in (page.mediabox.width, page.mediabox.height))
    assert round(width_mm) == 105 and round(height_mm) == 148
    text = page.extract_text()
    assert "Cụ Nguyễn Văn Tư" in text and "Thẻ Vào Ra" in text and "1941" not in text
    card = db.session.scalar(select(Pass))
    [value] = qr_values_in_pdf(response.data)
    assert value == card.token and card.kind == "card" and card.issued_by_id == official.id
    visitor = db.session.get(Visitor, card.visitor_id)
    assert visitor.birth_year == 1941 and visitor.phone == "+84912345001"
    assert db.session.scalar(select(func.count(Device.id))) == 0


@pytest.mark.parametrize("role", ["owner", "staff", "checkpoint"])
def test_businesses_and_their_staff_cannot_print_a_card_for_someone_else(client, make, login, role):
    venue = make.venue(category="checkpoint" if role == "checkpoint" else "restaurant")
    login(venue.owner if role == "owner" else staff_at(make, venue, role=role))
    assert client.get("/passes/card/new").status_code == 404
    assert client.post("/passes/card/new", data=CARD).status_code == 404
    assert db.session.scalar(select(func.count(Pass.id))) == 0
    assert db.session.scalar(select(func.count(Visitor.id))) == 0


def test_every_card_printed_for_someone_else_is_audited_without_their_data(client, official):
    from portal.audit.models import AuditEntry

    client.post("/passes/card/new", data=CARD)
    client.post("/passes/card/new", data=CARD)  # a lost card, replaced
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.query, e.row_count) for e in entries] == [
        ("card", official.id, "card=new", 1), ("card", official.id, "card=replacement", 1),
    ]


def test_issuing_again_replaces_the_lost_card(client, official):
    client.post("/passes/card/new", data=CARD)
    client.post("/passes/card/new", data=dict(CARD, full_name="cụ nguyễn văn tư"))
    cards = db.session.scalars(select(Pass).order_by(Pass.id)).all()
    assert len(cards) == 2 and cards[0].visitor_id == cards[1].visitor_id
    assert cards[0].retired_at is not None and cards[1].retired_at is None
    assert db.session.scalar(select(func.count(Visitor.id))) == 1


def test_a_card_never_takes_over_someone_with_their_own_phone(client, official):
    own = person("Cụ Nguyễn Văn Tư", phone="0912345001", birth_year=1941, device_token="q" * 43)
    client.post("/passes/card/new", data=CARD)
    card = db.session.scalar(select(Pass))
    assert card.visitor_id != own.id


def test_a_different_person_on_the_same_phone_gets_their_own_card(client, official):
    client.post("/passes/card/new", data=CARD)
    client.post("/passes/card/new", data=dict(CARD, full_name="Cụ Trần Thị Năm", birth_year="1943"))
    assert db.session.scalar(select(func.count(Pass.id)).where(Pass.retired_at.is_(None))) == 2


@pytest.mark.parametrize(
    "changes",
    [{"full_name": ""}, {"full_name": "A" * 101}, {"full_name": "Tên\u202eẩn"}, {"phone": ""}, {"phone": "0123"},
     {"birth_year": ""}, {"birth_year": "1850"}, {"birth_year": "19a1"}],
)
def test_bad_card_details_are_explained_and_nothing_is_saved(client, official, changes):
    html = check_page(client.post("/passes/card/new", data=dict(CARD, **changes)), 422)
    assert 'class="error-summary"' in html
    assert db.session.scalar(select(func.count(Pass.id))) == 0
    assert db.session.scalar(select(func.count(Visitor.id))) == 0


def test_only_staff_and_officials_issue_cards(client, make, login):
    assert client.get("/passes/card/new").status_code == 302
    login(make.user(role="tracer"))
    assert client.post("/passes/card/new", data=CARD).status_code == 404
    assert db.session.scalar(select(func.count(Pass.id))) == 0


CARD_LINK = re.compile(r'<a [^>]*href="(/passes/card/new)"[^>]*>Cấp thẻ in cho người không có điện thoại thông minh</a>')


def landing_page(client, login, user):
    """The page a user arrives at after logging in (following the dashboard's own redirects)."""
    response = client.get(login(user).headers["Location"], follow_redirects=True)
    return response.request.path, check_page(response)


def test_a_ward_official_finds_the_card_form_on_their_ward_dashboard(client, make, login):
    ward = make.wards(1)[0]
    path, html = landing_page(client, login, make.user(role="ward_official", wards=[ward]))
    assert path == f"/reports/wards/{ward.code}/"
    [href] = CARD_LINK.findall(html)
    html = check_page(client.get(href))
    assert 'name="full_name"' in html and 'name="birth_year"' in html
    assert client.post(href, data=CARD).mimetype == "application/pdf"


def test_an_official_of_several_wards_finds_it_on_every_dashboard(client, make, login):
    wards = make.wards(2)
    path, html = landing_page(client, login, make.user(role="ward_official", wards=wards))
    assert path == "/reports/" and len(CARD_LINK.findall(html)) == 1
    for ward in wards:
        assert len(CARD_LINK.findall(check_page(client.get(f"/reports/wards/{ward.code}/")))) == 1
    assert client.get("/passes/card/new").status_code == 200


def test_province_admins_may_issue_cards_and_see_the_link_too(client, make, login):
    path, html = landing_page(client, login, make.user(role="province_admin"))
    assert path == "/reports/" and len(CARD_LINK.findall(html)) == 1
    assert client.get("/passes/card/new").status_code == 200


def test_tracers_see_no_card_link_and_no_dashboard(client, make, login):
    path, html = landing_page(client, login, make.user(role="tracer"))
    assert path == "/tracing/"
    assert not CARD_LINK.findall(html) and "/passes/card/new" not in html
    assert client.get("/reports/").status_code == 404
    assert client.get("/passes/card/new").status_code == 404


@pytest.mark.parametrize("role", ["owner", "staff", "checkpoint", "ward_official", "tracer", "province_admin",
                                  "staff without a venue", "checkpoint without a venue"])
def test_the_link_rule_is_the_card_forms_rule(client, make, login, role):
    """Pages show the link exactly to the accounts the card form lets in."""
    from portal.auth.models import ROLES
    from portal.passes.routes import may_issue_cards

    base = role.split()[0]
    assert base in ROLES
    if role in ("staff", "checkpoint"):
        user = staff_at(make, make.venue(), role=role)
    else:
        user = make.user(role=base, wards=make.wards(1) if base == "ward_official" else ())
    login(user)
    allowed = client.get("/passes/card/new").status_code
    assert allowed in (200, 404)
    assert may_issue_cards(user) == (allowed == 200)
    assert may_issue_cards(user) == (role in ("ward_official", "province_admin"))
