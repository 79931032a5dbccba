"""/me/profile: the person corrects their own name and year of birth (the phone by registering again)."""
from sqlalchemy import select

from portal.extensions import db
from portal.visitors.models import Visitor

from ..checkin.helpers import NAME, register
from ..html import check_page, hidden_fields


def profile_form(client):
    html = check_page(client.get("/me/profile"))
    return html, hidden_fields(html, "/me/profile")


def test_me_links_to_the_correction_form_which_shows_the_current_details(client, make):
    client.set_cookie("lang", "en")
    register(client, make.venue())
    assert 'href="/me/profile"' in check_page(client.get("/me"))
    html, _fields = profile_form(client)
    assert f'value="{NAME}"' in html and 'value="1985"' in html
    assert "check in again with the right number" in html  # the phone is changed by registering again
    assert 'name="phone"' not in html


def test_a_correction_is_saved(client, make):
    client.set_cookie("lang", "en")
    register(client, make.venue())
    _html, data = profile_form(client)
    data.update(full_name="Nguyễn Văn Ân", birth_year="1986")
    response = client.post("/me/profile", data=data)
    assert response.status_code == 303 and response.headers["Location"] == "/me?done=saved"
    person = db.session.scalar(select(Visitor))
    assert (person.full_name, person.birth_year) == ("Nguyễn Văn Ân", 1986)
    assert person.phone == "+84912345678"  # untouched
    assert "Changes saved." in check_page(client.get("/me?done=saved"))


def test_bad_input_is_refused_with_422_and_nothing_changes(client, make):
    client.set_cookie("lang", "en")
    register(client, make.venue())
    _html, data = profile_form(client)
    for full_name, year, message in (("", "1986", "Enter your full name."),
                                     ("Nguyễn Văn Ân", "abcd", "Enter the year you were born"),
                                     ("Nguyễn Văn Ân", "2999", "Enter a year from 1900 to"),
                                     ("<b>Ân</b>", "1986", None)):
        response = client.post("/me/profile", data={**data, "full_name": full_name, "birth_year": year})
        html = check_page(response, 422)
        if message:
            assert message in html
    person = db.session.scalar(select(Visitor))
    assert (person.full_name, person.birth_year) == (NAME, 1985)


def test_a_browser_that_remembers_nobody_is_sent_to_me(client, app, make):
    register(client, make.venue())
    stranger = app.test_client()
    response = stranger.post("/me/profile", data={"full_name": "Kẻ Giả", "birth_year": "1990"})
    assert response.status_code == 302 and response.headers["Location"] == "/me"
    assert db.session.scalar(select(Visitor.full_name)) == NAME
