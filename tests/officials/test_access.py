"""Walk every official route for every role: officials see their wards only, others see nothing."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.privacy.requests_service import open_request
from portal.clock import utcnow
from portal.registry.checks import save_problems
from portal.registry.models import FollowUp, MatchProposal
from portal.reports.models import ZoneLevel

from ..factories import People, establishment

BLUEPRINTS = ("officials", "registry", "reports")
#: The data requests made in person at a ward (portal/privacy/requests.py), on the privacy blueprint.
REQUEST_ENDPOINTS = "privacy.request_"
VENUE_ENDPOINTS = ("registry.venue", "registry.venue_follow_up", "registry.suspend_venue", "registry.reopen_venue")
# Routes without a ward in the URL: the page itself is allowed, its content is scoped.
UNSCOPED = {"reports.dashboard", "reports.zones", "reports.high_risk", "reports.periodic", "registry.upload",
            "registry.confirm", "privacy.request_list", "privacy.request_new"}
#: A refused file's problem list belongs to the official who uploaded it, whatever their role.
OWN_FILE = "registry.problems_csv"


@pytest.fixture
def world(make):
    a, b = make.wards(2)
    places = {}
    for ward in (a, b):
        venue = make.venue(name=f"Quán {ward.name}", ward_code=ward.code)
        est = establishment(ward, name=f"Cơ sở {ward.name}")
        db.session.add(MatchProposal(establishment_id=est.id, venue_id=venue.id, score=90, status="open",
                                     created_at=utcnow()))
        db.session.commit()
        places[ward.code] = (venue, est)
    officials = {
        "admin": make.user(role="province_admin"),
        "official_a": make.user(role="ward_official", wards=[a]),
        "official_b": make.user(role="ward_official", wards=[b]),
        "tracer": make.user(role="tracer"),
        "owner": make.owner(),
        "staff": make.user(role="staff"),
    }
    # Each ward's official refused a file: its problem list, kept under a key of its own.
    for ward, who in ((a, "official_a"), (b, "official_b")):
        key = save_problems(officials[who], "wards.csv", [[2, "Phường", "not in your area", ward.name]], utcnow())
        places[ward.code] = (*places[ward.code], key)
    # Each ward's official received a person's request to see their data (open: its page shows them).
    for ward, who in ((a, "official_a"), (b, "official_b")):
        person = People().person(name=f"Người Hỏi {ward.name}")
        opened = open_request(officials[who], ward, "access", "id_document", person, utcnow())
        places[ward.code] = (*places[ward.code], opened.ref)
    db.session.commit()
    return {"a": a, "b": b, "places": places, "users": officials}


def official_rules(app):
    return [r for r in app.url_map.iter_rules()
            if r.endpoint.split(".")[0] in BLUEPRINTS or r.endpoint.startswith(REQUEST_ENDPOINTS)]


def build(rule, ward, places, users):
    venue, est, key, request_ref = places[ward.code]
    values = {}
    for arg in rule.arguments:
        if arg == "code":
            values[arg] = venue.short_code if rule.endpoint in VENUE_ENDPOINTS else ward.code
        elif arg == "number":
            values[arg] = est.registration_number
        elif arg == "venue_code":
            values[arg] = venue.short_code
        elif arg == "kind":
            values[arg] = "not-registered"
        elif arg == "fmt":
            values[arg] = "csv"
        elif arg == "decision":
            values[arg] = "confirm"
        elif arg == "key":
            values[arg] = key
        elif arg == "user_id":
            values[arg] = users["official_b"].id
        elif arg == "request_ref":
            values[arg] = request_ref
        else:
            raise AssertionError(f"the access walk does not know how to fill <{arg}> of {rule.rule}")
    url = rule.rule
    for arg, value in values.items():
        url = url.replace(f"<{arg}>", str(value)).replace(f"<int:{arg}>", str(value))
    return url


#: Official pages for province administrators only, besides the accounts (officials.*).
PROVINCE_ADMIN_ONLY = {"reports.population"}


def requests_for(app, ward, places, users):
    for rule in official_rules(app):
        url = build(rule, ward, places, users)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def call(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


def counts():
    return (db.session.scalar(select(func.count()).select_from(FollowUp)),
            db.session.scalar(select(func.count()).select_from(ZoneLevel)),
            db.session.scalar(select(func.count()).select_from(MatchProposal).where(MatchProposal.status == "open")))


def test_the_walk_covers_every_official_route(app):
    endpoints = {r.endpoint for r in official_rules(app)}
    assert len(endpoints) >= 20
    assert {"registry.upload", "reports.ward_list", "officials.new", "registry.decide",
            "privacy.request_show"} <= endpoints


def test_anonymous_visitors_are_sent_to_login_and_see_nothing(client, app, world):
    for endpoint, method, url in requests_for(app, world["a"], world["places"], world["users"]):
        response = call(client, method, url)
        assert response.status_code in (302, 400), (endpoint, method, url)
        if response.status_code == 302:
            assert "/auth/login" in response.headers["Location"], (endpoint, url)
        assert world["places"][world["a"].code][1].name not in response.get_data(as_text=True)


@pytest.mark.parametrize("who", ["owner", "staff", "tracer"])
def test_owners_staff_and_tracers_get_no_official_page(client, app, world, login, who):
    login(world["users"][who])
    before = counts()
    for endpoint, method, url in requests_for(app, world["a"], world["places"], world["users"]):
        assert call(client, method, url).status_code == 404, (who, endpoint, method, url)
    assert counts() == before


def test_ward_official_gets_404_on_another_wards_pages_exports_and_actions(client, app, world, login):
    login(world["users"]["official_a"])
    before = counts()
    other = world["b"]
    for endpoint, method, url in requests_for(app, other, world["places"], world["users"]):
        response = call(client, method, url)
        if endpoint.startswith("officials.") or (endpoint, method) == ("reports.zones", "POST"):
            assert response.status_code == 404, (endpoint, method, url)  # province admins only
        elif endpoint in UNSCOPED:
            body = response.get_data(as_text=True)
            assert response.status_code in (200, 302, 422), (endpoint, method, url)
            assert f"Quán {other.name}" not in body and f"Cơ sở {other.name}" not in body, endpoint
        else:
            assert response.status_code == 404, (endpoint, method, url)
    assert counts() == before


def test_ward_official_reaches_every_page_of_their_own_ward(client, app, world, login):
    login(world["users"]["official_a"])
    own = world["a"]
    for endpoint, method, url in requests_for(app, own, world["places"], world["users"]):
        if endpoint.startswith("officials.") or endpoint in PROVINCE_ADMIN_ONLY or method != "GET":
            continue
        response = client.get(url)
        assert response.status_code in (200, 302), (endpoint, url)


def test_province_admin_reaches_every_page(client, app, world, login):
    login(world["users"]["admin"])
    for ward in (world["a"], world["b"]):
        for endpoint, method, url in requests_for(app, ward, world["places"], world["users"]):
            if method == "GET":
                expected = (404,) if endpoint == OWN_FILE else (200, 302)  # an official's own file
                assert client.get(url).status_code in expected, (endpoint, url)


def test_unknown_identifiers_are_404_not_500(client, app, world, login):
    login(world["users"]["admin"])
    for url in ("/reports/wards/99999/", "/reports/wards/abc/not-used", "/reports/wards/%00/",
                "/registry/establishments/12/", "/registry/establishments/x%27/",
                "/registry/venues/NOPE000/", "/officials/999999/", "/reports/zones/1",
                f"/officials/{world['users']['owner'].id}/"):
        assert client.get(url).status_code == 404, url
