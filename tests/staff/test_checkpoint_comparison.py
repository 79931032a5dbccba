"""The province's checkpoints side by side at a fixed clock: who may see them, the order, the figures."""
import re
from datetime import datetime, timedelta, timezone

import pytest
from flask import current_app

from portal.extensions import db
from portal.staff.panels import province_panel

from ..factories import person, staff_at
from ..html import check_page
from .test_checkpoint_figures import NOW, lanes, local, scan

URL = "/staff/checkpoints/figures"


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr("portal.staff.views.checkpoint_figures.utcnow", lambda: NOW)
    return NOW


def row_of(html, name):
    """The comparison table's row of the checkpoint named `name`."""
    return next(r for r in re.findall(r"<tr>(.*?)</tr>", html, re.S) if f">{name}</a>" in r)


def cell(row, css):
    return re.search(rf'<td class="[^"]*\b{css}\b[^"]*">(.*?)</td>', row, re.S).group(1).strip()


def test_checkpoints_compared_today_with_the_last_hour_and_the_busiest_hour(client, make, login, clock):
    busy, (lane_in, lane_out) = lanes(make)
    officer = staff_at(make, busy, "checkpoint")
    quiet = make.venue(name="Chốt Mỹ Phước", category="checkpoint")
    shop = make.venue(name="Tiệm Không Phải Chốt")
    # Busy: three crossings in at 07:00 (gaps 10 s, 50 s), two out in the last hour, one refused card.
    for seconds in (0, 10, 60):
        scan(busy, local(7) + timedelta(seconds=seconds), "in", lane_in, user=officer)
    scan(busy, local(9, 30), "out", lane_out, user=officer)
    scan(busy, local(9, 31), "card_fields", lane_out, user=officer)
    scan(busy, local(9, 40), "out", lane_out, user=officer)
    scan(busy, local(9, 40) - timedelta(days=1), "out", lane_out)  # yesterday: not today's
    scan(shop, local(9), "in")

    login(make.user(role="province_admin"))
    html = check_page(client.get(URL))
    assert shop.name not in html and officer.full_name not in html
    row = row_of(html, "Chốt QL13")
    assert (cell(row, "in"), cell(row, "out"), cell(row, "rejected")) == ("3", "2", "1")
    # Gaps 10, 50 (lane 1) and 60, 540 (lane 2): usual 55 s, 95th percentile and longest 540 s = 9 min.
    assert (cell(row, "median"), cell(row, "p95"), cell(row, "longest")) == ("55 giây", "9 phút 0 giây", "9 phút 0 giây")
    assert cell(row, "last-hour") == "2"
    assert cell(row, "busiest").startswith("07:00–08:00") and "3 lượt qua chốt" in cell(row, "busiest")
    assert f'href="/staff/{busy.short_code}/figures"' in row
    calm = row_of(html, "Chốt Mỹ Phước")
    assert (cell(calm, "in"), cell(calm, "median"), cell(calm, "busiest")) == ("0", "–", "–")
    assert f'href="/staff/{quiet.short_code}/figures"' in calm


def test_checkpoints_are_in_vietnamese_order(client, make, login, clock):
    for name in ("Chốt Đông Hòa", "Chốt Ăn Khê", "Chốt Dĩ An", "Chốt An Phú"):
        make.venue(name=name, category="checkpoint")
    closed = make.venue(name="Chốt Bình An", category="checkpoint")  # closed, no scan today: left out
    closed.status = "closed"
    db.session.commit()
    login(make.user(role="province_admin"))
    html = check_page(client.get(URL))
    names = re.findall(r'<th scope="row"><a href="/staff/[^"]+/figures">([^<]+)</a>', html)
    # Code point order would put Ă and Đ after D; Vietnamese puts Ă after A and Đ after D.
    assert names == ["Chốt An Phú", "Chốt Ăn Khê", "Chốt Dĩ An", "Chốt Đông Hòa"]


def test_a_ward_official_compares_the_checkpoints_of_their_wards_only(client, make, login, clock):
    ward_a, ward_b = make.wards(2)
    mine = make.venue(name="Chốt Phường A", category="checkpoint", ward_code=ward_a.code)
    theirs = make.venue(name="Chốt Phường B", category="checkpoint", ward_code=ward_b.code)
    scan(theirs, local(9), "in", direction="in")
    login(make.user(role="ward_official", wards=[ward_a]))
    html = check_page(client.get(URL))
    assert mine.name in html and theirs.name not in html


def test_no_one_else_sees_the_comparison(client, make, login, clock):
    checkpoint = make.venue(name="Chốt QL13", category="checkpoint")
    response = client.get(URL)  # anonymous
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    person("Nguyễn Văn Khách", device_token="d" * 43)
    client.set_cookie("vr_device", "d" * 43)  # a visitor's phone: still no account
    response = client.get(URL)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    shop = make.venue(name="Quán Khác")
    for account in (staff_at(make, shop), staff_at(make, checkpoint, "checkpoint"), shop.owner,
                    make.user(role="tracer")):
        login(account)
        assert client.get(URL).status_code == 404
        client.post("/auth/logout")


def test_the_province_panel_links_to_the_comparison(app, make):
    make.venue(name="Chốt QL13", category="checkpoint")
    with current_app.test_request_context("/"):
        html = str(province_panel(make.user(role="province_admin"), datetime.now(timezone.utc)))
    assert f'href="{URL}"' in html
