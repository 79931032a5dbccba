"""Page budget: the check-in and confirmation pages weigh at most 15 KB with their CSS, need no
JavaScript and load nothing from elsewhere."""
import re

import pytest

from ..html import check_page, hidden_fields
from .helpers import register, venue_url, visits

BUDGET = 15 * 1024


def weight(client, html):
    """Bytes of the HTML plus every stylesheet it links; no script, image or font at all."""
    assert not re.search(r"<script|<img|<iframe|@import|url\(", html)
    assert not re.search(r'(src|href)="(https?:)?//', html.replace('href="//', ""))  # nothing off-site
    total = len(html.encode("utf-8"))
    for href in re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', html):
        with client.get(href) as response:  # closed: a static file is streamed from an open file
            css = response.get_data()
        assert b"url(" not in css and b"@import" not in css and b"@font-face" not in css
        total += len(css)
    return total


@pytest.fixture
def household_at(client, make):
    """A remembered visitor with a long name and five dependents, inside a venue with long texts."""
    venue = make.venue(name="Công ty TNHH Sản Xuất Thương Mại Dịch Vụ " + "Rất Dài " * 12,
                       address="Lô B2-15, Đường số 7, Khu Công Nghiệp Sóng Thần " + "mở rộng " * 20)
    register(client, venue, name="Nguyễn Thị " + "Phương " * 12)
    client.post(f"/visit/{visits()[0].ref}/out", data={})
    for i in range(5):
        client.post("/me/dependents/new", data={"full_name": f"Nguyễn Văn Con Thứ {i} " + "Út " * 10,
                                                  "birth_year": "2015"})
    return venue


def test_first_time_form_with_errors_is_within_budget(client, make):
    venue = make.venue(name="Chợ " + "Lớn " * 40)
    html = check_page(client.get(venue_url(venue)))
    assert weight(client, html) <= BUDGET
    data = hidden_fields(html, venue_url(venue))
    data.update(full_name="<b>" * 30, phone="abc", birth_year="3000")
    html = check_page(client.post(venue_url(venue), data=data), 422)
    assert weight(client, html) <= BUDGET


def test_one_tap_page_and_check_out_page_are_within_budget(client, household_at):
    html = check_page(client.get(venue_url(household_at)))
    assert html.count('type="checkbox"') == 5
    assert weight(client, html) <= BUDGET
    data = hidden_fields(html, venue_url(household_at))
    data["dependents"] = re.findall(r'name="dependents" value="([^"]+)"', html)
    location = client.post(venue_url(household_at), data=data).headers["Location"]
    html = check_page(client.get(venue_url(household_at)))  # inside: check out, five dependents
    assert weight(client, html) <= BUDGET
    html = check_page(client.get(location))  # the confirmation with everyone
    assert weight(client, html) <= BUDGET


def test_confirmation_after_check_out_is_within_budget(client, household_at):
    html = client.get(venue_url(household_at)).get_data(as_text=True)
    location = client.post(venue_url(household_at), data=hidden_fields(html, venue_url(household_at))).headers["Location"]
    client.post(location + "/out", data={})
    html = check_page(client.get(location))
    assert weight(client, html) <= BUDGET
