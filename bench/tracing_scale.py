"""Contact-tracing at scale: the contact query for one case over 14 days, and check-ins during a purge.

    python -m bench.tracing_scale                      # 2 M visits on a temporary SQLite file
    DATABASE_URL=postgresql://… python -m bench.tracing_scale   # 10 M visits on PostgreSQL
    python -m bench.tracing_scale --visits 200000 --purge-rows 100000   # smaller and quicker
    DATABASE_URL=postgresql://… python -m bench.tracing_scale --one-day 14000000   # the city's day

`--one-day N` (PostgreSQL) puts N visits, by N visitors, in one UTC day's partition (yesterday),
times the contact query for a sample of people who checked in that day, the WAL written per
check-in, and then the retention purge's drop of that partition (`partitions.drop_before`, as
`flask data purge` calls it), instead of the check-ins during a row-by-row purge.

On PostgreSQL everything happens in a schema of its own (`vaora_bench_tracing`), dropped at the
end, so the database's own tables are never touched. Prints EXPLAIN output showing the indexes
used, then a Markdown table. This is a benchmark, not a test: it asserts nothing about time.
"""
import argparse
import base64
import multiprocessing
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import text

from . import scaledb

SCHEMA = "vaora_bench_tracing"
DATA_KEY = base64.urlsafe_b64encode(b"bench-tracing-key-32-bytes-long!").decode()
CASE_VISITOR_ID = 1
RETENTION_DAYS = 28


def _app(url):
    return scaledb.app(url, SCHEMA, DATA_KEY)


def _visit_rows(rng, first_id, count, venues, visitors, start, span, sqlite, weights, open_share=0.1):
    """Visits between `start` and `start + span` in time order: 70 % checked out, the rest closed
    automatically or (`open_share`) not closed yet."""
    step = span.total_seconds() / max(count, 1)
    for i in range(count):
        if i % 100000 == 0:
            venue_ids = rng.choices(range(1, venues + 1), cum_weights=weights, k=100000)
        checked_in = start + timedelta(seconds=i * step + rng.random() * step)
        due = checked_in + timedelta(minutes=60)
        kind = rng.random()
        if kind < 0.7:
            out, method = checked_in + timedelta(minutes=rng.randint(5, 59)), "self"
        elif kind < 1 - open_share:
            out, method = due, "auto"
        else:
            out, method = None, None
        yield (first_id + i, f"b{first_id + i:012d}", rng.randrange(2, visitors + 1), venue_ids[i % 100000],
               scaledb.stamp(checked_in, sqlite), scaledb.stamp(due, sqlite), out and scaledb.stamp(out, sqlite), "self", method)


VISIT_COLUMNS = ("id", "ref", "visitor_id", "venue_id", "checked_in_at", "due_out_at", "checked_out_at",
                 "in_method", "out_method")


def seed(app, visits, purge_rows, now, rng, one_day=False):
    """Owner, wards, venues (Zipf-popular), visitors, visits; the case person visits busy places.
    With `one_day`, every visit is in yesterday's UTC day, by as many visitors as visits."""
    from portal.crypto import encrypt, lookup_hash
    from portal.divisions.services import load_divisions, wards_of
    from portal.extensions import db

    sqlite = db.engine.dialect.name == "sqlite"
    load_divisions("79")
    db.session.commit()
    wards = [w.code for w in wards_of("79")]
    venues, visitors = max(50, visits // 100), max(100, visits if one_day else visits // 10)
    name = encrypt("Người Thử", DATA_KEY)
    created = scaledb.stamp(now - timedelta(days=60), sqlite)
    scaledb.insert("users", ("id", "role", "full_name", "phone", "password_hash", "active", "created_at"),
            [(1, "owner", "Chủ Thử", "+84900000000", "x", True, created)], sqlite)
    scaledb.insert("venues", ("id", "owner_id", "name", "category", "address", "ward_code", "contact_phone",
                             "default_stay_minutes", "status", "token", "short_code", "created_at",
                             "token_issued_at"),
            ((i, 1, f"Địa điểm {i}", "shop", "1 Đường Thử", wards[i % len(wards)], "+84900000000", 60,
              "active", f"t{i:030d}", f"B{i:07d}", created, created) for i in range(1, venues + 1)), sqlite)
    phone = "+84912345678"
    scaledb.insert("visitors", ("id", "ref", "full_name", "phone", "phone_hash", "birth_year", "created_at",
                               "last_seen_at"),
            ((i, f"v{i:020d}", name, encrypt(phone, DATA_KEY) if i == CASE_VISITOR_ID else None,
              lookup_hash(phone, DATA_KEY) if i == CASE_VISITOR_ID else None, 1980, created, created)
             for i in range(1, visitors + 1)), sqlite)
    weights, total = [], 0.0
    for rank in range(1, venues + 1):
        total += 1 / rank ** 0.9
        weights.append(total)
    window = timedelta(days=RETENTION_DAYS)
    from portal.checkin.models import Visit

    if not sqlite:  # a partition for every day seeded, as the daily `flask data partitions` keeps them
        from portal import partitions

        first_day = (now - timedelta(days=15 if one_day else RETENTION_DAYS + 10)).date()
        with db.engine.begin() as conn:
            for n in range((now.date() - first_day).days + 1):
                partitions.create_day(conn, "visits", first_day + timedelta(days=n))
    indexes = list(Visit.__table__.indexes)  # built once after loading: much faster than row by row
    for index in indexes:
        index.drop(bind=db.engine)
    if one_day:
        start, span = _day_start(now), timedelta(days=1) - timedelta(microseconds=1)
    else:
        start, span = now - window, window - timedelta(hours=2)
    scaledb.insert("visits", VISIT_COLUMNS,
            _visit_rows(rng, 1, visits, venues, visitors, start, span, sqlite, weights), sqlite,
            checked=not one_day)
    # The case: two visits a day for 14 days, at the 50 busiest places, 30 to 120 minutes each.
    case_rows = []
    for day in range(14):
        for hour in (8, 17):
            checked_in = now - timedelta(days=day + 1, hours=-hour) + timedelta(minutes=rng.randint(0, 59))
            out = checked_in + timedelta(minutes=rng.randint(30, 120))
            case_rows.append((visits + len(case_rows) + 1, f"c{len(case_rows):012d}", CASE_VISITOR_ID,
                              rng.randint(1, min(50, venues)), scaledb.stamp(checked_in, sqlite),
                              scaledb.stamp(checked_in + timedelta(minutes=60), sqlite), scaledb.stamp(min(out, checked_in
                              + timedelta(minutes=60)), sqlite), "self", "self"))
    scaledb.insert("visits", VISIT_COLUMNS, case_rows, sqlite)
    first_old = visits + len(case_rows) + 1
    scaledb.insert("visits", VISIT_COLUMNS,
            _visit_rows(rng, first_old, purge_rows, venues, visitors, now - timedelta(days=RETENTION_DAYS + 10),
                        timedelta(days=9), sqlite, weights, open_share=0), sqlite)  # close-stale ran
    for index in indexes:
        index.create(bind=db.engine)
    db.session.commit()
    if not sqlite:
        with db.engine.begin() as conn:
            for table in ("users", "venues", "visitors", "visits"):  # COPY gave ids; new rows follow them
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
            # Autovacuum would analyse; the portal never runs ANALYZE on SQLite, so neither do we there.
            conn.execute(text("ANALYZE"))
    return venues, visitors


def _day_start(now):
    """Midnight UTC starting yesterday: the day `--one-day` fills."""
    return datetime.combine(now.date() - timedelta(days=1), datetime.min.time(), tzinfo=timezone.utc)


def explain(stmt):
    """EXPLAIN QUERY PLAN (SQLite) or EXPLAIN ANALYZE (PostgreSQL) of a select() as text lines."""
    from portal.extensions import db

    conn = db.session.connection()
    # The expanded state turns IN (…) lists into single parameters and gives their processors.
    state = stmt.compile(dialect=conn.dialect).construct_expanded_state()
    processors = state.processors
    values = {k: processors[k](v) if k in processors else v for k, v in state.parameters.items()}
    if conn.dialect.name == "sqlite":
        args = tuple(values[k] for k in state.positiontup)
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + state.statement, args)
        return [f"{row[0]:>3} {row[1]:>3}  {row[-1]}" for row in rows]
    rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + state.statement, values)
    return [row[0] for row in rows]


def time_contacts(now, runs, rule):
    """(p50 ms, p95 ms, p95 CPU ms of this process, case visits, contact visits) of look-up + visits
    + contacts for the case. CPU time shows the work when other processes share the machine."""
    from portal.extensions import db
    from portal.tracing.contacts import find_contacts
    from portal.tracing.services import find_person, person_visits, retention_cutoff, same_person_ids

    cutoff = retention_cutoff(now, RETENTION_DAYS)
    timings, cpu, found = [], [], None
    for run in range(runs + 3):
        db.session.expunge_all()
        started, started_cpu = time.perf_counter(), time.process_time()
        person = find_person(cutoff=cutoff, phone="0912 345 678")
        profiles = same_person_ids(person)
        case_visits = person_visits(profiles, now - timedelta(days=14), now)
        groups = find_contacts(case_visits, rule=rule, minutes=15, cutoff=cutoff, now=now,
                               exclude_visitor_ids=profiles)
        elapsed = (time.perf_counter() - started) * 1000
        if run >= 3:  # the first runs warm the caches
            timings.append(elapsed)
            cpu.append((time.process_time() - started_cpu) * 1000)
        found = (len(case_visits), sum(len(g.contacts) for g in groups))
    return _pct(timings, 50), _pct(timings, 95), _pct(cpu, 95), found[0], found[1]


def time_sample_cases(now, cases, visits, rng, rule="overlap"):
    """The contact query (the case page's: the person's visits over 14 days, then their contacts)
    for `cases` people drawn from the visits: (p50 ms, p95 ms, p95 CPU ms, max ms, mean case
    visits, mean contact visits). The first three people warm the caches."""
    from portal.checkin.models import Visit
    from portal.extensions import db
    from portal.tracing.contacts import find_contacts
    from portal.tracing.services import person_visits, retention_cutoff
    from sqlalchemy import select

    cutoff = retention_cutoff(now, RETENTION_DAYS)
    picked = rng.sample(range(1, visits + 1), cases + 3)
    people = db.session.scalars(select(Visit.visitor_id).where(Visit.id.in_(picked))).all()
    timings, cpu, case_counts, contact_counts = [], [], [], []
    for n, visitor_id in enumerate(people):
        db.session.expunge_all()
        started, started_cpu = time.perf_counter(), time.process_time()
        case_visits = person_visits([visitor_id], now - timedelta(days=14), now)
        groups = find_contacts(case_visits, rule=rule, minutes=15, cutoff=cutoff, now=now,
                               exclude_visitor_ids=[visitor_id])
        if n >= 3:
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            case_counts.append(len(case_visits))
            contact_counts.append(sum(len(g.contacts) for g in groups))
    db.session.rollback()
    return (_pct(timings, 50), _pct(timings, 95), _pct(cpu, 95), max(timings),
            sum(case_counts) / len(case_counts), sum(contact_counts) / len(contact_counts), len(timings))


def wal_per_check_in(visitors, venues, rng, count=500, rounds=3):
    """WAL bytes per check-in (check_in + commit in this process): the least of `rounds` runs, as
    pg_current_wal_lsn() counts every database of the server (other work only adds to it)."""
    from portal.extensions import db

    def lsn():
        value = db.session.execute(text("SELECT pg_current_wal_lsn()")).scalar()
        db.session.commit()
        return value

    _check_ins(50, visitors, venues, rng)  # warm up
    found = []
    for _ in range(rounds):
        before = lsn()
        done = len(_check_ins(count, visitors, venues, rng))
        after = lsn()
        diff = db.session.execute(text("SELECT pg_wal_lsn_diff(:a, :b)"), {"a": after, "b": before}).scalar()
        db.session.commit()
        found.append(float(diff) / done)
    return min(found), max(found), count


def time_partition_creation(now, days=7):
    """Time `partitions.ensure` (what `flask data partitions` runs) creating `days` more days ahead
    of those there, committed: (partitions created, ms)."""
    from portal import partitions
    from portal.extensions import db

    conn = db.session.connection()
    ahead = (partitions.days_of(conn, "visits")[-1] - now.date()).days
    started = time.perf_counter()
    done = partitions.ensure(db.session.connection(), now.date(), days_ahead=ahead + days)
    db.session.commit()
    return sum(len(item.created) for item in done), (time.perf_counter() - started) * 1000


def time_partition_drop(now):
    """Drop, through `partitions.drop_before` as the purge calls it (one partition a transaction,
    committed), every visits partition up to the seeded day: [(table, day, rows, MB on disk, ms,
    MB of indexes)]."""
    from portal import partitions
    from portal.extensions import db

    cutoff = _day_start(now) + timedelta(days=1)
    sizes = {}
    for day in partitions.days_of(db.session.connection(), "visits"):
        sizes[("visits", day)] = db.session.execute(text(
            "SELECT pg_total_relation_size(CAST(:n AS regclass)), pg_indexes_size(CAST(:n AS regclass))"),
            {"n": f"visits_p{day:%Y%m%d}"}).one()
    db.session.commit()
    dropped = []
    while True:
        started = time.perf_counter()
        gone = partitions.drop_before(db.session.connection(), cutoff)
        db.session.commit()
        elapsed = (time.perf_counter() - started) * 1000
        if not gone:
            break
        for item in gone:
            total, indexes = sizes.get((item.table, item.day), (0, 0))
            dropped.append((item.table, item.day, item.rows, total / 2**20, elapsed, indexes / 2**20))
    return dropped


def _pct(values, pct):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def _purge_worker(url, done):
    """Run `flask data purge`'s service in another process, as cron would."""
    app = _app(url)
    with app.app_context():
        from portal.extensions import db
        from portal.clock import utcnow
        from portal.privacy.services import chunking_for, purge

        chunk, pause = chunking_for(db.engine.dialect.name)  # as `flask data purge` does

        def commit():
            db.session.commit()
            time.sleep(pause)

        started = time.perf_counter()
        totals = purge(utcnow() - timedelta(days=RETENTION_DAYS), chunk, commit=commit)
        totals["chunk"], totals["pause"] = chunk, pause
        done.put((totals, time.perf_counter() - started))


def _check_ins(count, visitors, venues, rng, until=None):
    """Latencies (ms) of check-ins (check_in + commit), stopping early when `until()` is true."""
    from portal.checkin.services import check_in
    from portal.extensions import db
    from portal.clock import utcnow
    from portal.venues.models import Venue
    from portal.visitors.models import Visitor

    places = [db.session.get(Venue, i) for i in rng.sample(range(1, venues + 1), min(20, venues))]
    latencies = []
    for _ in range(count):
        if until is not None and until():
            break
        person = db.session.get(Visitor, rng.randrange(2, visitors + 1))
        started = time.perf_counter()
        check_in(person, rng.choice(places), utcnow())
        db.session.commit()
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def checkins_during_purge(url, visitors, venues, rng):
    """Check-in latencies before and while another process purges the old visits."""
    baseline = _check_ins(300, visitors, venues, rng)
    context = multiprocessing.get_context("spawn")
    done = context.Queue()
    worker = context.Process(target=_purge_worker, args=(url, done))
    worker.start()
    during = _check_ins(1_000_000, visitors, venues, rng, until=lambda: not worker.is_alive())
    totals, seconds = done.get()
    worker.join()
    return baseline, during, totals, seconds


def _prepare_postgres(url):
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    return engine


def run(url, visits, purge_rows, runs, out=sys.stdout, one_day=False, cases=200):
    """Seed, time, explain; returns the Markdown report."""
    from flask_migrate import upgrade

    from portal.extensions import db
    from portal.clock import utcnow
    from portal.tracing.contacts import contact_query
    from portal.tracing.services import person_visits, retention_cutoff

    rng = random.Random(20210927)
    engine = None if url.startswith("sqlite") else _prepare_postgres(url)
    app = _app(url)
    try:
        with app.app_context():
            upgrade()
            now = utcnow()
            started = time.perf_counter()
            venues, visitors = seed(app, visits, purge_rows, now, rng, one_day=one_day)
            label = f"{db.engine.dialect.name} {db.engine.dialect.server_version_info or ''}".strip()
            where = f"in one UTC day ({_day_start(now):%Y-%m-%d}) " if one_day else ""
            out.write(f"Seeded {visits:,} visits {where}(+{purge_rows:,} older than {RETENTION_DAYS} days) at "
                      f"{venues:,} venues by {visitors:,} visitors in {time.perf_counter() - started:.0f} s "
                      f"({label}).\n\n")
            case_visits = person_visits([CASE_VISITOR_ID], now - timedelta(days=14), now)
            cutoff = retention_cutoff(now, RETENTION_DAYS)
            for rule in ("overlap", "hour"):
                out.write(f"EXPLAIN, contact query ({rule} rule, one of {len(case_visits)} case visits):\n")
                for line in explain(contact_query(case_visits[0], rule, 15, cutoff, now)):
                    out.write("    " + line + "\n")
            from portal.tracing.contacts import VisitRow
            from portal.tracing.queries import contact_rows

            out.write("EXPLAIN, step 2 (the candidates' rows by id):\n")
            step2 = contact_rows(VisitRow._fields).params(ids=[1, 2, 3], end_from=now, exclude=[CASE_VISITOR_ID])
            for line in explain(step2):
                out.write("    " + line + "\n")
            out.write("EXPLAIN, the case's visits:\n")
            from portal.checkin.models import Visit
            from sqlalchemy import select
            for line in explain(select(Visit).where(Visit.visitor_id == CASE_VISITOR_ID,
                                                    Visit.checked_in_at >= now - timedelta(days=14))):
                out.write("    " + line + "\n")
            rows = []
            for rule in ("overlap", "hour"):
                rows.append((rule, *time_contacts(now, runs, rule)))
            sampled = wal = dropped = created = None
            if one_day:
                out.write(f"Timing the contact query for {cases} people of the day…\n")
                sampled = time_sample_cases(now, cases, visits, rng)
                out.write("Measuring WAL per check-in…\n")
                wal = wal_per_check_in(visitors, venues, rng)
                out.write("Creating partitions ahead, then dropping those up to the seeded day…\n")
                created = time_partition_creation(now)
                dropped = time_partition_drop(now)
            db.session.remove()
        if not one_day:
            with app.app_context():
                baseline, during, totals, seconds = checkins_during_purge(url, visitors, venues, rng)
                db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()
        if engine is not None:
            with engine.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            engine.dispose()
    lines = [
        "",
        f"### Contact tracing at scale ({label}, {visits:,} visits)",
        "",
        "| query | rule | case visits | contact visits | p50 ms | p95 ms | p95 CPU ms | runs |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for rule, p50, p95, p95_cpu, n_case, n_contacts in rows:
        lines.append(f"| one case, 14 days: look-up + visits + contacts | {rule} | {n_case} | {n_contacts} | "
                     f"{p50:.1f} | {p95:.1f} | {p95_cpu:.1f} | {runs} |")
    if one_day:
        p50, p95, p95_cpu, worst, mean_case, mean_contacts, n = sampled
        lines += [
            f"| {n} people of the day, each: visits + contacts | overlap | {mean_case:.1f} (mean) | "
            f"{mean_contacts:.1f} (mean) | {p50:.1f} | {p95:.1f} | {p95_cpu:.1f} | {n} (max {worst:.0f} ms) |",
            "",
            f"WAL per check-in (check_in + commit, {wal[2]} a round, least and most of 3 rounds; "
            f"pg_current_wal_lsn() counts the whole server): {wal[0]:,.0f} / {wal[1]:,.0f} bytes.",
            "",
            "| partition dropped (`partitions.drop_before`, then commit) | rows | MB with indexes | "
            "MB of indexes | ms |",
            "|---|---:|---:|---:|---:|",
        ]
        big = max(dropped, key=lambda d: d[2]) if dropped else None
        if big is not None:
            table, day, count, megabytes, ms, index_mb = big
            lines.append(f"| {table}_p{day:%Y%m%d} | {count:,} | {megabytes:,.0f} | {index_mb:,.0f} | {ms:.0f} |")
        lines.append(f"| (creation: `partitions.ensure` made {created[0]} partitions of visits and crossings "
                     f"ahead, committed) | | | | {created[1]:.0f} |")
        others = [d for d in dropped if d is not big]
        if others:
            lines.append(f"| {len(others)} other partitions of visits and crossings (0 to "
                         f"{max(d[2] for d in others):,} rows), median | | | | {_pct([d[4] for d in others], 50):.0f} |")
        if big is not None and big[2]:
            lines += ["", f"On disk: {big[3] * 2**20 / big[2]:.0f} bytes per visit in the day's partition, "
                          "table and its indexes."]
        load = os.getloadavg()[0]
        lines += ["", f"Load average at the end: {load:.1f} on {os.cpu_count()} CPUs (other work inflates wall times)."]
        report = "\n".join(lines) + "\n"
        out.write(report)
        return report
    lines += [
        "",
        "| check-ins | count | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|",
        f"| before the purge | {len(baseline)} | {_pct(baseline, 50):.1f} | {_pct(baseline, 95):.1f} | "
        f"{max(baseline):.1f} |",
    ]
    if during:
        lines.append(f"| while purging {totals['visits']:,} visits, {totals['chunk']:,} a transaction, "
                     f"{totals['pause']:g} s apart ({seconds:.1f} s) | "
                     f"{len(during)} | {_pct(during, 50):.1f} | {_pct(during, 95):.1f} | {max(during):.1f} |")
    else:
        lines.append(f"| purge of {totals['visits']:,} visits finished before a check-in ({seconds:.1f} s) | 0 | | | |")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    if load is not None:
        lines += ["", f"Load average at the end: {load:.1f} on {os.cpu_count()} CPUs (other work inflates wall times)."]
    report = "\n".join(lines) + "\n"
    out.write(report)
    return report


def main(argv=None):
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(prog="python -m bench.tracing_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="PostgreSQL URL (default: $DATABASE_URL); without it a temporary SQLite file")
    parser.add_argument("--visits", type=int, default=None, help="visits to seed (2 M SQLite, 10 M PostgreSQL)")
    parser.add_argument("--purge-rows", type=int, default=1_000_000, help="old visits for the purge (1 M)")
    parser.add_argument("--runs", type=int, default=50, help="timed runs of the contact query (50)")
    parser.add_argument("--one-day", type=int, metavar="N", default=None,
                        help="PostgreSQL: N visits in one day's partition, then the partition's drop")
    parser.add_argument("--cases", type=int, default=200, help="with --one-day: people whose contacts are timed")
    args = parser.parse_args(argv)
    from portal.config import database_url

    if args.one_day:
        if not args.database_url:
            parser.error("--one-day needs PostgreSQL (--database-url or DATABASE_URL)")
        return run(database_url(args.database_url), args.one_day, 0, args.runs, one_day=True, cases=args.cases)
    if args.database_url:
        return run(database_url(args.database_url), args.visits or 10_000_000, args.purge_rows, args.runs)
    with tempfile.TemporaryDirectory(prefix="vaora-bench-tracing-") as tmp:
        return run(f"sqlite:///{tmp}/bench.sqlite3", args.visits or 2_000_000, args.purge_rows, args.runs)


if __name__ == "__main__":
    main()
