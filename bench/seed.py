"""Seed a migrated database with a province's worth of data, fast (COPY or executemany).

Venues spread over every ward of the province, owners for them, visitors with remembered
devices (their device tokens are written to a file for the load generator), a day of recent
visits with many people still inside, and a month-old backlog of visits for the retention purge.
"""
import logging
import random
import secrets
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, text

from portal.crypto import encrypt, lookup_hash, plain_hash
from portal.extensions import db
from portal.identifiers import SHORT_CODE_ALPHABET, SHORT_CODE_LENGTH

from . import scaledb

log = logging.getLogger("bench")

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ")
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Thu", "Quốc", "Hoài")
GIVEN = ("An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan", "Long",
         "Mai", "Nam", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến")
PLACES = (("shop", "Tạp hoá"), ("restaurant", "Quán cà phê"), ("restaurant", "Quán cơm"),
          ("factory", "Công ty TNHH"), ("office", "Văn phòng"), ("market", "Chợ"),
          ("supermarket", "Siêu thị mini"), ("school", "Trường"), ("health", "Phòng khám"),
          ("boarding_house", "Nhà trọ"), ("apartment", "Chung cư"), ("religious", "Chùa"))
STREETS = ("Nguyễn Trãi", "Đại lộ Bình Dương", "Phú Lợi", "Bạch Đằng", "Lê Lợi", "Cách Mạng Tháng Tám",
           "Trần Hưng Đạo", "Võ Văn Kiệt", "Hùng Vương", "Điện Biên Phủ")


def _name(rng):
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _to_db(value, sqlite):
    if isinstance(value, datetime):
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else value
    if isinstance(value, bool) and sqlite:
        return int(value)
    return value


def _fillers(table, columns):
    """Values for the NOT NULL columns the caller leaves out (from the model's defaults)."""
    extra = {}
    # Sort keys are computed from their text by scaledb.insert (their default needs the row).
    sort_keys = {key for _text, key in scaledb.SORT_KEYS.get(table.name, ())}
    for column in table.columns:
        if column.name in columns or column.nullable or column.server_default is not None:
            continue
        if column.name in sort_keys:
            continue
        if column.primary_key and column.autoincrement in (True, "auto"):
            continue
        default = column.default
        if default is None:
            raise RuntimeError(f"seeding {table.name}: no value for NOT NULL column {column.name}")
        # Callable defaults (random references, timestamps) are called once per row.
        extra[column.name] = (lambda d=default: d.arg(None)) if default.is_callable else (lambda d=default: d.arg)
    return extra


def bulk_insert(table, columns, rows, chunk=20000):
    """Insert tuples of database-ready values (times from `stamp`), with the defaults of the
    columns not given filled in: COPY on PostgreSQL, executemany on SQLite; returns the count."""
    extra = _fillers(table, columns)
    names = list(columns) + list(extra)
    makers = tuple(extra.values())
    started = time.perf_counter()
    sqlite = db.engine.dialect.name == "sqlite"
    if makers:
        rows = (row + tuple(_to_db(m(), sqlite) for m in makers) for row in rows)
    count = scaledb.insert(table.name, names, rows, sqlite, batch=chunk, cache_kib=1000000)
    log.info("seeded %d %s in %.1f s", count, table.name, time.perf_counter() - started)
    return count


def _short_codes(n, rng):
    seen = set()
    while len(seen) < n:
        seen.add("".join(rng.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH)))
    return list(seen)


def seed(data_key, province, *, venues=250_000, owners=5_000, visitors=120_000,
         old_visitors=100_000, old_visits=1_000_000, now=None, seed_value=7):
    """Fill the database (inside an app context); returns what the load generator needs.

    Names and phones are real Fernet ciphertexts under the portal's key, taken from a pool
    (encrypting 220,000 of each would take most of the seeding time); phone hashes are unique.
    """
    from portal.models import Device, Division, User, Venue, Visit, Visitor

    rng = random.Random(seed_value)
    sqlite = db.engine.dialect.name == "sqlite"
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(tzinfo=None)

    def stamp(value):
        return value.isoformat(" ", "microseconds") if sqlite else value

    def next_id(model):
        return (db.session.scalar(select(func.max(model.id))) or 0) + 1

    wards = list(db.session.scalars(select(Division.code).where(Division.province_code == str(province))))
    if not wards:
        raise RuntimeError("no wards loaded: run flask divisions load first")
    first_user = next_id(User)
    bulk_insert(User.__table__, ("id", "role", "full_name", "phone", "password_hash", "active", "created_at"), (
        (first_user + i, "owner", _name(rng), f"+8497{i:07d}", "!", True, stamp(now - timedelta(days=60)))
        for i in range(owners)))

    codes = _short_codes(venues, rng)
    tokens = [secrets.token_urlsafe(24) for _ in range(venues)]
    first_venue = next_id(Venue)
    registered = stamp(now - timedelta(days=45))
    bulk_insert(Venue.__table__, ("id", "owner_id", "name", "category", "address", "ward_code",
                                  "contact_phone", "default_stay_minutes", "status", "token",
                                  "short_code", "created_at", "token_issued_at"), (
        (first_venue + i, first_user + i % owners, f"{place[1]} {_name(rng)}", place[0],
         f"{rng.randint(1, 400)} Đường {rng.choice(STREETS)}", wards[i % len(wards)],
         f"+8496{i % 10_000_000:07d}", rng.choice((30, 60, 60, 120, 480)), "active",
         tokens[i], codes[i], registered, registered)
        for i, place in ((i, rng.choice(PLACES)) for i in range(venues))))

    names = [encrypt(_name(rng), data_key) for _ in range(1000)]
    phones = [encrypt(f"+8498{i:07d}", data_key) for i in range(1000)]
    first_visitor = next_id(Visitor)
    total_people = visitors + old_visitors
    day = 86400.0

    # The people of a running province have agreed to the privacy notice in force: their check-in
    # page does not show it again (it is shown once per person when the notice changes).
    try:
        from portal.visitors.notice import NOTICE_VERSION as agreed
    except ImportError:
        agreed = None

    def visitor_rows():
        for i in range(total_people):
            old = i >= visitors
            created = now - timedelta(seconds=rng.uniform(35 * day, 60 * day) if old else rng.uniform(0, 20 * day))
            seen = now - timedelta(seconds=rng.uniform(29 * day, 34 * day) if old else rng.uniform(0, day))
            yield (first_visitor + i, names[i % 1000], phones[i % 1000], lookup_hash(f"+8498{i:07d}", data_key),
                   1940 + i % 70, stamp(created), stamp(seen)) + ((agreed,) if agreed else ())
    bulk_insert(Visitor.__table__, ("id", "full_name", "phone", "phone_hash", "birth_year", "created_at",
                                    "last_seen_at") + (("notice_version",) if agreed else ()), visitor_rows())

    device_tokens = [secrets.token_urlsafe(32) for _ in range(visitors)]
    first_device = next_id(Device)
    fresh, stale, used = (stamp(now - timedelta(days=10)), stamp(now - timedelta(days=40)),
                          stamp(now - timedelta(hours=1)))
    bulk_insert(Device.__table__, ("id", "token_hash", "visitor_id", "created_at", "last_seen_at"), (
        (first_device + i, plain_hash(device_tokens[i] if i < visitors else secrets.token_urlsafe(32)),
         first_visitor + i, fresh if i < visitors else stale, used)
        for i in range(total_people)))

    started = time.perf_counter()
    window = dict(venue=first_venue, venues=venues)
    # Secondary indexes are dropped during the bulk insert and built again after it (a sort
    # instead of a million random B-tree inserts); unique ones (ref, nonce) stay.
    secondary = [index for index in Visit.__table__.indexes if not index.unique]
    with db.engine.begin() as conn:
        for index in secondary:
            conn.execute(text(f"DROP INDEX IF EXISTS {index.name}"))
    # The active people: each came somewhere in the last four weeks, half are inside now.
    recent = _insert_visits(sqlite, count=visitors, people=(first_visitor, 1), start=now - timedelta(days=27),
                            spread=26 * day, stay=3600, closed=True, **window)
    recent += _insert_visits(sqlite, count=visitors // 2, people=(first_visitor, 2),
                             start=now - timedelta(minutes=30), spread=1800, stay=3600, closed=False, **window)
    # The backlog the retention purge removes: visits 29 to 35 days old, in time order.
    old = _insert_visits(sqlite, count=old_visits, people=(first_visitor + visitors, old_visitors),
                         start=now - timedelta(days=35), spread=6 * day, stay=3600, closed=True,
                         ordered=True, **window)
    with db.engine.begin() as conn:
        for index in secondary:
            index.create(conn)
    log.info("seeded %d visits in %.1f s", recent + old, time.perf_counter() - started)
    return {"venue_tokens": tokens, "device_tokens": device_tokens, "recent_visits": recent,
            "old_visits": old, "venues": venues, "visitors": total_people}


def _insert_visits(sqlite, *, count, people, start, spread, stay, closed, venue, venues, ordered=False):
    """Insert visits in SQL (a Python loop takes minutes for a million): random venues and
    references, check-in times over `spread` seconds from `start` (in order or at random).

    `people` is (first visitor id, n): visitor ids cycle through n people when ordered or
    random, or step by n from the first (people=(first, 2): every second person).
    """
    first_person, n = people
    epoch = datetime(1970, 1, 1)
    start_us = int((start - epoch).total_seconds() * 1_000_000)
    step_us = int(spread * 1_000_000 / max(count, 1))
    if sqlite:
        rand = "(abs(random()) %% %d)"
        offset = "i * :step" if ordered else rand % max(int(spread * 1_000_000), 1)
        who = f":first + {rand % n}" if ordered else f":first + i * {n}"
        sql = f"""
            WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < :count - 1),
            -- materialised, so each row's random time is drawn once, not once per use
            picked AS MATERIALIZED (SELECT {who} AS who, :start + {offset} AS t FROM seq)
            INSERT INTO visits (visitor_id, venue_id, ref, nonce, checked_in_at, due_out_at,
                                checked_out_at, in_method, out_method)
            SELECT who, :venue + {rand % venues}, lower(hex(randomblob(11))), lower(hex(randomblob(11))),
                   {_sqlite_time("t")}, {_sqlite_time(f"t + {stay * 1_000_000}")},
                   {_sqlite_time(f"t + 300000000 + {rand % 3_000_000_000}") if closed else "NULL"},
                   'self', {"'self'" if closed else "NULL"}
            FROM picked"""
    else:
        offset = "i * CAST(:step AS bigint)" if ordered else f"floor(random() * {int(spread * 1_000_000)})"
        who = f":first + floor(random() * {n})::int" if ordered else f":first + i * {n}"
        sql = f"""
            INSERT INTO visits (visitor_id, venue_id, ref, nonce, checked_in_at, due_out_at,
                                checked_out_at, in_method, out_method)
            SELECT who, :venue + floor(random() * {venues})::int, substr(md5(random()::text), 1, 22),
                   substr(md5(random()::text), 1, 22), t, t + interval '{stay} seconds',
                   {"t + (300 + random() * 3000) * interval '1 second'" if closed else "NULL"},
                   'self', {"'self'" if closed else "NULL"}
            FROM (SELECT {who} AS who, timestamp '1970-01-01' + (CAST(:start AS bigint) + {offset}) * interval '1 microsecond' AS t
                  FROM generate_series(0, :count - 1) AS i) AS s"""
    with db.engine.begin() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA cache_size=-1000000")
        conn.execute(text(sql), dict(count=count, first=first_person, venue=venue, start=start_us, step=step_us))
    return count


def _sqlite_time(micros):
    """SQL for a UTC time in SQLAlchemy's SQLite format from microseconds since 1970."""
    return (f"(strftime('%Y-%m-%d %H:%M:%S', ({micros}) / 1000000, 'unixepoch')"
            f" || printf('.%06d', ({micros}) % 1000000))")
