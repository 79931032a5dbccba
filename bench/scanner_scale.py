"""Checkpoint lanes: keyboard-wedge scans through the real scanner, per second, latency and CPU per scan.

    python -m bench.scanner_scale                     # temporary SQLite file, 8 lanes
    python -m bench.scanner_scale --seconds 10 --paced-seconds 20 --mix pass=50,card=30,newcard=20
    DATABASE_URL=postgresql://… python -m bench.scanner_scale   # an empty database, wiped

gunicorn serves the portal with its production settings (portal/gunicorn_conf.py: CSRF on, logins,
the scanner cookie). A checkpoint has 8 lanes, half into the controlled area and half out of it;
each lane is a process of its own with one checkpoint officer's session, on the scanner page of its
lane (`/staff/<code>/scan?lane=<id>`), and scans as a USB barcode scanner does: it types the
scanned text into the form's one field and presses Enter (POST the text with the form's CSRF token
and one-time key), reads the answer page and takes the next form's hidden fields from it.
What is scanned is a mix of visitor passes (40 digits), chip ID card (CCCD) QR payloads of people
already known (a repeat card) and of people never seen (a first-time card: the scan registers them).

Two runs: lanes scanning back to back (the ceiling, and the CPU one scan costs), then lanes paced
at one scan every 2 s each (a busy lane). Server CPU is read from /proc: the gunicorn arbiter and
its workers, and on PostgreSQL the database's backends serving this database. The lanes per 2-core
host follow from the CPU per scan. Prints Markdown; exits 1 when any scan erred or the database
recorded other than what the lanes were answered. This is a benchmark, not a test.
"""
import argparse
import http.client
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time
from urllib.parse import urlencode

from .loadgen import percentile
from .server import Gunicorn, flask, free_port, portal_env, prepare_postgresql, process_cpu_seconds

PASSWORD = "bench-officer-password"
KINDS = ("pass", "card", "newcard")
KIND_WORDS = {"pass": "visitor pass", "card": "ID card, known person", "newcard": "ID card, first time (registers)"}
DEFAULT_MIX = "pass=50,card=30,newcard=20"
CORES, UTILISATION, LANE_RATE = 2, 0.7, 0.5  # the host, the share of it used, scans per second per lane
#: First-time cards get serial numbers from here on: every (run, lane) a block of its own.
NEW_CARD_BASE, NEW_CARD_BLOCK = 200_000, 20_000
_HIDDEN = re.compile(r'name="(csrf_token|nonce)"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="(csrf_token|nonce)"')
_RESULT = re.compile(r'class="scan-result ([^"]*)"')
_COOKIE = re.compile(r"^([^=]+)=([^;]*)")
_PROVINCES = ("074", "079", "075", "001", "080", "072")  # Bình Dương, TP.HCM, Đồng Nai, Hà Nội, Long An, Tây Ninh
_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ")
_MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Thu", "Quốc", "Hoài")
_GIVEN = ("An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan", "Long")


def card(serial):
    """(12-digit ID number, full name, year of birth, QR payload) of the made-up card `serial` (< 10**6).

    The number is valid for the portal's checks (province code, sex and century, year of birth);
    every second card has an old 9-digit number, every fourth an extra trailing field (newer cards).
    """
    year = 1950 + serial % 56
    female = serial % 2
    number = f"{_PROVINCES[serial % len(_PROVINCES)]}{(year // 100 - 19) * 2 + female}{year % 100:02d}{serial:06d}"
    name = f"{_FAMILY[serial % 12]} {_MIDDLE[serial // 12 % 10]} {_GIVEN[serial // 120 % 12]}"
    old = f"{280000000 + serial:09d}" if serial % 2 else ""
    born = f"{1 + serial % 28:02d}{1 + serial % 12:02d}{year}"
    address = f"Số {1 + serial % 300}, Đường Đại lộ Bình Dương, Phường Phú Hoà, Thành phố Thủ Dầu Một, Bình Dương"
    fields = [number, old, name, born, "Nữ" if female else "Nam", address, "10072021"]
    if serial % 4 == 3:
        fields.append("")
    return number, name, year, "|".join(fields)


def parse_mix(text):
    """{kind: weight} from "pass=50,card=30,newcard=20"."""
    mix = {}
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        if kind.strip() not in KINDS:
            raise SystemExit(f"--mix: unknown payload {kind!r}; use {', '.join(KINDS)}")
        mix[kind.strip()] = float(weight)
    if sum(mix.values()) <= 0:
        raise SystemExit("--mix: the weights add up to nothing")
    return mix


def seed(env, lanes, people, known_cards):
    """A checkpoint with `lanes` lanes (the first half into the area, the rest out of it), one
    officer per lane, `people` visitors with passes and `known_cards` people registered from their
    ID card; returns (venue short code, [(officer phone, lane id, direction)], [pass numbers])."""
    from portal import create_app
    from portal.auth.models import VenueStaff
    from portal.auth.services import create_user
    from portal.clock import utcnow
    from portal.divisions.services import wards_of
    from portal.extensions import db
    from portal.passes.services import issue_pass
    from portal.staff.crossings import add_lane
    from portal.venues.services import register_venue
    from portal.visitors.services import register_card_holder, register_visitor

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"], "SECRET_KEY": env["SECRET_KEY"],
                      "PORTAL_DATA_KEY": env["PORTAL_DATA_KEY"], "PORTAL_LOG_LEVEL": "WARNING"})
    with app.app_context():
        now = utcnow()
        ward = wards_of(app.config["PORTAL_PROVINCE"])[0]
        # Only a province administrator registers a traffic checkpoint.
        owner = create_user(role="province_admin", full_name="Sở TT&TT", phone="0909000000", password=PASSWORD)
        venue = register_venue(owner, dict(
            name="Chốt kiểm soát QL13", category="checkpoint", registration_number=None,
            address="Quốc lộ 13", ward_code=ward.code, contact_phone=owner.phone, default_stay_minutes=5,
        ), app.config["PORTAL_PROVINCE"])
        officers = []
        for n in range(lanes):
            direction = "in" if n < lanes // 2 else "out"
            lane = add_lane(venue, f"Làn {n + 1}", direction, now)
            phone = f"0909{n + 1:06d}"
            officer = create_user(role="checkpoint", full_name=f"Cán bộ {n + 1}", phone=phone, password=PASSWORD)
            db.session.add(VenueStaff(user_id=officer.id, venue_id=venue.id))
            officers.append((phone, lane.id, direction))
        tokens = []
        for i in range(people):
            visitor = register_visitor(f"Người Qua Chốt {i + 1}", f"+84912{i:06d}", 1960 + i % 50, now)
            tokens.append(issue_pass(visitor, now).token)
            if i % 500 == 499:
                db.session.commit()
        for serial in range(known_cards):
            number, name, year, _payload = card(serial)
            register_card_holder(name, number, year, now)
            if serial % 500 == 499:
                db.session.commit()
        db.session.commit()
        code = venue.short_code
        db.engine.dispose()
    return code, officers, tokens


class Browser:
    """One lane's HTTP client: keeps its cookies, reconnects when the server closes."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, path, form=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                match = _COOKIE.match(value)
                if match:
                    self.cookies[match.group(1)] = match.group(2)
        return response.status, text


def hidden_fields(html):
    """The scanner form's csrf_token and nonce."""
    found = {}
    for a, b, c, d in _HIDDEN.findall(html):
        found[a or d] = b or c
    return found


def outcome_of(status, html):
    """'in', 'out' (a crossing recorded), 'repeat' (scanned moments ago) or 'bad' (nothing recorded)."""
    match = _RESULT.search(html) if status == 200 else None
    classes = match.group(1).split() if match else ()
    if "scan-ok" not in classes:
        return "bad"
    if "scan-repeat" in classes:
        return "repeat"
    return "in" if "scan-cross-in" in classes else "out" if "scan-cross-out" in classes else "bad"


def lane(port, code, officer, payloads, mix, new_cards, seconds, pace, start_at, results, offset=0.0):
    """One checkpoint lane: log in, open its lane's scanner, scan until time is up.

    `payloads` is {"pass": [...], "card": [...]}, this lane's share; first-time cards are made from
    the serial numbers in `new_cards` (a range of this lane's own).
    """
    phone, lane_id, _direction = officer
    rng = random.Random(lane_id * 1000 + new_cards.start)
    kinds, weights = zip(*mix.items())
    latencies, by_kind, counts, errors = [], {k: [] for k in KINDS}, {}, []
    try:
        browser = Browser(port)
        _, page = browser.request("GET", "/auth/login")
        status, _ = browser.request("POST", "/auth/login", {"phone": phone, "password": PASSWORD, **hidden_fields(page)})
        if status != 302:
            results.put(("error", f"lane {lane_id}: login answered {status}"))
            return
        path = f"/staff/{code}/scan?lane={lane_id}"
        status, page = browser.request("GET", path)
        if status != 200 or 'class="scan-form"' not in page:
            results.put(("error", f"lane {lane_id}: the scanner page answered {status} without its form"))
            return
        fields = hidden_fields(page)
        taken = {"pass": 0, "card": 0}
        fresh = iter(new_cards)
        while time.time() < start_at:
            time.sleep(0.001)
        started_cpu = time.process_time()
        end = start_at + seconds
        next_at = start_at + offset  # paced lanes are not in step with each other, as in life
        while time.time() < end:
            if pace:
                time.sleep(max(0.0, next_at - time.time()))
                next_at += pace
            kind = rng.choices(kinds, weights)[0]
            if kind == "newcard":
                text = card(next(fresh))[3]
            else:
                text = payloads[kind][taken[kind] % len(payloads[kind])]
                taken[kind] += 1
            began = time.perf_counter()
            status, page = browser.request("POST", path, {"token": text, **fields})
            took = (time.perf_counter() - began) * 1000
            latencies.append(took)
            by_kind[kind].append(took)
            outcome = outcome_of(status, page)
            counts[(kind, outcome)] = counts.get((kind, outcome), 0) + 1
            if outcome == "bad" and len(errors) < 3:
                reason = re.search(r'<section class="scan-result[^>]*>(.*?)</section>', page, re.S)
                words = re.sub(r"<[^>]+>|\s+", " ", reason.group(1) if reason else page[:300]).strip()
                errors.append(f"lane {lane_id} {kind}: {status} {words[:200]}")
            fields = hidden_fields(page)
        results.put(("lane", latencies, by_kind, counts, errors, time.process_time() - started_cpu))
    except Exception as problem:  # noqa: BLE001 - a lane that breaks is reported, not hidden
        results.put(("error", f"lane {lane_id}: {type(problem).__name__}: {problem}"))


class DatabaseWatch:
    """Counts read back from the database, and on PostgreSQL the CPU of its backends."""

    def __init__(self, url):
        from sqlalchemy import create_engine, text

        from portal.config import database_url

        self.text = text
        self.engine = create_engine(database_url(url))
        self.postgresql = url.startswith("postgres")
        with self.engine.connect() as conn:
            self.version = ("PostgreSQL " + conn.scalar(text("SHOW server_version")).split()[0] if self.postgresql
                            else "SQLite " + conn.scalar(text("SELECT sqlite_version()")))

    def counts(self):
        """{"scan <outcome>": n, "crossings": n, "people": n}."""
        text = self.text
        with self.engine.connect() as conn:
            found = {f"scan {k}": v for k, v in conn.execute(text("SELECT outcome, count(*) FROM scans GROUP BY outcome"))}
            found["crossings"] = conn.scalar(text("SELECT count(*) FROM crossings"))
            found["people"] = conn.scalar(text("SELECT count(*) FROM visitors"))
        return found

    def backend_cpu(self):
        """{pid: CPU seconds} of the PostgreSQL backends connected to this database (but this one);
        {} on SQLite. Only meaningful when PostgreSQL runs on this machine."""
        if not self.postgresql:
            return {}
        with self.engine.connect() as conn:
            pids = conn.scalars(self.text(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )).all()
        return {pid: process_cpu_seconds(pid) for pid in pids}

    def close(self):
        self.engine.dispose()


def machine_busy_seconds():
    """CPU seconds all the machine's cores have been busy since boot (/proc/stat; idle and iowait
    not counted)."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def drive(server, watch, code, officers, payloads, mix, seconds, pace, run_index):
    """Run every lane at once; returns a dict of what was measured."""
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    n = len(officers)
    start_at = time.time() + 4  # every lane logged in and on its scanner page first
    processes = []
    for i, officer in enumerate(officers):
        share = {kind: values[i::n] for kind, values in payloads.items()}
        first = NEW_CARD_BASE + (run_index * n + i) * NEW_CARD_BLOCK
        processes.append(ctx.Process(target=lane, args=(
            server.port, code, officer, share, mix, range(first, first + NEW_CARD_BLOCK), seconds, pace,
            start_at, results, pace * i / n)))
    for process in processes:
        process.start()
    while time.time() < start_at:
        time.sleep(0.01)
    before = (server.cpu_seconds(), watch.backend_cpu(), watch.counts(), machine_busy_seconds(), time.monotonic())
    run = {"latencies": [], "kinds": {k: [] for k in KINDS}, "counts": {}, "errors": [], "client_cpu": 0.0,
           "seconds": seconds, "pace": pace}
    for _ in processes:
        item = results.get(timeout=seconds + 120)
        if item[0] == "error":
            run["errors"].append(item[1])
            continue
        _, latencies, by_kind, counts, errors, cpu = item
        run["latencies"] += latencies
        for kind, values in by_kind.items():
            run["kinds"][kind] += values
        for key, value in counts.items():
            run["counts"][key] = run["counts"].get(key, 0) + value
        run["errors"] += errors
        run["client_cpu"] += cpu
    after = (server.cpu_seconds(), watch.backend_cpu(), watch.counts(), machine_busy_seconds(), time.monotonic())
    for process in processes:
        process.join()
    run["server_cpu"] = after[0] - before[0]
    # A backend that was not there before started during the run: all its CPU counts.
    run["db_cpu"] = sum(cpu - before[1].get(pid, 0.0) for pid, cpu in after[1].items())
    # The cores everything else on the machine kept busy meanwhile (other work, and this script).
    run["others"] = (after[3] - before[3] - run["server_cpu"] - run["db_cpu"] - run["client_cpu"]) / (after[4] - before[4])
    run["recorded"] = {key: after[2].get(key, 0) - before[2].get(key, 0) for key in set(after[2]) | set(before[2])}
    run["latencies"].sort()
    for values in run["kinds"].values():
        values.sort()
    return run


def check(run):
    """What is wrong with a run: errors, and the database's counts against the lanes' answers."""
    problems = list(run["errors"])
    counts, recorded = run["counts"], run["recorded"]
    answered = {o: sum(v for (_k, outcome), v in counts.items() if outcome == o) for o in ("in", "out", "repeat", "bad")}
    if answered["bad"]:
        problems.append(f"{answered['bad']} scans answered without a recorded crossing")
    for outcome in ("in", "out", "repeat"):
        if recorded.get(f"scan {outcome}", 0) != answered[outcome]:
            problems.append(f"scan log: {recorded.get(f'scan {outcome}', 0)} '{outcome}' for {answered[outcome]} answered")
    crossings = answered["in"] + answered["out"]
    if recorded.get("crossings", 0) != crossings:
        problems.append(f"{recorded.get('crossings', 0)} crossings recorded for {crossings} successful scans")
    new_people = sum(v for (kind, outcome), v in counts.items() if kind == "newcard" and outcome in ("in", "out"))
    if recorded.get("people", 0) != new_people:
        problems.append(f"{recorded.get('people', 0)} people registered for {new_people} first-time cards")
    return problems


def _ms(value):
    return f"{value:.1f}" if value == value else "–"


def report(runs, watch, args, mix, seed_seconds):
    """The Markdown section: runs, payloads, database check, lanes per host."""
    from portal import gunicorn_conf as conf

    postgresql = watch.postgresql
    total = sum(mix.values())
    model = _cpu_model()
    workers = int(os.environ.get("GUNICORN_WORKERS") or conf.workers)
    lines = [
        f"### Checkpoint scanner, {args.lanes} lanes ({watch.version})",
        "",
        f"Machine: {model}, {os.cpu_count()} cores, shared with the lanes' {args.lanes} client processes; other "
        f"processes kept {runs[0][1]['others']:.1f} of the cores busy during the back-to-back run and "
        f"{runs[-1][1]['others']:.1f} during the paced one{' (other work was running)' if max(r['others'] for _n, r in runs) > 0.2 else ''}. "
        f"gunicorn {workers} × {conf.worker_class} workers, {conf.threads} threads each (portal/gunicorn_conf.py). "
        f"Lanes {args.lanes // 2} into the area and {args.lanes - args.lanes // 2} out of it, each its own officer's "
        f"session POSTing the scanned text to `/staff/<code>/scan?lane=<id>` with the form's CSRF token and key. "
        "Payloads: " + ", ".join(f"{mix[k] / total:.0%} {KIND_WORDS[k]}" for k in KINDS if mix.get(k))
        + f". Seeded {args.people} people with passes and {args.cards} known ID cards in {seed_seconds:.0f} s.",
        "",
        "| run | scans | scans/s | p50 ms | p99 ms | max ms | gunicorn CPU ms/scan"
        + (" | PostgreSQL CPU ms/scan" if postgresql else "") + " | lanes' own CPU ms/scan | errors |",
        "|---|---:|---:|---:|---:|---:|---:|" + ("---:|" if postgresql else "") + "---:|---:|",
    ]
    for name, run in runs:
        n = max(len(run["latencies"]), 1)
        lat = run["latencies"]
        lines.append(
            f"| {name} | {len(lat)} | {len(lat) / run['seconds']:.0f} | {_ms(percentile(lat, 50))} | "
            f"{_ms(percentile(lat, 99))} | {_ms(lat[-1] if lat else float('nan'))} | "
            f"{run['server_cpu'] / n * 1000:.2f} | "
            + (f"{run['db_cpu'] / n * 1000:.2f} | " if postgresql else "")
            + f"{run['client_cpu'] / n * 1000:.2f} | {len(check(run))} |")
    lines += ["", "| payload (back to back) | scans | p50 ms | p99 ms |", "|---|---:|---:|---:|"]
    for kind in KINDS:
        values = runs[0][1]["kinds"][kind]
        if values:
            lines.append(f"| {KIND_WORDS[kind]} | {len(values)} | {_ms(percentile(values, 50))} | "
                         f"{_ms(percentile(values, 99))} |")
    first = runs[0][1]
    per_scan = (first["server_cpu"] + first["db_cpu"]) / max(len(first["latencies"]), 1)
    carried = CORES * UTILISATION / (per_scan * LANE_RATE) if per_scan else float("inf")
    paced = runs[-1][1]["latencies"]
    p99_paced, p99_flat = percentile(paced, 99), percentile(first["latencies"], 99)
    checks = [check(run) for _name, run in runs]
    lines += [
        "",
        "Recorded in the database, per run: " + "; ".join(
            f"{run['recorded'].get('crossings', 0)} crossings, {run['recorded'].get('people', 0)} people registered"
            for _name, run in runs)
        + (" = the successful scans and first-time cards ✓" if not any(checks) else " ✗ " + "; ".join(sum(checks, []))),
        "",
        f"**Lanes per 2-core host at one scan every {1 / LANE_RATE:g} s: {carried:.0f}** "
        f"= {CORES} cores × {UTILISATION:.0%} / ({per_scan * 1000:.2f} ms CPU per scan"
        + (f" (gunicorn {first['server_cpu'] / max(len(first['latencies']), 1) * 1000:.2f} + PostgreSQL "
           f"{first['db_cpu'] / max(len(first['latencies']), 1) * 1000:.2f})" if postgresql else " (gunicorn)")
        + f" × {LANE_RATE:g} scans/s), from the back-to-back run; aim ≥ 20: {'met' if carried >= 20 else 'NOT met'}. "
        f"p99 with {args.lanes} lanes at one scan every {args.paced:g} s each: {_ms(p99_paced)} ms; "
        f"back to back: {_ms(p99_flat)} ms (aim < 100 ms: "
        f"{'met' if p99_paced < 100 else 'NOT met'} paced, {'met' if p99_flat < 100 else 'not met'} back to back).",
    ]
    return "\n".join(lines)


def profile_scans(env, code, officer, payloads, mix, count, serials):
    """Where a scan's time goes: `count` scans of the mix in-process (Flask's test client, one
    lane), under pyinstrument; returns text with the CPU per scan and the folded profile."""
    from pyinstrument import Profiler

    from portal import create_app

    from .profile import _supports_short_mode

    app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"], "SECRET_KEY": env["SECRET_KEY"],
                      "PORTAL_DATA_KEY": env["PORTAL_DATA_KEY"], "PORTAL_BASE_URL": env["PORTAL_BASE_URL"],
                      "PORTAL_LOG_LEVEL": "WARNING"})
    phone, lane_id, _direction = officer
    client = app.test_client()
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post("/auth/login", data={"phone": phone, "password": PASSWORD, **hidden_fields(page)})
    if response.status_code != 302:
        raise RuntimeError(f"profile: login answered {response.status_code}")
    path = f"/staff/{code}/scan?lane={lane_id}"
    fields = hidden_fields(client.get(path).get_data(as_text=True))
    rng, fresh = random.Random(5), iter(serials)
    kinds, weights = zip(*mix.items())
    profiler, cpu, bad = Profiler(interval=0.0005), 0.0, 0
    for i in range(count):
        kind = rng.choices(kinds, weights)[0]
        text = card(next(fresh))[3] if kind == "newcard" else payloads[kind][(i * 7) % len(payloads[kind])]
        started = time.process_time()
        profiler.start()
        response = client.post(path, data={"token": text, **fields})
        profiler.stop()
        cpu += time.process_time() - started
        page = response.get_data(as_text=True)
        bad += outcome_of(response.status_code, page) == "bad"
        fields = hidden_fields(page)
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()
    options = dict(unicode=False, color=False, show_all=False, timeline=False)
    if _supports_short_mode():
        options["short_mode"] = True
    return (f"{count} scans in-process, one lane: {cpu / count * 1000:.2f} ms CPU per scan "
            f"({bad} not recorded)\n\n" + profiler.output_text(**options))


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as handle:
            return next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), "?")
    except OSError:
        return "?"


def main(argv=None):
    """Seed, start gunicorn, drive the lanes, print the Markdown; exit 1 on any error or mismatch."""
    parser = argparse.ArgumentParser(prog="python -m bench.scanner_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--lanes", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20, help="length of the back-to-back run")
    parser.add_argument("--paced", type=float, default=2.0, help="seconds between scans of one lane in the paced run")
    parser.add_argument("--paced-seconds", type=float, default=30, help="length of the paced run")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of unreported scans first")
    parser.add_argument("--people", type=int, default=1000, help="people with passes, shared out between lanes")
    parser.add_argument("--cards", type=int, default=1000, help="people known by their ID card")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="then profile N scans in-process with pyinstrument and print where the time goes")
    parser.add_argument("--mix", default=DEFAULT_MIX, help=f"payload weights (default {DEFAULT_MIX})")
    args = parser.parse_args(argv)
    mix = parse_mix(args.mix)
    if args.lanes < 2:
        raise SystemExit("--lanes: at least 2 (one into the area, one out of it)")
    with tempfile.TemporaryDirectory(prefix="vaora-bench-scanner-") as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        if url.startswith("postgres"):
            prepare_postgresql(url)
        port = free_port()
        env = portal_env(url, port)
        print(f"seeding {args.people} people with passes, {args.cards} ID cards …", file=sys.stderr)
        started = time.perf_counter()
        flask(env, "db", "upgrade")
        flask(env, "divisions", "load")
        code, officers, tokens = seed(env, args.lanes, args.people, args.cards)
        seed_seconds = time.perf_counter() - started
        payloads = {"pass": tokens, "card": [card(serial)[3] for serial in range(args.cards)]}
        if (mix.get("pass") and not tokens) or (mix.get("card") and not args.cards):
            raise SystemExit("--mix asks for passes or known cards that --people / --cards do not seed")
        watch = DatabaseWatch(url)
        runs, warmup = [], None
        try:
            with Gunicorn(env, os.path.join(tmp, "gunicorn.log")) as server:
                # The warm-up (every worker's first requests compile templates, open connections)
                # is checked like the others but not reported.
                plan = (("warm-up", 0.0, args.warmup), ("back to back", 0.0, args.seconds),
                        (f"paced, 1 scan per {args.paced:g} s per lane", args.paced, args.paced_seconds))
                for index, (name, pace, seconds) in enumerate(plan):
                    if not seconds:
                        continue
                    print(f"run: {name} …", file=sys.stderr)
                    run = drive(server, watch, code, officers, payloads, mix, seconds, pace, index)
                    if name == "warm-up":
                        warmup = run
                    else:
                        runs.append((name, run))
                    if run["errors"]:
                        print(f"gunicorn log: {server.log_tail()}", file=sys.stderr)
            text = report(runs, watch, args, mix, seed_seconds)
            if args.profile:
                print(f"profiling {args.profile} scans in-process …", file=sys.stderr)
                first = NEW_CARD_BASE + len(officers) * 3 * NEW_CARD_BLOCK
                text += ("\n\nWhere a scan's time goes (pyinstrument; these scans are not in the figures "
                         "above):\n\n```\n" + profile_scans(env, code, officers[0], payloads, mix, args.profile,
                                                         range(first, first + args.profile)).strip() + "\n```")
        finally:
            watch.close()
    print(text)
    checked = runs + ([("warm-up", warmup)] if warmup else [])
    problems = [f"{name}: {problem}" for name, run in checked for problem in check(run)]
    if problems:
        print("scanner bench failed:\n" + "\n".join(problems[:20]), file=sys.stderr)
        raise SystemExit(1)
    return text


if __name__ == "__main__":
    main()
