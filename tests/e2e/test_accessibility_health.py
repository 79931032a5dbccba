"""axe-core in headless Chromium (320 px) on the health side's planning pages and the zone pages'
new parts: testing rounds (plan form empty and refused, a round with refused counts), risk groups
for a health official and for a ward official, the populations import refused, and the zone page
with its suggestions. Any serious or critical violation fails the test."""
from datetime import date, timedelta

from playwright.sync_api import expect

from portal.clock import local_date, utcnow
from portal.extensions import db
from portal.reports.zones import set_level
from portal.rounds.services import plan

from ..factories import establishment, visit, visitor
from .accessibility import Audit, log_in


def submit(page, field):
    page.locator("form", has=page.locator(field)).locator("button").first.click()


def test_testing_rounds_and_risk_groups(new_page, make):
    page = new_page(js=True)  # axe-core runs in the page and needs its timers
    ward = make.wards(1)[0]
    official = make.user(role="ward_health", wards=[ward])
    set_level(make.user(role="province_admin"), ward, 4, local_date(utcnow()) - timedelta(days=1))
    market = make.venue(name="Chợ Phú Cường", category="market", ward_code=ward.code)
    establishment(ward, name="Chợ Phú Cường", category="market", venue=market)
    regular = visitor(name="Khách Quen", phone="+84912000777")
    for n in range(3):
        visit(market, regular, utcnow() - timedelta(days=n + 1))
    entry = plan(official, ward, date(2026, 12, 7), utcnow())[0]
    db.session.commit()
    log_in(page, official)
    audit = Audit(page)
    audit.visit("/testing/")
    submit(page, "#ward_code")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("plan refused")
    audit.visit(f"/testing/{entry.id}")
    page.fill(f"#tested-{entry.places[0].id}", "5")
    page.fill(f"#positive-{entry.places[0].id}", "9")
    submit(page, f"#tested-{entry.places[0].id}")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("counts refused")
    audit.visit(f"/testing/risk-groups?ward={ward.code}")
    expect(page.locator("main")).to_contain_text("Khách Quen")
    audit.assert_clean()

    page = new_page(js=True)
    log_in(page, make.user(role="ward_official", wards=[ward]))
    audit = Audit(page)
    audit.visit("/testing/risk-groups")
    expect(page.locator("main")).to_contain_text("Chợ Phú Cường")
    audit.assert_clean()


def test_populations_and_suggested_levels(new_page, make):
    page = new_page(js=True)
    make.wards(2)
    log_in(page, make.user(role="province_admin"))
    audit = Audit(page)
    audit.visit("/reports/population")
    submit(page, "#file")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("population file missing")
    audit.visit("/reports/zones")
    audit.assert_clean()
