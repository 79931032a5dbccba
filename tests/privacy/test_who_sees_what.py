"""Who sees a person's data: every page the portal serves, fetched as every role.

A visitor with a distinctive name, phone and ID number checks in at a venue (with a dependent),
a tracer opens a case for them, and then each role (nobody, the venue's owner, its staff, a
checkpoint officer, the ward's official, a province administrator, a tracer, another browser)
fetches every GET page of the portal, with every URL parameter filled with real values. Only the
tracer's pages, the person's own browser and (while the person's request made in person at the
ward is open) that request's pages for the ward's officials may show the name, phone, ID number or the
dependent's name; every other role gets a 404, a redirect to log in, or a page without them.
New routes are covered automatically: a route with a parameter this test cannot fill fails it.
"""
import io
import re
import zipfile

import pytest
from sqlalchemy import select

from portal.auth.models import VenueStaff
from portal.checkin.models import Visit
from portal.extensions import db
from portal.clock import utcnow
from portal.privacy.requests_service import open_request
from portal.registry.checks import save_problems
from portal.registry.models import Establishment
from portal.visitors.models import Visitor

from ..checkin.helpers import register, venue_url
from ..factories import PASSWORD

NAME = "Trương Thị Bảo Ngọc"
DEPENDENT = "Trương Gia Khánh"
PHONE_LOCAL = "0987654321"
ID_NUMBER = "079199012345"
MARKERS = (NAME, DEPENDENT, PHONE_LOCAL, "+84987654321", "987654321", "0987 654 321", ID_NUMBER)

ROLES = ("anonymous", "owner", "staff", "checkpoint", "ward_official", "province_admin", "tracer", "inspector",
         "ward_health", "province_health")
#: Pages that may show the person's data, and to whom (the health roles: the case register and the
#: risk groups of testing, about people of their wards; no case is opened about this person here).
ALLOWED = {"tracer": ("/tracing/", "/cases/", "/testing/"), "ward_health": ("/cases/", "/testing/"),
           "province_health": ("/cases/", "/testing/")}
#: A data request the person made in person (portal/privacy/requests.py): while it is open, its own
#: page and data file show the person to the officials of its ward, who act for them.
OPEN_REQUEST = re.compile(r"/data-requests/[A-Za-z0-9_-]{16,32}/(data\.csv)?")
REQUEST_HANDLERS = ("ward_official", "province_admin")


def _text(response):
    """The readable text of a response: HTML/CSV as is, XLSX cells, PDF text."""
    body = response.get_data()
    kind = response.headers.get("Content-Type", "")
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            return " ".join(book.read(n).decode("utf-8", "replace") for n in book.namelist() if n.endswith(".xml"))
    if "pdf" in kind:
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8", "replace")


@pytest.fixture
def world(app, make, client, login):
    """The venue, the person (registered through the real first-time form), a case and accounts."""
    ward = make.wards(1)[0]
    owner = make.owner()
    venue = make.venue(owner, category="market", registration_number="3700123456", ward_code=ward.code)
    db.session.add(Establishment(registration_number="3700123456", name="Chợ Thử", address="1 Chợ",
                                 ward_code=ward.code, category="market"))
    accounts = {"owner": owner}
    for role in ("staff", "checkpoint"):
        accounts[role] = make.user(role=role)
        db.session.add(VenueStaff(user_id=accounts[role].id, venue_id=venue.id))
    accounts["ward_official"] = make.user(role="ward_official", wards=[ward])
    accounts["province_admin"] = make.user(role="province_admin")
    accounts["tracer"] = make.user(role="tracer")
    accounts["inspector"] = make.user(role="inspector")
    accounts["ward_health"] = make.user(role="ward_health", wards=[ward])
    accounts["province_health"] = make.user(role="province_health")
    db.session.commit()

    own_browser = app.test_client()
    assert register(own_browser, venue, name=NAME, phone=PHONE_LOCAL, year="1990").status_code in (302, 303)
    person = db.session.scalar(select(Visitor).where(Visitor.lead_id.is_(None)).order_by(Visitor.id.desc()))
    person.id_number = ID_NUMBER
    db.session.add(Visitor(full_name=DEPENDENT, lead_id=person.id, birth_year=2016,
                           created_at=person.created_at, last_seen_at=person.last_seen_at))
    db.session.commit()

    login(accounts["tracer"])
    case_url = client.post("/tracing/cases/new", data={"reference": "F0-TEST-1", "purpose": "Truy vết"}).location
    client.post(case_url + "lookup", data={"phone": PHONE_LOCAL})
    client.post("/auth/logout")
    case_ref = case_url.rstrip("/").rsplit("/", 1)[-1]
    visit = db.session.scalar(select(Visit).where(Visit.visitor_id == person.id))
    return {
        "venue": venue, "ward": ward, "accounts": accounts, "own_browser": own_browser, "case_ref": case_ref,
        "visit_ref": visit.ref, "dependent_ref": db.session.scalar(
            select(Visitor.ref).where(Visitor.lead_id == person.id)),
        "registration_number": "3700123456",
        # The person's open requests made in person at the ward: an access, a correction, a deletion.
        "request_refs": _requests(accounts["ward_official"], ward, person),
        # A refused registry file of the ward's official: the list of its problems, kept for an hour.
        "problems_key": _refused_file(accounts["ward_official"]),
        # A testing round of the ward, planned from the venue's visits (counts only, never people).
        "round_id": _round(accounts["ward_health"], ward),
    }


def _requests(official, ward, person):
    refs = [open_request(official, ward, kind, "card", person, utcnow()).ref for kind in ("access", "correct", "delete")]
    db.session.commit()
    return refs


def _round(official, ward):
    from datetime import date

    from portal.rounds.services import plan

    round_id = plan(official, ward, date(2026, 12, 7), utcnow())[0].id
    db.session.commit()
    return round_id


def _refused_file(official):
    key = save_problems(official, "wards.csv", [[2, "Phường", "not in your area", "Phường Khác"]], utcnow())
    db.session.commit()
    return key


def _urls(app, world):
    """Every GET URL of the portal with its parameters filled from `world`."""
    venue, ward = world["venue"], world["ward"]
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        choices = []
        for name in sorted(rule.arguments - set(rule.defaults or {})):
            if name == "code":
                in_ward = "/wards/" in rule.rule or "/zones/" in rule.rule
                choices.append((name, [ward.code if in_ward else venue.short_code] if "/lang/" not in rule.rule
                                else ["en"]))
            elif name == "kind":
                choices.append((name, ["not-registered", "not-used", "no-exits"] if rule.endpoint.startswith("reports")
                                else ["pdf", "png", "svg"]))
            elif name == "fmt":
                choices.append((name, ["html", "csv", "xlsx"]))
            elif name == "ref":
                choices.append((name, [world["case_ref"] if rule.rule.startswith("/tracing")
                                       else world["dependent_ref"] if "/dependents/" in rule.rule
                                       else world["visit_ref"]]))
            elif name == "token":
                choices.append((name, [venue.token]))
            elif name == "number":
                choices.append((name, [world["registration_number"]]))
            elif name == "user_id":
                choices.append((name, [world["accounts"]["ward_official"].id]))
            elif name == "key":
                choices.append((name, [world["problems_key"]]))
            elif name == "round_id":
                choices.append((name, [world["round_id"]]))
            elif name == "request_ref":
                choices.append((name, world["request_refs"]))
            else:
                pytest.fail(f"{rule.rule}: add values for <{name}> to this test")
        combos = [{}]
        for name, values in choices:
            combos = [dict(c, **{name: v}) for c in combos for v in values]
        for values in combos:
            url = rule.rule
            for name, value in values.items():
                url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
            urls.append(url)
    return sorted(set(urls))


def _client_for(app, role, world):
    client = app.test_client()
    if role != "anonymous":
        response = client.post("/auth/login", data={"phone": world["accounts"][role].phone, "password": PASSWORD})
        assert response.status_code == 302
    return client


def _allowed(role, url):
    if role in REQUEST_HANDLERS and OPEN_REQUEST.fullmatch(url):
        return True
    return any(url.startswith(prefix) for prefix in ALLOWED.get(role, ()))


def test_only_tracers_and_the_person_see_the_person_on_any_page(app, world):
    urls = _urls(app, world)
    assert len(urls) > 40 and "/tracing/cases/%s/visits" % world["case_ref"] in urls
    shown_to_tracer = []
    for role in ROLES:
        client = _client_for(app, role, world)
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, (role, url, response.status_code)
            found = [m for m in MARKERS if m in _text(response)]
            if _allowed(role, url):
                shown_to_tracer.extend(found)
            else:
                assert not found, f"{role} sees {found} on {url} ({response.status_code})"
    # The check can fail: the tracer's case pages really do show the person.
    assert NAME in shown_to_tracer and {"0987 654 321", "+84987654321", PHONE_LOCAL} & set(shown_to_tracer)


def test_the_persons_own_browser_sees_them_and_another_browser_does_not(app, world):
    own = world["own_browser"].get("/me").get_data(as_text=True)
    assert NAME in own and DEPENDENT in own
    stranger = app.test_client()
    for url in ("/me", f"/visit/{world['visit_ref']}", f"/me/dependents/{world['dependent_ref']}",
                venue_url(world["venue"])):
        text = _text(stranger.get(url))
        assert not [m for m in MARKERS if m in text], url
