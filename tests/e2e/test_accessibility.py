"""axe-core in headless Chromium (320 px) on the pages of every role and on every
form, empty and refused as well as filled: any serious or critical violation fails the test.

The forms (grep '<form' portal/templates): login, signup, venue (new, edit), poster retirement,
check-in, check-out, venue code box, dependants, pass panel, forget this device, staff team,
scanner, assisted check-in (look-up, details, choice), checkpoint officers, pass card, registry
import, match proposals, follow-ups, suspension, zone levels, report filters, official accounts
(new, edit, password, activation), tracing (new case, look-up, date window, exposure window)."""
import re
from datetime import timedelta

from playwright.sync_api import expect

from portal.audit.services import record
from portal.clock import utcnow
from portal.extensions import db

from ..passes.helpers import with_pass
from ..factories import People, establishment, person, staff_at, visit, visitor
from ..reports.data import HEADER_VI, csv_bytes
from .accessibility import Audit, log_in


def submit(page, field):
    """Press the button of the form holding the element `field` (a CSS selector)."""
    page.locator("form", has=page.locator(field)).locator("button").first.click()


def test_anonymous_pages_and_account_forms(new_page, make):
    page = new_page(js=True)  # axe-core runs in the page and needs its timers
    venue = make.venue(name="Quán Cơm Bình Dân")
    audit = Audit(page)
    audit.visit("/")
    audit.visit("/auth/login")
    submit(page, "#phone")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("login refused")
    audit.visit("/auth/signup")
    submit(page, "#full_name")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("signup refused")
    audit.visit("/c?code=ZZ", status=404)  # the code box again, with its error
    audit.visit(f"/c/{venue.short_code}")
    audit.visit("/no-such-page", status=404)
    audit.assert_clean()
    assert len(audit.seen) == 8


def test_visitor_pages_and_forms(new_page, make):
    page = new_page(js=True)  # axe-core runs in the page and needs its timers
    venue = make.venue(name="Chợ Thủ Dầu Một - Cổng chính")
    closed = make.venue(name="Quán Karaoke Đêm")
    closed.status = "suspended"
    db.session.commit()
    audit = Audit(page)
    audit.visit(f"/v/{venue.token}")
    submit(page, "#full_name")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("check-in refused")
    page.fill("#full_name", "Trần Thị Bích")
    page.fill("#phone", "0912 345 678")
    page.fill("#birth_year", "1990")
    submit(page, "#full_name")
    expect(page).to_have_url(re.compile(r"/visit/"))
    audit.here("checked in")
    audit.visit("/me/dependents/new")
    submit(page, "#full_name")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("dependant refused")
    page.fill("#full_name", "Trần Bé Na")
    page.fill("#birth_year", "2016")
    submit(page, "#full_name")
    expect(page).to_have_url(re.compile(r"/me"))
    audit.here("me with a dependant")
    page.locator("#pass form button").first.click()
    expect(page.locator("#pass svg, #pass img").first).to_be_visible()
    audit.here("me with passes")
    audit.visit("/me/profile")
    audit.visit("/me/delete")
    audit.visit(f"/v/{venue.token}")  # inside: the check-out form
    audit.visit(f"/v/{closed.token}")
    audit.visit(f"/v/{venue.token}?new=1")
    audit.assert_clean()


def test_owner_pages_and_forms(new_page, make):
    page = new_page(js=True)  # axe-core runs in the page and needs its timers
    owner = make.owner(name="Phạm Thị Thu Hương")
    venue = make.venue(owner, name="Tiệm Tạp Hoá Thu Hương")
    staff_at(make, venue)
    log_in(page, owner)
    audit = Audit(page)
    audit.here("owner home")
    audit.visit("/venues/")
    audit.visit("/venues/new")
    submit(page, "#name")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("venue form refused")
    code = venue.short_code
    for url in (f"/venues/{code}/", f"/venues/{code}/edit", f"/venues/{code}/retire",
                f"/venues/{code}/poster", "/staff/", f"/staff/{code}/team", f"/staff/{code}/scan",
                f"/staff/{code}/assist", f"/staff/{code}/figures"):
        audit.visit(url)
    page.goto(f"/staff/{code}/team")
    submit(page, "#full_name")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("staff account refused")
    audit.assert_clean()


def test_staff_and_checkpoint_scanners_and_assisted_check_in(new_page, make):
    shop = make.venue(name="Siêu thị Mini Hạnh Phúc")
    checkpoint = make.venue(name="Chốt kiểm soát QL13 - Lái Thiêu", category="checkpoint")
    regular = person("Nguyễn Văn Khách", phone="0912777666", birth_year=1975)
    card = with_pass(regular)
    for role, venue in (("staff", shop), ("checkpoint", checkpoint)):
        page = new_page(js=True)
        log_in(page, staff_at(make, venue, role=role))
        audit = Audit(page)
        audit.here(f"{role}: scanner")
        if role == "checkpoint":  # a checkpoint without lanes: the officer says which way each person crosses
            page.check("#direction-in")
        page.fill("#token", card)
        submit(page, "#token")
        expect(page.locator(".scan-result")).to_be_visible()
        audit.here(f"{role}: scan result")
        page.fill("#token", "0000 0000 0000")
        submit(page, "#token")
        expect(page.locator(".scan-bad")).to_be_visible()
        audit.here(f"{role}: scan refused")
        audit.visit(f"/staff/{venue.short_code}/figures")
        if role == "checkpoint":  # crossings only: the page says to scan a card or pass instead
            audit.visit(f"/staff/{venue.short_code}/assist", status=404)
            audit.assert_clean()
            continue
        audit.visit(f"/staff/{venue.short_code}/assist")
        page.locator("form", has=page.locator("[name='find-phone']")).locator("button").click()
        expect(page.locator(".error-summary")).to_be_visible()
        audit.here(f"{role}: look-up refused")
        page.fill("[name='find-phone']", "0912 777 666")
        page.fill("[name='find-birth_year']", "1975")
        page.locator("form", has=page.locator("[name='find-phone']")).locator("button").click()
        expect(page.locator("input[name=person]")).to_have_count(1)
        audit.here(f"{role}: choose the person")
        page.locator("form", has=page.locator("input[name=person]")).locator("button").click()
        expect(page.locator(".error-summary, .scan-result").first).to_be_visible()
        audit.here(f"{role}: choice")
        audit.assert_clean()


def official_data(make, ward):
    """Venues with visits today, an establishment, a follow-up-ready venue; returns the venues."""
    shop = make.venue(name="Tạp hoá Cô Hoa", address="12 Nguyễn Trãi", ward_code=ward.code)
    market = make.venue(name="Chợ Phú Lợi", category="market", ward_code=ward.code)
    establishment(ward, name="Tiệm Tạp Hoá Cô Hoa", address="12 Nguyễn Trãi")
    now = utcnow()
    for i in range(3):
        visit(market, visitor(f"Khách {i}", phone=f"+8491288800{i}"), now - timedelta(hours=i + 1),
              out_after=timedelta(minutes=30), out_method="self")
    return shop, market


def test_ward_official_pages_and_forms(new_page, make, tmp_path):
    page = new_page(js=True)  # axe-core runs in the page and needs its timers
    ward = make.wards(1)[0]
    official = make.user(role="ward_official", wards=[ward], name="Cán bộ Lan")
    shop, market = official_data(make, ward)
    log_in(page, official)
    audit = Audit(page)
    audit.here("ward dashboard")
    for url in (f"/reports/wards/{ward.code}/not-registered", f"/reports/wards/{ward.code}/not-used",
                f"/reports/wards/{ward.code}/no-exits", f"/registry/wards/{ward.code}/follow-ups",
                f"/registry/wards/{ward.code}/proposals", f"/registry/venues/{market.short_code}/",
                "/reports/periodic", "/reports/periodic?period=weekly", "/reports/high-risk",
                "/reports/zones", f"/reports/zones/{ward.code}", "/passes/card/new",
                "/account/", "/data-requests/", "/data-requests/new"):
        audit.visit(url)
    page.goto("/passes/card/new")
    submit(page, "#full_name")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("pass card refused")
    page.goto(f"/registry/venues/{market.short_code}/")
    page.locator("form", has=page.locator("#note")).locator("button").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("follow-up refused")

    bad = tmp_path / "loi.csv"
    bad.write_bytes(csv_bytes([["12", "Sai mã", "1 Đường A", "Phường Hoàn Kiếm", ""]] * 3))
    good = tmp_path / "danh-sach.csv"
    good.write_bytes(csv_bytes([["3700123457", "Tạp hoá Cô Hoa", "12 Nguyễn Trãi", ward.code, "Cửa hàng"],
                                ["3700123458", "Chợ Phú Lợi", "3 Phú Lợi", ward.code, "Chợ"]],
                               header=HEADER_VI))
    audit.visit("/registry/import")
    submit(page, "#file")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("import without a file")
    page.set_input_files("#file", str(bad))
    submit(page, "#file")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("import refused")
    page.set_input_files("#file", str(good))
    submit(page, "#file")
    expect(page.locator(".flash").first).to_be_visible()
    audit.here("import result")
    audit.visit(f"/registry/wards/{ward.code}/proposals")
    audit.visit("/registry/establishments/3700123458/")
    audit.assert_clean()


def test_province_admin_pages_and_forms(new_page, make):
    page = new_page(js=True)  # axe-core runs in the page and needs its timers
    admin = make.user(role="province_admin", name="Quản trị Tỉnh")
    ward = make.wards(1)[0]
    official = make.user(role="ward_official", wards=[ward], name="Cán bộ Lan")
    make.venue(admin, name="Chốt kiểm soát Mỹ Phước", category="checkpoint")
    official_data(make, ward)
    record(admin, None, "card", {"venue": "ABC123"}, 1, utcnow())
    db.session.commit()
    log_in(page, admin)
    audit = Audit(page)
    audit.here("province dashboard")
    for url in ("/officials/", "/officials/new", f"/officials/{official.id}/", "/staff/",
                "/staff/checkpoints", "/audit/", "/reports/periodic", "/reports/zones", "/venues/new"):
        audit.visit(url)
    for url, field in (("/officials/new", "#full_name"), ("/reports/zones", "#note"),
                       ("/staff/checkpoints", "[name='officer-full_name'], #full_name"),
                       ("/staff/checkpoints", "#lane-name")):
        page.goto(url)
        page.locator("form", has=page.locator(field)).locator("button").last.click()  # not "Filter"
        expect(page.locator(".error-summary").first).to_be_visible()
        audit.here(f"{url} refused")
    page.goto(f"/officials/{official.id}/")
    page.locator("form", has=page.locator("#password")).locator("button").click()
    expect(page.locator(".error-summary, .error").first).to_be_visible()
    audit.here("new password refused")
    audit.assert_clean()


def test_tracer_pages_and_forms(new_page, make):
    page = new_page(js=True)  # axe-core runs in the page and needs its timers
    people = People()
    venue = make.venue(name="Chợ Thủ Dầu Một - Cổng chính")
    case_person = people.person("Nguyễn Văn Ca", phone="0987 000 111")
    contact = people.person("Trần Thị Bích", phone="0912 345 678")
    people.visit(case_person, venue, people.now - timedelta(hours=3), people.now - timedelta(hours=2))
    people.visit(contact, venue, people.now - timedelta(hours=3), people.now - timedelta(hours=1))
    log_in(page, make.user(role="tracer", name="Bác sĩ Lan"))
    audit = Audit(page)
    audit.here("tracing home")
    audit.visit("/tracing/cases/new")
    submit(page, "#reference")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("new case refused")
    page.fill("#reference", "F0-2021-0927-001")
    page.fill("#purpose", "Tìm người tiếp xúc gần")
    submit(page, "#reference")
    expect(page).to_have_url(re.compile(r"/tracing/cases/[^/]+/$"))
    case_url = page.url
    audit.here("case")
    submit(page, "#phone")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("look-up refused")
    page.fill("#phone", "0987 000 111")
    submit(page, "#phone")
    expect(page).to_have_url(re.compile(r"/visits$"))
    audit.here("visits")
    page.fill("#date_from", "x")
    submit(page, "#date_from")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("date window refused")
    audit.visit(case_url + "contacts")
    audit.visit(case_url + "exposures/new")
    submit(page, "#venue_code")
    expect(page.locator(".error-summary")).to_be_visible()
    audit.here("exposure window refused")
    audit.visit(case_url)
    audit.assert_clean()


def test_the_audit_catches_a_serious_violation(new_page):
    page = new_page(js=True)
    page.set_content('<!doctype html><html lang="vi"><title>Thử</title><main><input name="x"></main></html>')
    audit = Audit(page)
    assert any(p.startswith("label (critical)") for p in audit.here("unlabelled input"))
