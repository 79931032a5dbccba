"""Checkpoint lanes: scanner POSTs per second and their latency with 8 lanes scanning at once.

    python -m bench.scanner_scale                     # temporary SQLite file, 8 lanes, 20 s
    python -m bench.scanner_scale --lanes 4 --seconds 10 --people 2000
    DATABASE_URL=postgresql://… python -m bench.scanner_scale   # an empty database, wiped

gunicorn serves the portal with its production settings (CSRF on, logins, the scanner cookie);
each lane is a process of its own with one checkpoint officer's session, scanning its own queue
of people through the plain HTML form, as a USB barcode scanner does: POST the pass number and
the form's hidden fields, read the answer, take the next form's fields, scan the next person.
Two runs: lanes scanning back to back (the ceiling), and lanes paced at one scan per second
each (a busy checkpoint: one person per lane per second). Prints a Markdown table.
This is a benchmark, not a test: it asserts nothing about time.
"""
import argparse
import http.client
import multiprocessing
import os
import re
import sys
import tempfile
import time
from urllib.parse import urlencode

from .loadgen import percentile
from .server import Gunicorn, flask, free_port, portal_env, prepare_postgresql

PASSWORD = "bench-officer-password"
_HIDDEN = re.compile(r'name="(csrf_token|nonce)"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="(csrf_token|nonce)"')
_COOKIE = re.compile(r"^([^=]+)=([^;]*)")


def seed(env, lanes, people):
    """A checkpoint venue, one officer per lane, and `people` visitors with passes; returns
    (venue short code, [officer phones], [pass numbers])."""
    from portal import create_app
    from portal.auth.models import VenueStaff
    from portal.auth.services import create_user
    from portal.divisions.services import wards_of
    from portal.extensions import db
    from portal.clock import utcnow
    from portal.passes.services import issue_pass
    from portal.venues.services import register_venue
    from portal.visitors.services import register_visitor

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
        phones = []
        for lane in range(lanes):
            phone = f"0909{lane + 1:06d}"
            officer = create_user(role="checkpoint", full_name=f"Cán bộ {lane + 1}", phone=phone, password=PASSWORD)
            db.session.add(VenueStaff(user_id=officer.id, venue_id=venue.id))
            phones.append(phone)
        tokens = []
        for i in range(people):
            visitor = register_visitor(f"Người Qua Chốt {i + 1}", f"+84912{i:06d}", 1960 + i % 50, now)
            tokens.append(issue_pass(visitor, now).token)
            if i % 500 == 499:
                db.session.commit()
        db.session.commit()
        code = venue.short_code
    return code, phones, tokens


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


def lane(port, code, phone, tokens, seconds, pace, start_at, results, offset=0.0):
    """One checkpoint lane: log in, open the scanner, scan its people until time is up."""
    browser = Browser(port)
    _, page = browser.request("GET", "/auth/login")
    status, _ = browser.request("POST", "/auth/login", {"phone": phone, "password": PASSWORD, **hidden_fields(page)})
    if status != 302:
        results.put(("error", f"login answered {status}"))
        return
    path = f"/staff/{code}/scan"
    _, page = browser.request("GET", path)
    fields = hidden_fields(page)
    latencies, bad, i = [], 0, 0
    while time.time() < start_at:
        time.sleep(0.001)
    end = start_at + seconds
    next_at = start_at + offset  # paced lanes are not in step with each other, as in life
    while time.time() < end:
        if pace:
            time.sleep(max(0.0, next_at - time.time()))
            next_at += pace
        token = tokens[i % len(tokens)]
        i += 1
        began = time.perf_counter()
        # A checkpoint without lanes: each scan says its direction (a crossing, never a visit).
        status, page = browser.request("POST", path, {"token": token, "direction": "in", **fields})
        latencies.append((time.perf_counter() - began) * 1000)
        if status != 200 or "scan-ok" not in page:
            bad += 1
        fields = hidden_fields(page)
    results.put(("lane", latencies, bad))


def drive(port, code, phones, tokens, seconds, pace):
    """Run every lane at once; returns (latencies in ms, bad answers, errors)."""
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    share = len(tokens) // len(phones)
    start_at = time.time() + 3  # every lane logged in and on its scanner page first
    processes = [
        ctx.Process(target=lane, args=(port, code, phone, tokens[n * share:(n + 1) * share], seconds, pace,
                                       start_at, results, pace * n / len(phones)))
        for n, phone in enumerate(phones)
    ]
    for process in processes:
        process.start()
    latencies, bad, errors = [], 0, []
    for _ in processes:
        item = results.get(timeout=seconds + 120)
        if item[0] == "lane":
            latencies += item[1]
            bad += item[2]
        else:
            errors.append(item[1])
    for process in processes:
        process.join()
    return sorted(latencies), bad, errors


def outcomes(env):
    """Scans per outcome and visits recorded, read back from the database."""
    from sqlalchemy import create_engine, text

    from portal.config import database_url

    engine = create_engine(database_url(env["DATABASE_URL"]))
    with engine.connect() as conn:
        counts = dict(conn.execute(text("SELECT outcome, count(*) FROM scans GROUP BY outcome")).all())
        visits = conn.execute(text("SELECT count(*) FROM visits")).scalar()
    engine.dispose()
    return counts, visits


def report(rows, env, args, workers):
    lines = [
        f"### Scanner lanes ({args.lanes} lanes, {args.seconds:g} s per run, {workers} gunicorn workers, "
        f"{'PostgreSQL' if env['DATABASE_URL'].startswith('postgres') else 'SQLite'})",
        "",
        "| run | scans | scans/s | p50 ms | p95 ms | p99 ms | max ms | not green |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, latencies, bad, seconds in rows:
        lines.append(
            f"| {name} | {len(latencies)} | {len(latencies) / seconds:.0f} | {percentile(latencies, 50):.1f} | "
            f"{percentile(latencies, 95):.1f} | {percentile(latencies, 99):.1f} | "
            f"{(latencies[-1] if latencies else float('nan')):.1f} | {bad} |"
        )
    counts, visits = outcomes(env)
    lines += ["", "Outcomes recorded: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
              + f"; visits {visits}. Aim: p99 under 100 ms with 8 lanes scanning at once."]
    return "\n".join(lines)


def main(argv=None):
    """Seed, start gunicorn, drive the lanes, print the Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench.scanner_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--lanes", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--people", type=int, default=4000, help="people with passes, shared out between lanes")
    parser.add_argument("--paced", type=float, default=1.0, help="seconds between scans of one lane in the paced run")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vaora-bench-scanner-") as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
        if url.startswith("postgres"):
            prepare_postgresql(url)
        port = free_port()
        env = portal_env(url, port)
        workers = int(env.setdefault("GUNICORN_WORKERS", str(max(4, min(args.lanes, os.cpu_count() or 4)))))
        print(f"seeding {args.people} people with passes …", file=sys.stderr)
        flask(env, "db", "upgrade")
        flask(env, "divisions", "load")
        code, phones, tokens = seed(env, args.lanes, args.people)
        rows = []
        with Gunicorn(env, os.path.join(tmp, "gunicorn.log")) as server:
            for name, pace in (("back to back", 0.0), (f"paced, 1 scan per {args.paced:g} s per lane", args.paced)):
                print(f"run: {name} …", file=sys.stderr)
                latencies, bad, errors = drive(server.port, code, phones, tokens, args.seconds, pace)
                if errors:
                    raise SystemExit(f"lanes failed: {errors}; gunicorn log: {server.log_tail()}")
                rows.append((name, latencies, bad, args.seconds))
        table = report(rows, env, args, workers)
    print(table)
    return table


if __name__ == "__main__":
    main()
