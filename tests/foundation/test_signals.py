"""The extension points (portal/signals.py): a failing receiver is logged without personal data and
its page renders without it; receivers run in connection order, for their own app only."""
import logging
from contextlib import ExitStack

import pytest
from markupsafe import Markup

from portal import signals

from ..checkin.helpers import NAME, PHONE, register, venue_url
from ..html import check_page


def _broken(**kwargs):
    raise RuntimeError(f"no pass for {NAME}, {PHONE}")  # a message quoting a visitor, as a real bug might


@pytest.fixture
def failures(caplog, monkeypatch):
    """The log lines of failing receivers; checks none of them carries the visitor's name or phone."""
    # The migrations' logging.config.fileConfig disables loggers that already exist, this one included.
    monkeypatch.setattr(signals.log, "disabled", False)
    caplog.set_level(logging.ERROR, logger="portal.signals")

    def lines():
        found = [r for r in caplog.records if r.name == "portal.signals"]
        for record in found:
            text = record.getMessage()
            assert NAME not in text and PHONE not in text and record.exc_info is None
        return [r.getMessage() for r in found]

    return lines


def _order(html, *markers):
    return [html.index(marker) for marker in markers]


def test_a_failing_venue_panel_is_logged_and_the_owners_page_renders_without_it(app, client, make, login, failures):
    owner = make.owner()
    venue = make.venue(owner)
    login(owner)
    with signals.venue_panels.connected_to(_broken, sender=app):
        html = check_page(client.get(f"/venues/{venue.short_code}/"))
    assert NAME not in html and "no pass for" not in html
    checkin, staff = _order(html, 'aria-labelledby="checkin-panel"', "staff-panel")
    assert checkin < staff  # the panels connected before it are all there, in connection order
    [line] = failures()
    assert "venue_panels" in line and "_broken" in line and "RuntimeError" in line


def test_a_failing_me_panel_is_logged_and_me_renders_without_it(app, client, make, failures):
    register(client, make.venue())
    with signals.me_panels.connected_to(_broken, sender=app):
        html = check_page(client.get("/me"))
    assert 'class="card pass-panel"' in html and "no pass for" not in html
    [line] = failures()
    assert "me_panels" in line and "_broken" in line and "RuntimeError" in line


def test_a_failing_visitor_notice_is_logged_and_each_visitor_page_renders_the_others(app, client, make, failures):
    def warning(visitor_ids, now):
        return [Markup("<p>Cảnh báo phơi nhiễm</p>")]

    venue = make.venue()
    with signals.visitor_notices.connected_to(_broken, sender=app), \
            signals.visitor_notices.connected_to(warning, sender=app):
        location = register(client, venue).headers["Location"]
        pages = [check_page(client.get(url)) for url in (location, venue_url(venue), "/me")]
    for html in pages:
        assert "Cảnh báo phơi nhiễm" in html and "no pass for" not in html  # the receiver after it still ran
    lines = failures()
    assert len(lines) == 3 and all("visitor_notices" in line and "_broken" in line for line in lines)


def test_a_notice_receiver_whose_hint_is_false_for_the_household_is_not_asked_by_the_check_in_pages(app, client, make):
    """The hint is asked in the pages' own look-up; /me, which has no such look-up, asks every receiver."""
    asked = []

    def never(visitor_ids, now):
        asked.append("never")
        return [Markup("<p>never shown</p>")]

    def always(visitor_ids, now):
        asked.append("always")
        return [Markup("<p>Cảnh báo phơi nhiễm</p>")]

    never.notice_hint = lambda visitor_id: visitor_id.is_(None)  # false for every member
    always.notice_hint = lambda visitor_id: visitor_id.is_not(None)
    venue = make.venue()
    location = register(client, venue).headers["Location"]
    with signals.visitor_notices.connected_to(never, sender=app), \
            signals.visitor_notices.connected_to(always, sender=app):
        pages = {url: check_page(client.get(url)) for url in (location, venue_url(venue))}
        assert asked == ["always", "always"]
        for html in pages.values():
            assert "Cảnh báo phơi nhiễm" in html and "never shown" not in html
        html = check_page(client.get("/me"))
    assert asked[2:] == ["never", "always"] and "never shown" in html


def test_a_failing_province_panel_is_logged_and_the_dashboard_renders_without_it(app, client, make, login, failures):
    login(make.user(role="province_admin"))
    with signals.province_panels.connected_to(_broken, sender=app):
        html = check_page(client.get("/reports/"))
    audit, checkpoints = _order(html, 'aria-labelledby="audit-panel-title"', "checkpoint-panel")
    assert audit < checkpoints and "no pass for" not in html
    [line] = failures()
    assert "province_panels" in line and "_broken" in line and "RuntimeError" in line


def test_receivers_belong_to_the_app_that_connected_them_once_in_order(app, make_app):
    def panel(venue):
        return Markup("<p>panel</p>")

    other = make_app()
    with signals.venue_panels.connected_to(panel, sender=app):
        assert panel in signals.venue_panels.receivers_for(app)
        assert panel not in signals.venue_panels.receivers_for(other)
    assert panel not in signals.venue_panels.receivers_for(app)
    for each in (app, other):  # a second app does not double the first one's receivers
        assert [r.__module__ for r in signals.venue_panels.receivers_for(each)] == [
            "portal.checkin.panels", "portal.staff.panels", "portal.inspection.panels"]
        assert [r.__module__ for r in signals.province_panels.receivers_for(each)] == [
            "portal.audit.routes", "portal.staff.panels"]


def test_receivers_run_in_the_order_they_were_connected_not_in_memory_order(app):
    made = [lambda i=i: i for i in range(20)]
    with ExitStack() as stack:
        for receiver in reversed(made):  # the newest function first
            stack.enter_context(signals.me_panels.connected_to(receiver, sender=app))
        order = [receiver() for receiver in signals.me_panels.receivers_for(app) if receiver in made]
    assert order == list(range(19, -1, -1))
