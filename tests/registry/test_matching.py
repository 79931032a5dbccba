"""Matching establishments to venues: registration number first, then proposals officials decide on."""
from sqlalchemy import select

from portal.extensions import db
from portal.clock import utcnow
from portal.registry.matching import refresh_matches, score
from portal.registry.models import Establishment, MatchProposal
from portal.registry.services import import_registry

from ..html import check_page
from ..reports.data import csv_bytes
from ..factories import establishment


def run(rows):
    result = import_registry(csv_bytes(rows), filename="r.csv", actor=None, province_code="79", now=utcnow())
    db.session.commit()
    return result


def est(number):
    return db.session.scalar(select(Establishment).where(Establishment.registration_number == number))


def proposals_for(number):
    return db.session.scalars(select(MatchProposal).where(
        MatchProposal.establishment_id == est(number).id).order_by(MatchProposal.score.desc())).all()


def test_registration_number_matches_without_asking(make):
    ward = make.wards(1)[0]
    venue = make.venue(name="Cà phê Sáng", registration_number="3700123456-001", ward_code=ward.code)
    result = run([["3700123456001", "CN Công ty Cà phê Sáng", "99 Other Street", ward.code, ""]])
    assert result.matched == 1
    place = est("3700123456001")
    assert place.venue_id == venue.id and place.matched_by_id is None and place.matched_at is not None


def test_similar_name_and_address_is_proposed_ignoring_accents_and_legal_form(make):
    a, b = make.wards(2)
    alike = make.venue(name="Quan Pho Huong Viet", address="12 Le Loi", ward_code=a.code)
    make.venue(name="Quán Phở Hương Việt", address="12 Lê Lợi", ward_code=b.code)  # another ward
    make.venue(name="Nhà sách Thành Nghĩa", address="40 Hai Bà Trưng", ward_code=a.code)
    result = run([["3700000001", "CÔNG TY TNHH PHỞ HƯƠNG VIỆT", "Số 12 Đường Lê Lợi", a.code, "restaurant"]])
    assert result.matched == 0 and result.proposed == 1
    [proposal] = proposals_for("3700000001")
    assert proposal.venue_id == alike.id and proposal.status == "open" and proposal.score >= 90
    assert est("3700000001").venue_id is None


def test_scores_ignore_accents_but_not_different_places():
    assert score("Chợ Thủ Dầu Một", "1 Bạch Đằng", "cho thu dau mot", "1 bach dang") == 100
    assert score("Chợ Thủ Dầu Một", "1 Bạch Đằng", "Nhà máy Sóng Thần", "Lô B2 KCN") < 50


def test_official_confirms_a_proposal(client, make, login):
    ward = make.wards(1)[0]
    venue = make.venue(name="Tạp hoá Cô Hoa", address="12 Nguyễn Trãi", ward_code=ward.code)
    other = make.venue(name="Tạp hoá Cô Hoà", address="12 Nguyễn Trãi", ward_code=ward.code)
    run([["3700000001", "Tạp hoá Cô Hoa", "12 Nguyễn Trãi", ward.code, "shop"]])
    assert len(proposals_for("3700000001")) == 2
    login(make.user(role="ward_official", wards=[ward]))
    client.set_cookie("lang", "en")
    html = check_page(client.get(f"/registry/wards/{ward.code}/proposals"))
    assert "Tạp hoá Cô Hoa" in html and venue.short_code in html
    html = check_page(client.post(f"/registry/establishments/3700000001/proposals/{venue.short_code}/confirm",
                                  follow_redirects=True))
    assert "No proposals are waiting." in html
    place = est("3700000001")
    assert place.venue_id == venue.id and place.matched_by_id is not None
    statuses = {p.venue_id: p.status for p in proposals_for("3700000001")}
    assert statuses == {venue.id: "confirmed", other.id: "superseded"}
    html = check_page(client.get(f"/reports/wards/{ward.code}/not-registered"))
    assert "Tạp hoá Cô Hoa" not in html
    # Deciding again is refused politely.
    response = client.post(f"/registry/establishments/3700000001/proposals/{other.short_code}/confirm",
                           follow_redirects=True)
    assert response.status_code == 200 and est("3700000001").venue_id == venue.id


def test_rejected_proposal_is_not_proposed_again(client, make, login):
    ward = make.wards(1)[0]
    venue = make.venue(name="Nhà trọ Hạnh Phúc", address="88 Phú Lợi", ward_code=ward.code)
    run([["3700000001", "Nhà trọ Hạnh Phúc 2", "88 Phú Lợi", ward.code, ""]])
    login(make.user(role="province_admin"))
    response = client.post(f"/registry/establishments/3700000001/proposals/{venue.short_code}/reject",
                           data={"back": "establishment"})
    assert response.headers["Location"].endswith("/registry/establishments/3700000001/")
    assert [p.status for p in proposals_for("3700000001")] == ["rejected"]
    client.post(f"/registry/wards/{ward.code}/match")
    assert [p.status for p in proposals_for("3700000001")] == ["rejected"]
    assert est("3700000001").venue_id is None


def test_a_venue_matched_elsewhere_cannot_be_confirmed_twice(client, make, login):
    ward = make.wards(1)[0]
    venue = make.venue(name="Siêu thị Mini An", address="3 Hùng Vương", ward_code=ward.code)
    run([["3700000001", "Siêu thị Mini An", "3 Hùng Vương", ward.code, ""],
         ["3700000002", "Siêu thị Mini An Chi nhánh", "3 Hùng Vương", ward.code, ""]])
    login(make.user(role="province_admin"))
    client.post(f"/registry/establishments/3700000001/proposals/{venue.short_code}/confirm")
    assert est("3700000001").venue_id == venue.id
    # The second proposal for the same venue was superseded when the first was confirmed.
    assert [p.status for p in proposals_for("3700000002")] == ["superseded"]
    response = client.post(f"/registry/establishments/3700000002/proposals/{venue.short_code}/confirm")
    assert response.status_code == 302 and est("3700000002").venue_id is None


def test_venues_registered_after_the_import_are_found_by_looking_again(client, make, login, runner):
    ward = make.wards(1)[0]
    run([["3700000001", "Xưởng May Minh Phát", "Lô B2", ward.code, "factory"],
         ["3700000002", "Nhà hàng Biển Xanh", "7 Trần Phú", ward.code, "restaurant"]])
    venue = make.venue(name="May Minh Phat", registration_number="3700000001", ward_code=ward.code)
    login(make.user(role="ward_official", wards=[ward]))
    client.post(f"/registry/wards/{ward.code}/match")
    assert est("3700000001").venue_id == venue.id
    later = make.venue(name="Nhà hàng Biển Xanh", address="7 Trần Phú", ward_code=ward.code)
    result = runner.invoke(args=["registry", "match"])
    assert result.exit_code == 0 and "1 new proposals" in result.output
    assert [p.venue_id for p in proposals_for("3700000002")] == [later.id]


def test_refresh_skips_departed_and_matched_establishments(make):
    ward = make.wards(1)[0]
    venue = make.venue(name="Chợ Cũ", registration_number="3700000009", ward_code=ward.code)
    establishment(ward, name="Chợ Cũ", number="3700000009", status="departed")
    assert refresh_matches([ward.code], utcnow()) == (0, 0)
    assert est("3700000009").venue_id is None and venue.id


def test_one_venue_is_never_matched_twice_even_by_two_officials_at_once(client, make, login, monkeypatch):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from portal.registry.views import matches as routes

    ward = make.wards(1)[0]
    venue = make.venue(name="Chợ Mới", address="2 Trần Hưng Đạo", ward_code=ward.code)
    run([["3700000001", "Chợ Mới", "2 Trần Hưng Đạo", ward.code, ""],
         ["3700000002", "Chợ Mới 2", "2 Trần Hưng Đạo", ward.code, ""]])
    est("3700000001").venue_id = venue.id
    db.session.commit()
    est("3700000002").venue_id = venue.id
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()

    def confirm_without_looking(proposal, actor, now):  # what a second official racing the first would do
        proposal.establishment.venue_id = proposal.venue_id
        db.session.flush()

    monkeypatch.setattr(routes, "confirm", confirm_without_looking)
    login(make.user(role="province_admin"))
    client.set_cookie("lang", "en")
    html = check_page(client.post(f"/registry/establishments/3700000002/proposals/{venue.short_code}/confirm",
                                  follow_redirects=True))
    assert "already matched to another establishment" in html
    assert est("3700000002").venue_id is None
