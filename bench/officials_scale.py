"""Officials at scale: a ward's lists with 5,000 establishments, the province report with 1 M visits.

    python -m bench.officials_scale                         # a temporary SQLite file
    DATABASE_URL=postgresql://… python -m bench.officials_scale   # SQLite, then PostgreSQL
    python -m bench.officials_scale --establishments 20000 --visits 200000   # smaller and quicker

Seeds (bulk inserts, not ORM objects) 100,000 establishments (5,000 in one ward), 30,000 venues,
20,000 visitors and 1,000,000 visits over 28 days, then times the official pages through the app
(routing, queries and templates) and prints a Markdown table. On PostgreSQL everything lives in a
schema of its own (`vaora_bench_officials`), dropped at the end. A benchmark, not a test: it
asserts nothing about time.
"""
import argparse
import base64
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta

from sqlalchemy import text

from . import scaledb

SCHEMA = "vaora_bench_officials"
DATA_KEY = base64.urlsafe_b64encode(b"bench-officials-key-32-bytes-ok!").decode()
PASSWORD = "bench password 1"
CATEGORIES = ("shop", "restaurant", "market", "supermarket", "factory", "office", "boarding_house", "station")
WARD_TARGET_MS, EXPORT_TARGET_MS, PROVINCE_TARGET_MS = 300, 1000, 5000
log = logging.getLogger("bench.officials")


def _app(url):
    return scaledb.app(url, SCHEMA, DATA_KEY, WTF_CSRF_ENABLED=False)


def seed(sizes, now, rng):
    """Users, venues, establishments, follow-ups, zone levels, visitors and visits; returns facts."""
    from werkzeug.security import generate_password_hash

    from portal.checkin.models import Visit
    from portal.crypto import encrypt
    from portal.divisions.services import load_divisions, wards_of
    from portal.extensions import db

    sqlite = db.engine.dialect.name == "sqlite"
    load_divisions("79")
    db.session.commit()
    wards = [w.code for w in wards_of("79")]
    ward, others = wards[0], wards[1:]
    n_est, n_ward_est = sizes["establishments"], sizes["ward_establishments"]
    n_venues, n_ward_venues = sizes["venues"], sizes["ward_venues"]
    created = scaledb.stamp(now - timedelta(days=60), sqlite)
    secret = generate_password_hash(PASSWORD)
    true = 1 if sqlite else True
    scaledb.insert("users", ("id", "role", "full_name", "phone", "password_hash", "active", "created_at"), [
        (1, "owner", "Chủ cơ sở", "+84900000001", secret, true, created),
        (2, "province_admin", "Quản trị", "+84900000002", secret, true, created),
        (3, "ward_official", "Cán bộ phường", "+84900000003", secret, true, created),
    ], sqlite)
    scaledb.insert("user_wards", ("user_id", "division_code"), [(3, ward)], sqlite)

    def venue_ward(i):
        return ward if i <= n_ward_venues else others[i % len(others)]

    scaledb.insert("venues", ("id", "owner_id", "name", "category", "address", "ward_code", "contact_phone",
                       "default_stay_minutes", "status", "token", "short_code", "created_at", "token_issued_at"),
            ((i, 1, f"Địa điểm số {i}", CATEGORIES[i % len(CATEGORIES)], f"{i} Đường Lê Lợi", venue_ward(i),
              "+84900000001", 60, "active", f"t{i:030d}", f"B{i:07d}", created, created)
             for i in range(1, n_venues + 1)), sqlite)
    # Establishments: 30 % of the ward's and 20 % of the others have a venue; 2 % left the registry.
    ward_matched, other_matched = int(n_ward_est * 0.3), int((n_est - n_ward_est) * 0.2)

    def establishment(i):
        in_ward = i <= n_ward_est
        venue = None
        if in_ward and i <= ward_matched:
            venue = i
        elif not in_ward and i - n_ward_est <= other_matched:
            venue = n_ward_venues + 1 + (i - n_ward_est - 1) % (n_venues - n_ward_venues)
        departed = i % 50 == 0 and venue is None
        return (i, f"{3700000000 + i}", f"Cơ sở kinh doanh số {i}", f"{i} Đường Nguyễn Trãi",
                ward if in_ward else others[i % len(others)], CATEGORIES[i % len(CATEGORIES)],
                "departed" if departed else "listed", venue, created if venue else None, created, created,
                created if departed else None)

    scaledb.insert("establishments", ("id", "registration_number", "name", "address", "ward_code", "category", "status",
                               "venue_id", "matched_at", "imported_at", "updated_at", "departed_at"),
            (establishment(i) for i in range(1, n_est + 1)), sqlite)
    follow_ups = []
    for i in range(1, sizes["follow_ups"] + 1):
        est = i % n_ward_est + 1 if i % 3 else rng.randint(n_ward_est + 1, n_est)
        day = (now - timedelta(days=rng.randint(0, 27))).date()
        follow_ups.append((i, ward if est <= n_ward_est else others[est % len(others)], est,
                           rng.choice(("reminded", "reminded", "visited", "warned")),
                           day.isoformat() if sqlite else day, "", 3, created))
    scaledb.insert("follow_ups", ("id", "ward_code", "establishment_id", "action", "action_on", "note", "official_id",
                           "created_at"), follow_ups, sqlite)
    level_day = (now - timedelta(days=10)).date()
    scaledb.insert("zone_levels", ("id", "ward_code", "level", "effective_on", "note", "set_by_id", "set_at"),
            [(i, code, 1 + i % 4, level_day.isoformat() if sqlite else level_day, "", 2, created)
             for i, code in enumerate(wards, start=1)], sqlite)
    name = encrypt("Người Thử", DATA_KEY)
    scaledb.insert("visitors", ("id", "ref", "full_name", "birth_year", "created_at", "last_seen_at"),
            ((i, f"v{i:020d}", name, 1980, created, created) for i in range(1, sizes["visitors"] + 1)), sqlite)
    indexes = list(Visit.__table__.indexes)  # built once after loading: much faster than row by row
    for index in indexes:
        index.drop(bind=db.engine)
    scaledb.insert("visits", ("id", "ref", "visitor_id", "venue_id", "checked_in_at", "due_out_at", "checked_out_at",
                       "in_method", "out_method"), _visits(sizes, now, rng, sqlite), sqlite)
    for index in indexes:
        index.create(bind=db.engine)
    with db.engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return {"ward": ward, "wards": len(wards)}


def _visits(sizes, now, rng, sqlite):
    """1 M visits over 28 days at a fifth of the venues (the ones in use), busiest first.

    Times are written as text ('YYYY-MM-DD HH:MM:SS.ffffff', UTC): what SQLite stores and what
    PostgreSQL's COPY reads, without making a million datetime objects.
    """
    in_use = rng.sample(range(1, sizes["venues"] + 1), sizes["venues"] // 5)
    weights, total = [], 0.0
    for rank in range(1, len(in_use) + 1):
        total += 1 / rank ** 0.8
        weights.append(total)
    end = now.timestamp()
    start = end - 28 * 86400
    step = 28 * 86400 / sizes["visits"]
    minutes = {}

    def stamp(ts):
        minute = int(ts // 60)
        prefix = minutes.get(minute)
        if prefix is None:
            prefix = minutes[minute] = time.strftime("%Y-%m-%d %H:%M:", time.gmtime(minute * 60))
        return f"{prefix}{ts - minute * 60:09.6f}"

    random_, randint, visitors = rng.random, rng.randint, sizes["visitors"]
    for i in range(sizes["visits"]):
        if i % 100000 == 0:
            venues = rng.choices(in_use, cum_weights=weights, k=100000)
        checked_in = start + i * step + random_() * 60
        due = checked_in + 3600
        kind = random_()
        if checked_in > end - 3600 and kind < 0.5:
            out, method = None, None
        elif kind < 0.55:
            out, method = checked_in + 60 * randint(5, 59), "self"
        elif kind < 0.62:
            out, method = checked_in + 60 * randint(5, 59), "staff"
        elif kind < 0.95:
            out, method = (due, "auto") if due <= end else (None, None)
        else:
            out, method = checked_in + 60 * randint(1, 59), "moved"
        yield (i + 1, f"b{i + 1:012d}", randint(1, visitors), venues[i % 100000], stamp(checked_in),
               stamp(due), out and stamp(out), "self", method)


def _time(client, url, runs):
    """(median ms, max ms, bytes) of GET url, after one warm-up request."""
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings), len(response.data)


def measure(app, facts, runs):
    """Time the ward pages as the ward official and the province pages as the province admin."""
    ward = facts["ward"]
    rows = []
    official, admin = app.test_client(), app.test_client()
    for client, phone in ((official, "0900000003"), (admin, "0900000002")):
        if client.post("/auth/login", data={"phone": phone, "password": PASSWORD}).status_code != 302:
            raise RuntimeError("bench login failed")
    ward_pages = [
        ("ward list: not registered, page 1", f"/reports/wards/{ward}/not-registered"),
        ("ward list: not registered, by reminders", f"/reports/wards/{ward}/not-registered?sort=reminders&order=desc"),
        ("ward list: registered, not used (3 days)", f"/reports/wards/{ward}/not-used"),
        ("ward list: entries without exits (7 days)", f"/reports/wards/{ward}/no-exits"),
        ("ward list: not registered, CSV (all rows)", f"/reports/wards/{ward}/not-registered.csv"),
        ("ward follow-ups", f"/registry/wards/{ward}/follow-ups"),
        ("ward dashboard", f"/reports/wards/{ward}/"),
    ]
    province_pages = [
        ("province dashboard", "/reports/"),
        ("province report, daily", "/reports/periodic"),
        ("province report, weekly", "/reports/periodic?period=weekly"),
        ("province report, daily XLSX", "/reports/periodic.xlsx"),
        ("high-risk places, 7 days", "/reports/high-risk"),
    ]
    for label, url in ward_pages:
        target = EXPORT_TARGET_MS if url.endswith(".csv") else WARD_TARGET_MS
        rows.append((label, *_time(official, url, runs), target))
    for label, url in province_pages:
        rows.append((label, *_time(admin, url, runs), PROVINCE_TARGET_MS))
    return rows


def _prepare_postgres(url, keep):
    """An engine on the server; the bench schema is made fresh unless `keep` and it is seeded.

    Returns (engine, reuse)."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        seeded = keep and conn.execute(text(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = :s AND table_name = 'visits'"
        ), {"s": SCHEMA}).first() is not None
        if not seeded:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    return engine, seeded


def run(url, sizes, runs, reuse=False, keep=False):
    """Seed one database (unless `reuse`), time the pages; returns the Markdown section.

    With `keep`, PostgreSQL's bench schema stays for the next run, which reuses it."""
    from flask_migrate import upgrade

    from portal.extensions import db
    from portal.clock import utcnow

    rng = random.Random(20210927)
    engine = None
    if not url.startswith("sqlite"):
        engine, reuse = _prepare_postgres(url, keep)
    app = _app(url)
    try:
        with app.app_context():
            started = time.perf_counter()
            if reuse:
                from portal.divisions.services import wards_of

                facts = {"ward": wards_of("79")[0].code}
            else:
                upgrade()
                facts = seed(sizes, utcnow(), rng)
            seeded = time.perf_counter() - started
            label = f"{db.engine.dialect.name} {'.'.join(map(str, db.engine.dialect.server_version_info or ()))}"
            db.session.remove()
        log.info("%s seeded in %.0f s", label, seeded)
        rows = measure(app, facts, runs)
    finally:
        with app.app_context():
            db.engine.dispose()
        if engine is not None:
            if not keep:
                with engine.begin() as conn:
                    conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            engine.dispose()
    lines = [
        "",
        f"### Officials at scale ({label.strip()})",
        "",
        f"One ward with {sizes['ward_establishments']:,} establishments and {sizes['ward_venues']:,} venues; "
        f"the province with {sizes['establishments']:,} establishments, {sizes['venues']:,} venues, "
        f"{sizes['follow_ups']:,} follow-ups and {sizes['visits']:,} visits over 28 days "
        f"(seeded in {seeded:.0f} s). Full requests through the app, median of {runs} after a warm-up; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.",
        "",
        "| page | median ms | max ms | KB | target ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for label_, median, worst, size, target in rows:
        mark = "" if median <= target else " (over)"
        lines.append(f"| {label_} | {median:.0f}{mark} | {worst:.0f} | {size / 1024:.0f} | {target} |")
    return "\n".join(lines)


def main(argv=None):
    """Run on a temporary SQLite file, and on PostgreSQL when DATABASE_URL is set."""
    parser = argparse.ArgumentParser(prog="python -m bench.officials_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--establishments", type=int, default=100_000)
    parser.add_argument("--ward-establishments", type=int, default=5_000)
    parser.add_argument("--venues", type=int, default=30_000)
    parser.add_argument("--ward-venues", type=int, default=2_000)
    parser.add_argument("--visitors", type=int, default=20_000)
    parser.add_argument("--visits", type=int, default=1_000_000)
    parser.add_argument("--follow-ups", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page")
    parser.add_argument("--no-sqlite", action="store_true", help="with DATABASE_URL: PostgreSQL only")
    parser.add_argument("--sqlite-file", help="keep the SQLite database in this file; reuse it if it exists")
    parser.add_argument("--keep-schema", action="store_true",
                        help=f"keep PostgreSQL's {SCHEMA} schema; reuse it if it is seeded")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stderr)
    sizes = {k: getattr(args, k) for k in ("establishments", "ward_establishments", "venues", "ward_venues",
                                           "visitors", "visits", "follow_ups")}
    sizes["ward_establishments"] = min(sizes["ward_establishments"], sizes["establishments"])
    sizes["ward_venues"] = min(sizes["ward_venues"], sizes["venues"] - 1)
    sections = []
    pg_url = os.environ.get("DATABASE_URL")
    if args.sqlite_file:
        path = os.path.abspath(args.sqlite_file)
        sections.append(run(f"sqlite:///{path}", sizes, args.runs, reuse=os.path.exists(path)))
    elif not (pg_url and args.no_sqlite):
        with tempfile.TemporaryDirectory(prefix="vaora-officials-") as workdir:
            sections.append(run(f"sqlite:///{workdir}/bench.sqlite3", sizes, args.runs))
    if pg_url:
        from portal.config import database_url

        sections.append(run(database_url(pg_url), sizes, args.runs, keep=args.keep_schema))
    print("\n".join(sections))
    return 0


if __name__ == "__main__":
    sys.exit(main())
