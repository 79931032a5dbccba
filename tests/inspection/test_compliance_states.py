"""QR compliance states and their reasons, at a fixed clock."""
from datetime import timedelta

from portal.extensions import db
from portal.inspection.compliance import compliance_of

from ..factories import establishment
from .compliance_data import NOW, RULES, TODAY, good_venue, inspect, scans


def codes(found):
    return [r.code for r in found.reasons]


def state(venue):
    return compliance_of(venue, NOW, RULES, "Asia/Ho_Chi_Minh")


def test_a_venue_meeting_every_condition_meets_and_says_why(app, make):
    ward = make.wards(1)[0]
    venue = good_venue(make, ward, make.user(role="inspector"))
    found = state(venue)
    assert found.state == "meets" and found.meets
    assert codes(found) == ["inspected_meets", "scans", "checkout_ok", "matched"]
    assert found.checkins == 5 and found.share == 80
    assert found.reasons[0].params == {"day": "17/11/2026"}


def test_to_fix_lists_what_to_fix_until_the_date_then_not_compliant(app, make):
    ward = make.wards(1)[0]
    inspector = make.user(role="inspector")
    venue = good_venue(make, ward, inspector)
    inspect(venue, inspector, "to_fix", at=NOW - timedelta(days=1), fix_by=TODAY + timedelta(days=5),
            note="Treo mã ở cổng sau", assisted_way=False)
    found = state(venue)
    assert found.state == "to_fix"
    assert codes(found) == ["to_fix"]
    params = found.reasons[0].params
    assert params["note"] == "Treo mã ở cổng sau"
    assert [str(m) for m in params["missing"]] == ["Có cách hỗ trợ người không có điện thoại"]
    assert found.reasons[0].params["fix_by"] == "25/11/2026"
    later = compliance_of(venue, NOW + timedelta(days=6), RULES, "Asia/Ho_Chi_Minh")
    assert later.state == "not_compliant" and codes(later)[0] == "fix_overdue"


def test_a_violation_and_a_suspension_are_not_compliant(app, make):
    ward = make.wards(1)[0]
    inspector = make.user(role="inspector")
    venue = good_venue(make, ward, inspector)
    inspect(venue, inspector, "violation", at=NOW - timedelta(hours=2), note="Mã QR giả ở cổng chính")
    venue.status = "suspended"
    db.session.commit()
    found = state(venue)
    assert found.state == "not_compliant"
    assert codes(found) == ["suspended", "violation"]


def test_no_recent_scans_is_not_compliant(app, make):
    ward = make.wards(1)[0]
    inspector = make.user(role="inspector")
    venue = make.venue(name="Quán Cà Phê Im Lặng", ward_code=ward.code)
    establishment(ward, venue=venue)
    inspect(venue, inspector, "meets")
    scans(venue, checked_out=3, forgot=3, at=NOW - timedelta(days=8))  # before the 7 days
    found = state(venue)
    assert found.state == "not_compliant" and codes(found) == ["no_scans"]
    assert found.reasons[0].params == {"days": 7}


def test_a_low_check_out_rate_is_not_compliant_once_there_are_enough_visits(app, make):
    ward = make.wards(1)[0]
    inspector = make.user(role="inspector")
    venue = make.venue(name="Siêu Thị Quên Ra", category="supermarket", ward_code=ward.code)
    establishment(ward, venue=venue, category="supermarket")
    inspect(venue, inspector, "meets")
    scans(venue, checked_out=1, forgot=2)  # 3 finished visits: fewer than 4, the rate is not judged
    found = state(venue)
    assert found.state == "meets" and "checkout_few" in codes(found)
    scans(venue, checked_out=0, forgot=1)  # 4 finished, 1 checked out: 25 in 100 < 50
    found = state(venue)
    assert found.state == "not_compliant" and codes(found) == ["low_checkout"]
    assert found.reasons[0].params == {"share": 25, "days": 7, "least": 50}


def test_never_inspected_old_inspection_or_no_registry_match_is_unknown(app, make):
    ward = make.wards(1)[0]
    inspector = make.user(role="inspector")
    fresh = make.venue(name="Tiệm Mới Mở", ward_code=ward.code)
    establishment(ward, venue=fresh)
    scans(fresh, checked_out=4, forgot=0)
    found = state(fresh)
    assert found.state == "unknown" and codes(found) == ["never_inspected"]

    old = make.venue(name="Tiệm Lâu Năm", ward_code=ward.code)
    scans(old, checked_out=4, forgot=0)
    inspect(old, inspector, "meets", at=NOW - timedelta(days=400))
    found = state(old)
    assert found.state == "unknown" and codes(found) == ["inspection_old", "not_matched"]

    departed = make.venue(name="Tiệm Đã Rời Sổ", ward_code=ward.code)
    establishment(ward, venue=departed, status="departed", number="3700000999")
    inspect(departed, inspector, "meets")
    scans(departed, checked_out=4, forgot=0)
    found = state(departed)
    assert found.state == "unknown" and codes(found) == ["departed"]
    assert found.reasons[0].params == {"number": "3700000999"}


def test_the_worst_finding_decides_and_problems_come_first(app, make):
    ward = make.wards(1)[0]
    inspector = make.user(role="inspector")
    venue = make.venue(name="Nhà Hàng Chưa Sửa", ward_code=ward.code)  # not matched, no scans
    inspect(venue, inspector, "to_fix", fix_by=TODAY + timedelta(days=3), note="Thiếu mã ở cổng phụ")
    found = state(venue)
    assert found.state == "not_compliant"
    assert codes(found) == ["no_scans", "to_fix", "not_matched"]


def test_reasons_read_in_vietnamese_by_default(app, make):
    ward = make.wards(1)[0]
    venue = good_venue(make, ward, make.user(role="inspector"))
    venue.status = "suspended"
    db.session.commit()
    with app.test_request_context("/"):
        found = state(venue)
        assert found.texts() == ["Cơ sở đang bị tạm dừng hoạt động."]
        assert str(found.state_label) == "Không đạt"
