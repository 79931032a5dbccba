"""Owners see today's check word and per-venue counts on their venue page, never names."""
from portal.checkin.services import day_word
from portal.clock import utcnow

from ..html import check_page
from .helpers import register, visits


def test_owner_sees_counts_and_the_same_check_word_as_the_visitor(app, client, make, login):
    owner = make.owner()
    venue = make.venue(owner)
    visitor = app.test_client()
    location = register(visitor, venue, name="Đặng Thuỳ Trâm", phone="0912 888 999").headers["Location"]
    second = app.test_client()
    register(second, venue, name="Hồ Xuân Hương", phone="0913 777 666")
    second.post(f"/visit/{visits()[1].ref}/out", data={})
    confirmation = visitor.get(location).get_data(as_text=True)
    word = day_word(app.config["SECRET_KEY"], venue, utcnow(), "Asia/Ho_Chi_Minh")
    assert f'<strong lang="vi">{word}</strong>' in confirmation

    login(owner)
    html = check_page(client.get(f"/venues/{venue.short_code}/"))
    assert word in html
    panel = html.split('aria-labelledby="checkin-panel"')[1].split("</section>")[0]
    assert "<dd>2</dd>" in panel and "<dd>1</dd>" in panel  # two check-ins today, one inside
    for secret in ("Đặng Thuỳ Trâm", "Hồ Xuân Hương", "888 999", "888999", "777 666"):
        assert secret not in html


def test_another_owner_cannot_see_the_panel(client, make, login):
    venue = make.venue()
    login(make.owner())
    check_page(client.get(f"/venues/{venue.short_code}/"), 404)
