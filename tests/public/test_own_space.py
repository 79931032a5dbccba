"""Each role lands in its own space: login redirect, header link on every page, the home page."""
import re

import pytest

from portal.auth.home import HOMES

from ..html import check_page

# The role, the page they land on and the header labels (English) of their own pages.
LANDINGS = [
    ("owner", "/venues/", ["Your venues"]),
    ("staff", "/staff/", ["Your scanner"]),
    ("checkpoint", "/staff/", ["Your scanner"]),
    ("ward_official", "/reports/", ["Your wards", "Inspections", "Suspicious check-ins"]),
    ("tracer", "/tracing/", ["Tracing", "Case register"]),
    ("province_admin", "/reports/", ["Province dashboard", "Accounts", "Suspicious check-ins"]),
    ("inspector", "/inspection/", ["Inspections"]),
    ("ward_health", "/cases/", ["Case register", "Testing rounds"]),
    ("province_health", "/cases/", ["Case register", "Testing rounds"]),
]


def person(make, role):
    # Two wards: a ward official with one ward would be sent straight on to that ward.
    return make.user(role=role, wards=make.wards(2) if role in ("ward_official", "ward_health") else ())


def own_links(html):
    """(href, text) of the header's links to the user's own pages."""
    nav = re.search(r'<nav class="mine"[^>]*>(.*?)</nav>', html, re.S)
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1)) if nav else []


def test_every_role_has_a_home():
    assert set(HOMES) == {role for role, _, _ in LANDINGS}


@pytest.mark.parametrize("role,landing,labels", LANDINGS)
def test_login_lands_on_the_role_home(client, make, login, role, landing, labels):
    response = login(person(make, role))
    assert response.headers["Location"] == landing


@pytest.mark.parametrize("role,landing,labels", LANDINGS)
def test_header_links_home_on_every_page(client, make, login, role, landing, labels):
    login(person(make, role))
    client.set_cookie("lang", "en")
    for path in ("/", landing, "/c?code=XXXX"):
        response = client.get(path)
        html = response.get_data(as_text=True)
        links = own_links(html)
        assert [text for _, text in links] == labels, (path, links)
        assert links[0][0] == landing
    client.set_cookie("lang", "vi")
    vietnamese = client.get("/").get_data(as_text=True)
    assert own_links(vietnamese)[0][1] != labels[0]  # translated


@pytest.mark.parametrize("role,landing,labels", LANDINGS)
def test_home_page_offers_the_way_back_not_sign_up(client, make, login, role, landing, labels):
    login(person(make, role))
    client.set_cookie("lang", "en")
    html = check_page(client.get("/"))
    assert 'href="/auth/signup"' not in html and 'href="/auth/login"' not in html
    assert re.search(rf'<a class="btn" href="{re.escape(landing)}">Go to ', html)
    assert 'name="code"' in html  # the short-code box stays for everyone


def test_visitors_see_sign_up_and_log_in_and_no_own_links(client):
    client.set_cookie("lang", "en")
    html = check_page(client.get("/"))
    assert 'href="/auth/signup"' in html and 'href="/auth/login"' in html
    assert own_links(html) == [] and "Go to " not in html


def test_the_current_page_is_marked_in_the_header(client, make, login):
    login(person(make, "owner"))
    html = client.get("/venues/").get_data(as_text=True)
    assert '<a href="/venues/" aria-current="page">' in html
    assert 'aria-current="page"' not in client.get("/").get_data(as_text=True)
