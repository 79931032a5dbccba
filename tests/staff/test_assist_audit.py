"""Assisted check-ins leave a trace for the province (who, venue, when, what kind), never the person."""
import pytest
from sqlalchemy import select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.staff.assist import masked_name

from ..html import check_page
from ..factories import person, staff_at
from .helpers import confirm_data

TYPED = {"full_name": "Bà Tư Bán Vé Số", "phone": "0912 444 555", "birth_year": "1949"}


@pytest.mark.parametrize("name,masked", [
    ("Phạm Thị Hồng Vân", "P*** T** H*** V**"),
    ("Đặng  Văn Ư", "Đ*** V** Ư"),
    ("Nguyễn Ngọc Ánh", "N***** N*** Á**"),
    ("Nguye\u0302\u0303n An", "N***** A*"),  # decomposed input counts letters, not code points
    ("", ""),
])
def test_one_masking_rule_for_every_name(name, masked):
    assert masked_name(name) == masked


def entries():
    return db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def test_each_assisted_check_in_and_out_is_audited_without_the_persons_data(client, make, login):
    venue = make.venue()
    staff = staff_at(make, venue)
    login(staff)
    url = f"/staff/{venue.short_code}/assist"
    client.post(url + "/new", data=TYPED)
    client.post(url + "/new", data=TYPED)
    person("Ngô Thị Lan", phone="0912555111", birth_year=1975)
    client.post(url + "/confirm", data=confirm_data(client, venue, "0912555111", "1975"))
    got = [(e.action, e.actor_id, e.actor_role, e.case_id, e.query, e.row_count) for e in entries()]
    where = f"venue={venue.short_code}"
    assert got == [
        ("assist_in", staff.id, "staff", None, f"how=details {where}", 1),
        ("assist_out", staff.id, "staff", None, f"how=details {where}", 1),
        ("assist_lookup", staff.id, "staff", None, where, 1),
        ("assist_in", staff.id, "staff", None, f"how=phone {where}", 1),
    ]
    for e in entries():
        for secret in ("Tư", "Lan", "0912", "84912", "1949", "1975"):
            assert secret not in e.query


def test_nothing_is_audited_when_nothing_happened(client, make, login):
    venue = make.venue()
    login(staff_at(make, venue))
    url = f"/staff/{venue.short_code}/assist"
    client.post(url + "/new", data=dict(TYPED, birth_year="năm"))  # refused: nothing recorded
    client.post(url + "/confirm", data={"state": "forged", "person": "x"})
    assert entries() == []


def test_the_province_reads_them_on_the_audit_page(client, make, login):
    venue = make.venue()
    login(staff_at(make, venue))
    client.post(f"/staff/{venue.short_code}/assist/new", data=TYPED)
    client.post("/auth/logout")
    login(make.user(role="province_admin"))
    html = check_page(client.get("/audit/"))
    assert "Nhân viên ghi vào hộ một người" in html and venue.short_code in html
    assert "Bà Tư" not in html and "0912 444 555" not in html
