"""The privacy notice: told before anything is stored, its version kept, shown again when it changes."""
from sqlalchemy import select

from portal.extensions import db
from portal.visitors import notice
from portal.visitors.models import Visitor

from ..checkin.helpers import NAME, post_writes, register, tap_check_in, venue_url, visits_of
from ..checkin.test_hot_path import statements
from ..html import check_page, hidden_fields, page_text

OLD = "2020-01-01"


def me():
    return db.session.scalar(select(Visitor).where(Visitor.lead_id.is_(None)))


def test_the_first_form_summarises_the_notice_and_links_to_the_full_page(client, make):
    venue = make.venue()
    html = check_page(client.get(venue_url(venue)))
    summary, form = html.split('id="privacy"', 1)[1].split("<form", 1)  # told before the form
    assert "Chỉ cán bộ truy vết và nhân viên y tế" in summary and "28 ngày" in summary
    assert 'href="/privacy"' in summary
    page = client.get("/privacy")
    text = page_text(page)
    assert "<script" not in check_page(page)
    for words in ("truy vết", "28 ngày", "CSV", notice.NOTICE_VERSION, "không bao giờ"):
        assert words in text, words
    client.get("/lang/en")
    english = page_text(client.get("/privacy"))
    assert "Only health tracers and health staff" in english and "Your rights" in english


def test_registering_records_the_version_shown(client, make):
    assert register(client, make.venue()).status_code == 303
    assert me().notice_version == notice.NOTICE_VERSION


def test_a_registration_without_the_notice_is_asked_again_at_the_next_scan(client, make):
    venue = make.venue()
    url = venue_url(venue)
    data = hidden_fields(client.get(url).get_data(as_text=True), url)
    data.pop("notice")  # a form from before the notice existed
    data.update(full_name=NAME, phone="0912 345 678", birth_year="1985")
    assert client.post(url, data=data).status_code == 303
    assert me().notice_version is None
    assert 'id="privacy"' in client.get(url).get_data(as_text=True)


def test_a_changed_notice_is_shown_at_the_next_scan_and_recorded_after_confirming(client, make):
    first, second = make.venue(name="Quán A"), make.venue(name="Quán B")
    register(client, first)
    person = me()
    person.notice_version = OLD
    db.session.commit()
    html = check_page(client.get(venue_url(second)))
    assert 'id="privacy"' in html and 'href="/privacy"' in html
    assert "Tôi đã đọc — ghi nhận vào: " + NAME in page_text(client.get(venue_url(second)))
    assert hidden_fields(html, venue_url(second))["notice"] == notice.NOTICE_VERSION
    assert tap_check_in(client, second).status_code == 303  # one tap: read and check in
    assert me().notice_version == notice.NOTICE_VERSION
    assert len(visits_of(person)) == 2
    html = client.get(venue_url(first)).get_data(as_text=True)
    assert 'id="privacy"' not in html and hidden_fields(html, venue_url(first))["notice"] == ""


def test_a_check_in_without_confirming_the_changed_notice_records_nothing(client, make):
    first, second = make.venue(name="Quán A"), make.venue(name="Quán B")
    register(client, first)
    url = venue_url(second)
    data = hidden_fields(client.get(url).get_data(as_text=True), url)  # read while current
    person = me()
    person.notice_version = OLD
    db.session.commit()
    response = client.post(url, data=data)
    assert response.status_code == 200 and 'id="privacy"' in response.get_data(as_text=True)
    assert len(visits_of(person)) == 1 and me().notice_version == OLD


def test_the_one_tap_post_of_a_current_version_costs_no_more_statements(client, make):
    first, second = make.venue(name="A"), make.venue(name="B")
    register(client, first)
    client.post(f"/visit/{visits_of(me())[0].ref}/out")
    url = venue_url(second)
    html = client.get(url).get_data(as_text=True)
    assert 'id="privacy"' not in html
    with statements() as seen:
        response = client.post(url, data=hidden_fields(html, url))
    assert response.status_code == 303
    assert seen == ["SELECT", *post_writes()], seen
