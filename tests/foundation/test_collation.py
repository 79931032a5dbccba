"""Vietnamese order: the collation functions, and the persisted sort keys ordering rows in SQL."""
import importlib.util
import random
from pathlib import Path

from sqlalchemy import insert, select, update

from portal.auth.models import User
from portal.collation import sort_key, sorted_vi, stored_key
from portal.divisions.services import wards_of
from portal.extensions import db
from portal.registry.models import Establishment
from portal.venues.models import Venue

MIGRATION = Path(__file__).parents[2] / "migrations" / "versions" / "0010_sort_keys.py"

D_WORDS = ["Dương", "Dĩ An", "dầu", "Dzũng", "Dừa", "DỮ", "dy", "Dựng"]
DD_WORDS = ["Đào", "đa", "Đà Nẵng", "ĐÔNG", "Đinh", "đ", "Đức"]
#: A province's names in Vietnamese order, as an official expects to read them.
IN_ORDER = [
    "Anh Đào", "Ăn Uống", "Âu Cơ", "Bảy Hiền", "Bình Đông", "Dĩ An", "Dương", "Đào", "Đông Hòa",
    "Lô 2", "Lô 69", "Lô 161", "Ông Tạ", "Ơn Trời", "Thành Công", "Thuận Thành", "Ư Ư", "Ưu Đãi",
]


def _shuffled(items):
    items = list(items)
    random.Random(13).shuffle(items)
    return items


def test_issue_examples_sort_the_vietnamese_way():
    assert sort_key("Thành Công") < sort_key("Thuận Thành")
    assert sort_key("Bảy Hiền") < sort_key("Bình Đông")
    assert sort_key("Lô 69") < sort_key("Lô 161")
    assert sorted_vi(_shuffled(IN_ORDER)) == IN_ORDER
    # Plain code-point order gets these wrong, which is why a collator is needed.
    assert sorted(["Âu Cơ", "Ăn Uống", "Anh Đào"]) != ["Anh Đào", "Ăn Uống", "Âu Cơ"]


def test_every_d_sorts_before_every_dd():
    last_d = max(sort_key(word) for word in D_WORDS)
    first_dd = min(sort_key(word) for word in DD_WORDS)
    assert last_d < first_dd
    assert sorted_vi(_shuffled(D_WORDS + DD_WORDS))[len(D_WORDS):] == sorted_vi(DD_WORDS)


def test_tones_and_numbers_by_value():
    assert sorted_vi(["mạ", "má", "mã", "mả", "mà", "ma"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    numbered = ["Phường 10", "phường 2", "Phường 1", "Số 161 Lê Lợi", "Số 9 Lê Lợi", "Số 69 Lê Lợi"]
    assert sorted_vi(numbered) == ["Phường 1", "phường 2", "Phường 10",
                                   "Số 9 Lê Lợi", "Số 69 Lê Lợi", "Số 161 Lê Lợi"]


def test_sorted_vi_takes_a_key_and_reverse_and_tolerates_blanks():
    rows = [{"name": "Thuận Thành"}, {"name": None}, {"name": "Thành Công"}]
    assert [r["name"] for r in sorted_vi(rows, key=lambda r: r["name"])] == [None, "Thành Công", "Thuận Thành"]
    assert sorted_vi(["Đào", "Dương"], reverse=True) == ["Đào", "Dương"]
    # Doubled and stray spaces do not move a name.
    assert sort_key("  Phường  An\u00a0Nhơn ") == sort_key("Phường An Nhơn")


def test_stored_keys_are_ascii_whose_plain_order_is_vietnamese_order():
    keys = {name: stored_key(name) for name in IN_ORDER + D_WORDS + DD_WORDS}
    assert all(key.isascii() and key == key.lower() for key in keys.values())
    assert sorted(keys, key=keys.get) == sorted_vi(keys)


def test_sort_keys_order_venues_users_and_establishments_in_sql(make):
    ward = make.wards(1)[0]
    owner = make.owner()
    for name in _shuffled(IN_ORDER):
        make.venue(owner=owner, name=name, ward_code=ward.code)
        make.user(name=name)
    query = select(Venue.name).where(Venue.owner_id == owner.id).order_by(Venue.name_sort, Venue.id)
    assert db.session.scalars(query).all() == IN_ORDER
    query = select(User.full_name).where(User.full_name.in_(IN_ORDER)).order_by(User.full_name_sort)
    assert db.session.scalars(query).all() == IN_ORDER
    assert db.session.scalars(query.order_by(None).order_by(User.full_name_sort.desc())).all() == IN_ORDER[::-1]
    # A bulk insert that names no sort key (as the registry import does) still fills them.
    addresses = [f"Số {n} Đường Dĩ An" for n in (161, 9, 69, 1000)]
    db.session.execute(insert(Establishment), [
        dict(registration_number=f"37990000{i:02d}", name=name, address=addresses[i % 4],
             ward_code=ward.code, category="shop") for i, name in enumerate(_shuffled(IN_ORDER))])
    db.session.commit()
    by_name = select(Establishment.name).where(Establishment.ward_code == ward.code)
    assert db.session.scalars(by_name.order_by(Establishment.name_sort)).all() == IN_ORDER
    by_address = select(Establishment.address, Establishment.address_sort).distinct()
    by_address = by_address.where(Establishment.ward_code == ward.code).order_by(Establishment.address_sort)
    assert [row.address for row in db.session.execute(by_address)] == [
        "Số 9 Đường Dĩ An", "Số 69 Đường Dĩ An", "Số 161 Đường Dĩ An", "Số 1000 Đường Dĩ An"]


def test_renaming_refreshes_the_sort_key(make):
    owner = make.owner()
    first, second = make.venue(owner=owner, name="Bình Đông"), make.venue(owner=owner, name="Đông Hòa")
    first.name = "Đức Thành"
    db.session.commit()
    query = select(Venue.name).where(Venue.owner_id == owner.id).order_by(Venue.name_sort)
    assert db.session.scalars(query).all() == ["Đông Hòa", "Đức Thành"]
    assert db.session.get(Venue, second.id).name_sort == stored_key("Đông Hòa")


def test_wards_come_in_vietnamese_order(app):
    names = [ward.name for ward in wards_of("79")]
    assert len(names) > 100 and names == sorted_vi(names)
    assert names != sorted(names)  # the loaded wards are a case where code-point order is wrong


def _migration():
    spec = importlib.util.spec_from_file_location("sort_keys_0010", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_backfills_every_sort_key(make):
    migration = _migration()
    assert (migration.revision, migration.down_revision) == ("0010_sort_keys", "0009_clean_names")
    owner = make.owner()
    make.venue(owner=owner, name="Thuận Thành")
    make.venue(owner=owner, name="Thành Công")
    db.session.execute(update(Venue).values(name_sort="ff"))
    db.session.execute(update(User).values(full_name_sort="ff"))
    db.session.commit()
    with db.engine.begin() as conn:
        for key in migration.KEYS:
            if key[0] in ("venues", "users"):
                migration._backfill(conn, *key)
    db.session.expire_all()
    assert all(v.name_sort == stored_key(v.name) for v in db.session.scalars(select(Venue)))
    assert all(u.full_name_sort == stored_key(u.full_name) for u in db.session.scalars(select(User)))
    query = select(Venue.name).where(Venue.owner_id == owner.id).order_by(Venue.name_sort)
    assert db.session.scalars(query).all() == ["Thành Công", "Thuận Thành"]
