"""A visitor's data rights in headless Chromium with JavaScript off at 320 px: read the notice,
check in, download everything kept, correct the name, delete it all; /me then remembers nobody."""
import json

from playwright.sync_api import expect
from sqlalchemy import func, select

from portal.checkin.models import Visit
from portal.extensions import db
from portal.visitors.models import Device, ErasureLog, Visitor


def test_read_check_in_download_correct_and_delete(live_server, new_page, make, artifacts, page_width,
                                                   external_requests):
    venue = make.venue(name="Nhà sách Phương Nam", address="12 Đường Lê Lợi")
    page = new_page()
    page.context.add_cookies([{"name": "lang", "value": "en", "url": live_server.url}])

    page.goto(f"/v/{venue.token}")
    expect(page.locator("h1")).to_have_text(venue.name)
    page.get_by_role("link", name="Read the full privacy notice").click()
    expect(page.locator("h1")).to_have_text("Privacy notice")
    expect(page.get_by_text("To delete, or to withdraw your consent")).to_be_visible()
    assert page_width(page) <= 320
    page.screenshot(path=str(artifacts / "rights-1-notice.png"), full_page=True)

    page.go_back()
    expect(page.locator("h1")).to_have_text(venue.name)
    page.fill("#full_name", "Trần Thị Bích")
    page.fill("#phone", "0912 345 678")
    page.fill("#birth_year", "1990")
    page.get_by_role("button", name="Check in").click()
    expect(page.locator("h1")).to_have_text("Checked in")
    page.screenshot(path=str(artifacts / "rights-2-checked-in.png"), full_page=True)

    page.goto("/me")
    expect(page.get_by_text("This phone checks in Trần Thị Bích.")).to_be_visible()
    assert page_width(page) <= 320
    with page.expect_download() as info:
        page.get_by_role("link", name="JSON").click()
    download = info.value
    assert download.suggested_filename == "vao-ra-my-data.json"
    saved = artifacts / "rights-3-my-data.json"
    download.save_as(saved)
    document = json.loads(saved.read_text(encoding="utf-8"))
    [profile] = document["sections"]["profiles"]["rows"]
    assert (profile["Person"], profile["Phone number"], profile["Year of birth"]) == (
        "Trần Thị Bích", "0912 345 678", 1990)
    [visit] = document["sections"]["visits"]["rows"]
    assert visit["Place"] == venue.name and visit["Person"] == "Trần Thị Bích"
    page.screenshot(path=str(artifacts / "rights-3-me.png"), full_page=True)

    page.get_by_role("link", name="Correct your name or year of birth").click()
    expect(page.locator("h1")).to_have_text("Correct your details")
    page.fill("#full_name", "Trần Thị Bích Ngọc")
    assert page_width(page) <= 320
    page.screenshot(path=str(artifacts / "rights-4-correct.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    expect(page.get_by_text("This phone checks in Trần Thị Bích Ngọc.")).to_be_visible()

    page.get_by_role("link", name="Delete my data").click()
    expect(page.locator("h1")).to_have_text("Delete your data")
    expect(page.get_by_text("Visits: 1")).to_be_visible()
    assert page_width(page) <= 320
    page.screenshot(path=str(artifacts / "rights-5-confirm-delete.png"), full_page=True)
    page.get_by_role("button", name="Yes, delete everything").click()
    expect(page.locator("h1")).to_have_text("Data deleted")
    page.screenshot(path=str(artifacts / "rights-6-deleted.png"), full_page=True)

    page.goto("/me")
    expect(page.get_by_text("This phone does not remember anyone yet.")).to_be_visible()
    page.screenshot(path=str(artifacts / "rights-7-me-after.png"), full_page=True)

    db.session.rollback()
    assert [db.session.scalar(select(func.count()).select_from(model)) for model in (Visitor, Device, Visit)] == [
        0, 0, 0]
    assert db.session.scalar(select(ErasureLog.kind)) == "self"
    assert external_requests == []
