"""Lists and exports that people read come out in Vietnamese order, numbers by value."""
import csv
import io
import random

from sqlalchemy import select

from portal.clock import utcnow
from portal.collation import sorted_vi, stored_key
from portal.extensions import db
from portal.officials.services import official_accounts
from portal.registry.models import Establishment
from portal.registry.services import import_registry
from portal.reports import lists
from portal.reports.periodic import report_wards
from portal.staff.services import add_staff, staff_of

from ..factories import PASSWORD, establishment, next_phone
from .data import csv_bytes

#: Names as an official expects to read them; code-point order would put "Đào" after "Thuận".
NAMES = ["Bảy Hiền", "Bình Đông", "Dương Xanh", "Đào Hoa", "Lô 69", "Lô 161", "Thành Công", "Thuận Thành"]
ADDRESSES = ["Số 9 Đường D1", "Số 69 Đường D1", "Số 161 Đường D1", "Số 1000 Đường D1"]


def _shuffled(items):
    items = list(items)
    random.Random(4).shuffle(items)
    return items


def _names(kind, ward, **args):
    rows, _total = lists.fetch(lists.ListQuery.parse(kind, ward.code, args), utcnow())
    return [row["place"].name for row in rows]


def test_ward_lists_sort_names_and_addresses_the_vietnamese_way(make):
    ward = make.wards(1)[0]
    for i, name in enumerate(_shuffled(NAMES)):
        establishment(ward, name=name, address=ADDRESSES[i % 4])
        make.venue(name=name, ward_code=ward.code)
    assert _names("not-registered", ward) == NAMES
    assert _names("not-registered", ward, order="desc") == NAMES[::-1]
    assert _names("not-used", ward) == NAMES
    rows, _total = lists.fetch(lists.ListQuery.parse("not-registered", ward.code, {"sort": "address"}), utcnow())
    addresses = [row["place"].address for row in rows]
    assert sorted(set(addresses), key=addresses.index) == ADDRESSES


def test_list_export_is_in_vietnamese_order(client, make, login):
    ward = make.wards(1)[0]
    for name in _shuffled(NAMES):
        establishment(ward, name=name)
    login(make.user(role="ward_official", wards=[ward]))
    response = client.get(f"/reports/wards/{ward.code}/not-registered.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == NAMES


def test_people_and_wards_are_listed_in_vietnamese_order(make):
    venue = make.venue()
    for name in _shuffled(NAMES):
        make.user(role="tracer", name=name)
        add_staff(venue.owner, venue, name, next_phone(), PASSWORD)
    db.session.commit()
    assert [u.full_name for u in official_accounts() if u.role == "tracer"] == NAMES
    assert [u.full_name for u in staff_of(venue)] == NAMES
    names = [w.name for w in report_wards(None, "79")]
    assert len(names) > 100 and names == sorted_vi(names)


def test_a_registry_reimport_that_renames_refreshes_the_sort_keys(make):
    ward = make.wards(1)[0]
    rows = [["3700000001", "Thuận Thành", "Số 161 Đường D1", ward.code, "Chợ"],
            ["3700000002", "Bảy Hiền", "Số 9 Đường D1", ward.code, "Chợ"]]
    import_registry(csv_bytes(rows), filename="a.csv", actor=None, province_code="79", now=utcnow())
    rows[0][1], rows[0][2] = "Đào Hoa", "Số 69 Đường D1"
    import_registry(csv_bytes(rows), filename="b.csv", actor=None, province_code="79", now=utcnow())
    db.session.commit()
    stored = db.session.execute(select(Establishment.name, Establishment.name_sort, Establishment.address,
                                       Establishment.address_sort).where(Establishment.ward_code == ward.code))
    for name, name_sort, address, address_sort in stored:
        assert (name_sort, address_sort) == (stored_key(name), stored_key(address))
