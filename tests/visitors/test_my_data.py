"""/me/data.json and /me/data.csv: everything kept about the device's household, to that device only."""
import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import signals
from portal.checkin import services
from portal.clock import utcnow
from portal.extensions import db
from portal.passes.models import Pass
from portal.visitors import notice
from portal.visitors.models import Visitor

from ..checkin.helpers import NAME, register, tap_check_in
from ..html import check_page
from .test_me_warning import expose

CHILD = "Nguyễn Bé Mai"


@pytest.fixture
def household(client, make):
    """A person with a dependent, visits at a market and a shop, a crossing, passes and a warning."""
    market, shop = make.venue(name="Chợ Bến Thành"), make.venue(name="Tạp hoá Cô Ba")
    checkpoint = make.venue(name="Chốt Cầu Bình Triệu")
    register(client, market)
    client.post("/me/dependents/new", data={"full_name": CHILD, "birth_year": "2017"})
    person = db.session.scalar(select(Visitor).where(Visitor.phone_hash.is_not(None)))
    child = db.session.scalar(select(Visitor).where(Visitor.lead_id == person.id))
    assert tap_check_in(client, shop, dependents=[child.ref]).status_code == 303
    expose(make, shop, utcnow() - timedelta(hours=1), utcnow())
    services.check_in(person, checkpoint, utcnow(), method="staff")
    db.session.commit()
    assert client.post("/passes/mine/new").status_code == 303
    return person, child


def test_the_json_download_holds_the_whole_household(client, household):
    person, child = household
    response = client.get("/me/data.json")
    assert response.status_code == 200
    assert response.headers.getlist("Content-Type") == ["application/json; charset=utf-8"]
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Content-Disposition"] == 'attachment; filename="vao-ra-my-data.json"'
    document = json.loads(response.get_data(as_text=True))
    assert document["notice_version"] == notice.NOTICE_VERSION
    sections = document["sections"]
    assert list(sections)[0] == "profiles" and set(sections) == {"profiles", "visits", "passes", "warnings"}
    profiles = sections["profiles"]["rows"]
    assert [(p["Người"], p["Số điện thoại"], p["Năm sinh"]) for p in profiles] == [
        (NAME, "0912 345 678", 1985), (CHILD, None, 2017)]
    assert profiles[0]["Thông báo dữ liệu đã đọc"] == notice.NOTICE_VERSION
    visits = sections["visits"]["rows"]
    assert sorted((v["Người"], v["Nơi"]) for v in visits) == sorted([
        (NAME, "Chợ Bến Thành"), (NAME, "Tạp hoá Cô Ba"), (CHILD, "Tạp hoá Cô Ba"), (NAME, "Chốt Cầu Bình Triệu")])
    crossing = next(v for v in visits if v["Nơi"] == "Chốt Cầu Bình Triệu")
    assert crossing["Cách ghi nhận vào"] == "nhân viên quét thẻ" and crossing["Đã vào"].endswith("+07:00")
    tokens = {p.visitor_id: p.token for p in db.session.scalars(select(Pass))}
    passes = sections["passes"]["rows"]
    assert {(p["Người"], p["Số thẻ kết thúc bằng"]) for p in passes} == {
        (NAME, tokens[person.id][-4:]), (CHILD, tokens[child.id][-4:])}
    assert not any(token in response.get_data(as_text=True) for token in tokens.values())  # never whole
    warnings = sections["warnings"]["rows"]
    assert {(w["Người"], w["Nơi"]) for w in warnings} == {(NAME, "Tạp hoá Cô Ba"), (CHILD, "Tạp hoá Cô Ba")}


def test_the_csv_download_has_one_section_column_and_every_row(client, household):
    response = client.get("/me/data.csv")
    assert response.status_code == 200
    assert response.headers.getlist("Content-Type") == ["text/csv; charset=utf-8"]
    assert "no-store" in response.headers["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    headers = [row for row in rows if row[0] == "Mục"]
    assert [h[1] for h in headers] == ["Người"] * 4  # each section starts with its own header line
    by_section = {}
    for row in rows:
        if row[0] != "Mục":
            by_section.setdefault(row[0], []).append(row[1:])
    assert {k: len(v) for k, v in by_section.items()} == {
        "Hồ sơ": 2, "Lượt vào ra": 4, "Thẻ": 2, "Cảnh báo y tế": 2}
    assert [NAME, "0912 345 678", "1985"] == by_section["Hồ sơ"][0][:3]
    assert CHILD in [row[0] for row in by_section["Lượt vào ra"]]


def test_another_browser_gets_nothing_personal(client, household, app, make):
    stranger = app.test_client()
    for url in ("/me/data.json", "/me/data.csv"):
        response = stranger.get(url)
        assert response.status_code == 303 and response.headers["Location"] == "/me"
        assert NAME not in response.get_data(as_text=True)
    other = app.test_client()
    register(other, make.venue(name="Quán Khác"), name="Người Khác", phone="0987 123 456")
    body = other.get("/me/data.json").get_data(as_text=True)
    assert "Người Khác" in body and NAME not in body and CHILD not in body


def test_me_offers_the_download_and_unknown_formats_are_404(client, household):
    html = check_page(client.get("/me"))
    assert 'href="/me/data.csv"' in html and 'href="/me/data.json"' in html and 'href="/privacy"' in html
    assert f"Hồ sơ của bạn: {NAME}, 0912 345 678, sinh năm 1985." in html
    assert client.get("/me/data.xlsx").status_code == 404


def test_downloads_are_rate_limited_per_device(make_app, make):
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_LOOKUP_LIMIT="2 per minute", RATELIMIT_STORAGE_URI="memory://")
    phone = app.test_client()
    register(phone, make.venue())
    assert [phone.get(url).status_code for url in ("/me/data.json", "/me/data.csv", "/me/data.json")] == [
        200, 200, 429]


def test_a_failing_feature_refuses_the_download_rather_than_give_part_of_it(client, household, app):
    def broken(**kwargs):
        raise RuntimeError("no data")

    with signals.person_data.connected_to(broken, sender=app):
        response = client.get("/me/data.json")
    html = check_page(response, 503)
    assert NAME not in html and response.headers["Retry-After"] == "60"
    assert "không tải về gì" in html
