"""Exposure windows: who is warned, the count for the tracer, the warning on /me and at the next scan."""
from datetime import timedelta

from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.checkin.models import Visit
from portal.extensions import db
from portal.clock import utcnow
from portal.tracing.exposures import create_exposure, visitor_notices
from portal.tracing.models import Case, Exposure, ExposureNotice
from portal.tracing.services import create_case
from portal.visitors.models import Visitor

from ..checkin.helpers import NAME, register, tap_check_in, venue_url
from ..html import check_page


def _local(value):
    """A UTC time as typed into the form (Asia/Ho_Chi_Minh, UTC+7)."""
    return (value + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M")


def _scene(make, people):
    """A venue where the case stayed 10:00-11:00 three days ago, with visitors around."""
    venue = make.venue(name="Chợ Thủ Dầu Một", default_stay_minutes=60)
    base = people.now - timedelta(days=3)
    f0 = people.person("Ca Bệnh", phone="0912 100 000")
    people.visit(f0, venue, base, base + timedelta(minutes=60))
    inside = people.person("Trong Khung", phone="0912 100 001")
    people.visit(inside, venue, base + timedelta(minutes=50), base + timedelta(minutes=70))
    touching = people.person("Vừa Ra", phone="0912 100 002")
    people.visit(touching, venue, base - timedelta(minutes=30), base)
    open_stay = people.person("Quên Quét Ra", phone="0912 100 003")
    people.visit(open_stay, venue, base - timedelta(minutes=40))  # default stay: until base + 20
    elsewhere = people.person("Nơi Khác", phone="0912 100 004")
    people.visit(elsewhere, make.venue(name="Nơi khác"), base, base + timedelta(minutes=60))
    return venue, base, f0, {"inside": inside, "touching": touching, "open": open_stay, "elsewhere": elsewhere}


def test_an_exposure_window_warns_overlapping_visitors_and_counts_them(client, open_case, make, people):
    venue, base, f0, who = _scene(make, people)
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": "0912100000"})
    response = client.post(case_url + "exposures/new", data={
        "venue_code": venue.short_code.lower(), "starts_at": _local(base), "ends_at": _local(base + timedelta(hours=1)),
        "advice": "test"})
    assert response.status_code == 302
    html = check_page(client.get(response.headers["Location"]))
    assert "2 người sẽ thấy cảnh báo" in html and "<td>2</td>" in html
    warned = set(db.session.scalars(select(ExposureNotice.visitor_id)))
    assert warned == {who["inside"].id, who["open"].id}  # not the case, not touching, not elsewhere
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "exposure"))
    assert entry.row_count == 2 and f"venue={venue.short_code}" in entry.query and "advice=test" in entry.query


def test_exposure_window_bad_input_saves_nothing(client, open_case, make, people):
    venue, base, _f0, _who = _scene(make, people)
    case_url = open_case()
    good = {"venue_code": venue.short_code, "starts_at": _local(base), "ends_at": _local(base + timedelta(hours=1)),
            "advice": "isolate"}
    cases = [
        ({"ends_at": _local(base + timedelta(hours=24, minutes=1))}, "tối đa 24 giờ"),
        ({"ends_at": _local(base - timedelta(minutes=1))}, "phải sau thời điểm bắt đầu"),
        ({"starts_at": _local(utcnow()), "ends_at": _local(utcnow() + timedelta(hours=2))}, "tương lai"),
        ({"starts_at": _local(base - timedelta(days=30)), "ends_at": _local(base - timedelta(days=30) + timedelta(hours=1))},
         "28 ngày"),
        ({"venue_code": "ZZZZZZ"}, "Không có địa điểm nào"),
        ({"venue_code": ""}, "Nhập mã địa điểm"),
        ({"advice": "party"}, "Chọn khuyến cáo"),
        ({"starts_at": "hôm qua"}, "14/09/2021 18:30"),
    ]
    for change, message in cases:
        html = check_page(client.post(case_url + "exposures/new", data={**good, **change}), 422)
        assert "error-summary" in html and message in html, change
    assert db.session.scalar(select(func.count()).select_from(Exposure)) == 0
    assert db.session.scalar(select(func.count()).select_from(ExposureNotice)) == 0


def test_exposure_form_is_prefilled_from_the_contacts_page(client, open_case, make, people):
    venue, base, _f0, _who = _scene(make, people)
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": "0912100000"})
    html = check_page(client.get(case_url + "contacts"))
    link = html.split('href="')[[i for i, part in enumerate(html.split('href="')) if "exposures/new?" in part][0]]
    url = link.split('"')[0].replace("&amp;", "&")
    html = check_page(client.get(url))
    assert f'value="{venue.short_code}"' in html and f'value="{_local(base)}"' in html


def test_the_provider_gives_date_venue_and_advice_only_to_warned_people(app, make, people, tracer):
    venue, base, f0, who = _scene(make, people)
    case = create_case(tracer, "F0-1", "Tìm F1", people.now)
    case.visitor_id = f0.id
    create_exposure(tracer, case, venue, base, base + timedelta(hours=1), "isolate", now=people.now, retention_days=28)
    db.session.commit()
    [notice] = visitor_notices([who["inside"].id], people.now)
    assert "Chợ Thủ Dầu Một" in notice and "cách ly tại nhà" in notice and "Cảnh báo y tế" in notice
    assert visitor_notices([who["touching"].id], people.now) == []
    assert visitor_notices([f0.id], people.now) == []
    # A household sees one warning per window even when two of its people were there.
    assert len(visitor_notices([who["inside"].id, who["open"].id], people.now)) == 1
    # After the retention period the warning is gone, even before the purge.
    assert visitor_notices([who["inside"].id], people.now + timedelta(days=28)) == []


def test_the_warning_shows_on_me_and_at_the_next_scan(client, make, tracer):
    market, shop = make.venue(name="Chợ Bến Thành Mới"), make.venue(name="Tạp hoá Cô Ba")
    register(client, market)
    visitor = db.session.scalar(select(Visitor))
    visit_start = utcnow()
    case = create_case(tracer, "F0-2", "Tìm F1", visit_start)
    create_exposure(tracer, case, market, visit_start - timedelta(minutes=30), utcnow(), "monitor",
                    now=utcnow(), retention_days=28)
    db.session.commit()
    assert db.session.scalar(select(ExposureNotice.visitor_id)) == visitor.id
    html = check_page(client.get("/me"))
    assert "Cảnh báo y tế" in html and "Chợ Bến Thành Mới" in html and "theo dõi sức khoẻ" in html
    assert NAME in html
    html = check_page(client.get(venue_url(shop)))  # the scan's page, before the tap
    assert "Cảnh báo y tế" in html and "Chợ Bến Thành Mới" in html
    html = check_page(client.get(tap_check_in(client, shop).headers["Location"]))
    assert "Cảnh báo y tế" in html and "Chợ Bến Thành Mới" in html
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1


def test_a_dependents_warning_shows_on_the_households_pages(client, make, tracer):
    """The pages ask whether a warning is kept in their own look-up, for every member: a warning
    of a dependent alone reaches the lead's scan page and confirmation."""
    market, shop = make.venue(name="Chợ Bến Thành Mới"), make.venue(name="Tạp hoá Cô Ba")
    register(client, shop)
    client.post("/me/dependents/new", data={"full_name": "Bé Na", "birth_year": "2016"})
    child = db.session.scalar(select(Visitor).where(Visitor.lead_id.is_not(None)))
    start = utcnow() - timedelta(hours=2)
    people_visit = Visit(ref="dependent-visit-at-market", visitor_id=child.id, venue_id=market.id,
                         checked_in_at=start, due_out_at=start + timedelta(minutes=60), in_method="self")
    db.session.add(people_visit)
    case = create_case(tracer, "F0-3", "Tìm F1", start)
    create_exposure(tracer, case, market, start, start + timedelta(minutes=30), "test", now=utcnow(),
                    retention_days=28)
    db.session.commit()
    assert db.session.scalars(select(ExposureNotice.visitor_id)).all() == [child.id]
    for html in (check_page(client.get(venue_url(shop))),
                 check_page(client.get(tap_check_in(client, shop).headers["Location"]))):
        assert "Cảnh báo y tế" in html and "Chợ Bến Thành Mới" in html and "Bé Na" in html
