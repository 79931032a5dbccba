"""`make bench`: check-ins per second against the bare Flask ceiling, the purge, sizes, scale.

    make bench                                   # SQLite (a temporary file)
    make bench DATABASE_URL=postgresql://…       # SQLite, then PostgreSQL on that (empty) database,
                                                 # then two instances behind nginx (--cluster)
    python -m bench --seconds 5 --no-docs        # shorter, without rewriting docs/benchmarks.md
    python -m bench --only scanner_scale         # one scale benchmark alone (SQLite, then DATABASE_URL)
    python -m bench --checkin-only               # quick: the ceiling and check-ins at 8 clients on a
                                                 # small seed, CPU per request against the ceiling's
    python -m bench --checkin-only --compare ef72e7f   # the same, and that commit side by side
    python -m bench --no-compare                 # without the side-by-side run against ef72e7f

By default the run ends with this checkout against commit ef72e7f side by side (bench/compare.py,
issue #18): both seeded and served by their own code, loaded in turns by the same wrk.

Everything runs on this machine over 127.0.0.1: gunicorn with the portal's production settings
(portal/gunicorn_conf.py) and wrk as the load generator. Prints the tables and writes them into
docs/benchmarks.md between its generated-section markers.
"""
import argparse
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from . import compare, loadgen, report
from .database import Database
from .server import ROOT, Gunicorn, free_port, portal_env

log = logging.getLogger("bench")
CLIENTS = (8, 32)
DESIGN_PEAK = 350  # check-ins per second in the province's busiest hour (see docs/capacity.md)
#: The other scale benchmarks, with the options `make bench` gives them. The contact query's own
#: purge is kept small here: the 1 M-row purge is measured above, through gunicorn.
SCALE_SCRIPTS = {
    "officials_scale": {"sqlite": [], "postgresql": ["--no-sqlite"]},
    "tracing_scale": {"sqlite": ["--purge-rows", "20000"], "postgresql": ["--purge-rows", "20000"]},
    "scanner_scale": {"sqlite": [], "postgresql": []},
}
#: Scale benchmarks that run on SQLite as well when DATABASE_URL is given (unless --no-sqlite).
BOTH_DATABASES = ("scanner_scale",)
DEVICE_COOKIE = "vr_device"


def device_cookie():
    """The name of the cookie that remembers a visitor's device."""
    try:
        from portal.visitors.device import COOKIE
    except ImportError:
        return DEVICE_COOKIE
    return COOKIE


def bench_ceiling(workdir, seconds, clients_counts=CLIENTS):
    """The bare Flask app under the same gunicorn settings: {clients: Run}."""
    env = portal_env("sqlite://", free_port())
    runs = {}
    with Gunicorn(env, os.path.join(workdir, "ceiling.log"), app="bench.ceiling:app", ready_path="/") as server:
        loadgen.run(server.url, "plain", CLIENTS[0], 2)
        for clients in clients_counts:
            log.info("ceiling: %d clients for %s s", clients, seconds)
            runs[clients] = _measured(server, loadgen.run, server.url, "plain", clients, seconds)
    return runs


def _measured(server, run, *args, **options):
    """A wrk run with the server's CPU time over it."""
    before = server.cpu_seconds()
    result = run(*args, **options)
    result.server_cpu = server.cpu_seconds() - before
    return result


def _checkins(server, database, clients, seconds, rate=0):
    budget = int((rate or 1500) * seconds * 1.2) + 200
    return _measured(server, loadgen.run, server.url, "checkin", clients, seconds, rate=rate,
                     venues=database.venues_file, devices=database.devices_file(budget),
                     device_cookie=device_cookie())


def bench_checkins(database, seconds, ceiling):
    """Complete check-ins at each client count, each followed by a turn of the bare page
    (`ceiling`, a compare.Ceiling) at as many clients, so that the two are measured minutes, not
    most of an hour, apart on a machine whose speed drifts: ({clients: (Run, visits the database
    gained)}, {clients: the bare page's Run})."""
    runs, pages = {}, {}
    for clients in CLIENTS:
        log.info("%s: check-ins, %d clients for %s s, then the bare page", database.kind, clients, seconds)
        before = database.visits()
        run = _checkins(database.server, database, clients, seconds)
        runs[clients] = (run, database.visits() - before)
        pages[clients] = ceiling.turn(seconds, clients)
    return runs, pages


def bench_purge(database, seconds, rate, window):
    """Check-ins paced at `rate` per second without, then during, `flask data purge`.

    The purge is watched for at most `window` seconds (then stopped: every chunk it committed
    stays committed); its speed gives the time the whole backlog takes.
    """
    server = database.server
    log.info("%s: paced check-ins at %d/s without the purge", database.kind, rate)
    before = database.visits()
    quiet = _checkins(server, database, 8, seconds, rate=rate)
    quiet_new = database.visits() - before
    log.info("%s: paced check-ins at %d/s during the purge (watched up to %d s)", database.kind, rate, window)
    before, old_before = database.visits(), database.old_visits()
    background = loadgen.background(server.url, "checkin", 8, window + 60, rate=rate,
                                    venues=database.venues_file,
                                    devices=database.devices_file(int(rate * window * 1.2) + 200),
                                    device_cookie=device_cookie())
    time.sleep(1)
    started = time.monotonic()
    purge = database.start_purge()
    try:
        output, _ = purge.communicate(timeout=window)
        finished, failed = purge.returncode == 0, purge.returncode != 0
    except subprocess.TimeoutExpired:
        purge.terminate()
        output, _ = purge.communicate()
        finished = failed = False
    ended = time.monotonic()
    time.sleep(0.5)
    during = background.stop()
    purged = old_before - database.old_visits()
    return {
        "rate": rate, "quiet": quiet, "quiet_new": quiet_new, "during": during,
        "during_posts": during.posts_between(started, ended), "seconds": ended - started,
        "finished": finished, "failed": failed, "purged": purged, "backlog": old_before, "output": (output or "").strip(),
        "during_new": database.visits() - before + purged,
    }


def bench_database(workdir, seconds, url=None, sizes=None, purge_window=90, profile_count=300):
    """Seed one database, then measure check-ins, the purge, the size per visit and a profile."""
    database = Database(workdir, free_port(), url=url, sizes=sizes)
    log.info("%s: migrating and seeding", database.kind)
    result = {"kind": database.kind, "seed_seconds": database.create(), "info": database.info}
    result["version"] = database.server_version()
    result["size"] = database.bytes_per_visit()
    with Gunicorn(database.env, os.path.join(workdir, f"{database.kind}-gunicorn.log")) as server:
        database.server = server
        _checkins(server, database, CLIENTS[0], 3)  # warm up every worker
        ceiling = compare.Ceiling(os.path.join(workdir, f"{database.kind}-ceiling"))
        try:
            result["runs"], result["ceiling"] = bench_checkins(database, seconds, ceiling)
        finally:
            ceiling.close()
        rate = min(DESIGN_PEAK, int(result["runs"][CLIENTS[0]][0].rate() * 0.5)) or 1
        result["purge"] = bench_purge(database, seconds, rate, purge_window)
        result["log"] = server.log_tail(3000)
    if profile_count:
        from .profile import profile, render

        log.info("%s: profiling %d check-ins in-process", database.kind, profile_count)
        with open(database.venues_file) as handle:
            venues = handle.read().split()
        with open(database.devices_file(profile_count)) as handle:
            devices = handle.read().split()
        result["profile"] = render(profile(database.app, venues, devices, profile_count))
    database.close()
    return result


def _scale_runs(database_url, names=None, sqlite=True):
    """(name, database URL or None for SQLite) of each scale benchmark run, in order."""
    for name in names or SCALE_SCRIPTS:
        if database_url and sqlite and name in BOTH_DATABASES:
            yield name, None
        yield name, database_url


def _compared(found, ceiling, results):
    """[(database kind, Markdown)] of a side-by-side run."""
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(results["started"]))
    return [(db["kind"], compare.render(dict(found, databases=[db]), ceiling, when, results["machine"],
                                        results["commit"]))
            for db in found["databases"]]


def checkin_only(args):
    """`--checkin-only`: the bare Flask page and check-ins at 8 clients on a small seed, on SQLite
    and/or DATABASE_URL, this checkout alone or (`--compare REV`) with REV in turns; no docs."""
    loadgen.ensure_wrk()
    pg_url = os.environ.get("DATABASE_URL") or None
    started = time.monotonic()
    results = {"started": time.time(), "machine": report.machine(), "commit": report.commit(ROOT)}
    workdir = tempfile.mkdtemp(prefix="vaora-bench-")
    try:
        ceiling = bench_ceiling(workdir, args.seconds, (CLIENTS[0],))[CLIENTS[0]]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    sides = ("old", "new") if args.compare and not args.no_compare else ("new",)
    found = compare.compare(args.compare or compare.BASELINE, args.seconds, args.rounds, pg_url,
                            sqlite=not args.no_sqlite, sides=sides)
    for _kind, text in _compared(found, ceiling, results):
        print(text)
    log.info("took %.0f s", time.monotonic() - started)
    failures = compare.failures(found)
    if ceiling.errors:
        failures.append(f"ceiling: {ceiling.errors} errors {ceiling.error_kinds}")
    if failures:
        log.warning("check failed: %s", "; ".join(failures))
        return 1
    return 0


class _Done(Exception):
    """What `--only` asked for has run."""


def run_scale_scripts(database_url, deadline, names=None, sqlite=True):
    """Run the other scale benchmarks that exist (`names`: only these), each within what is left
    of the time budget; [(name, markdown or None, note, database kind)]."""
    found = []
    for name, url in _scale_runs(database_url, names, sqlite):
        options, kind = SCALE_SCRIPTS[name], "postgresql" if url else "sqlite"
        if not os.path.exists(os.path.join(ROOT, "bench", f"{name}.py")):
            found.append((name, None, "not present in this checkout", kind))
            continue
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        if url:
            env["DATABASE_URL"] = url
        started = time.monotonic()
        budget = int(deadline - started)
        if budget < 30:
            found.append((name, None, "skipped: the run's time budget was spent", kind))
            continue
        args = options[kind]
        log.info("scale: python -m bench.%s %s%s", name, " ".join(args), " (PostgreSQL)" if url else "")
        # A session of its own: on timeout the script and any gunicorn it started stop together.
        process = subprocess.Popen([sys.executable, "-m", f"bench.{name}", *args], env=env, cwd=ROOT,
                                   text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=budget)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.communicate()
            found.append((name, None, f"stopped after {budget} s, the rest of the time budget", kind))
            continue
        done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        took = time.monotonic() - started
        if done.returncode != 0:
            error = "\n".join(done.stderr.strip().splitlines()[-12:])
            found.append((name, f"It failed; the end of its output:\n\n```\n{error}\n```", f"exit {done.returncode}",
                          kind))
        else:
            found.append((name, done.stdout.strip(), " ".join([*args, f"{took:.0f} s"]), kind))
    return found


def main(argv=None):
    """Run the whole benchmark; print and (unless --no-docs) write docs/benchmarks.md."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of each measured run")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/ alone")
    parser.add_argument("--no-scale", action="store_true", help="skip the other scale benchmarks")
    parser.add_argument("--no-sqlite", action="store_true", help="with DATABASE_URL: PostgreSQL only")
    parser.add_argument("--only", action="append", choices=sorted(SCALE_SCRIPTS), metavar="NAME",
                        help="run only this scale benchmark (repeatable; skips the check-in benchmarks): "
                             + ", ".join(SCALE_SCRIPTS))
    parser.add_argument("--old-visits", type=int, default=1_000_000, help="visits the purge removes")
    parser.add_argument("--purge-window", type=int, default=90, help="longest time the purge is watched")
    parser.add_argument("--cluster", action="store_true",
                        help="also check-ins through nginx, two instances, PgBouncer, Redis (bench/cluster.py)")
    parser.add_argument("--budget", type=float, default=570,
                        help="seconds after which the scale benchmarks are no longer started or are stopped")
    parser.add_argument("--checkin-only", action="store_true",
                        help="quick: the ceiling and check-ins at 8 clients on a small seed (no purge, sizes, "
                             "profile, scale); prints, leaves docs/ alone")
    parser.add_argument("--compare", metavar="REV",
                        help=f"also load commit REV side by side, in turns (default with a full run: "
                             f"{compare.BASELINE}; with --checkin-only: none)")
    parser.add_argument("--no-compare", action="store_true", help="no side-by-side run against an older commit")
    parser.add_argument("--rounds", type=int, default=3, help="turns of each side in the side-by-side run")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    if args.checkin_only:
        return checkin_only(args)
    if not args.only:
        loadgen.ensure_wrk()
    started = time.monotonic()
    pg_url = os.environ.get("DATABASE_URL") or None
    results = {"started": time.time(), "seconds": args.seconds, "machine": {} if args.only else report.machine(),
               "commit": report.commit(ROOT), "postgresql_url": pg_url, "databases": []}
    workdir = tempfile.mkdtemp(prefix="vaora-bench-")
    sizes = {"old_visits": args.old_visits}
    try:
        if args.only:  # the scale benchmarks named, and nothing else
            results["scale"] = run_scale_scripts(pg_url, started + args.budget, args.only, not args.no_sqlite)
            raise _Done
        results["ceiling"] = bench_ceiling(workdir, args.seconds)
        if not (pg_url and args.no_sqlite):
            results["databases"].append(bench_database(workdir, args.seconds, sizes=sizes,
                                                       purge_window=args.purge_window))
        if pg_url:
            results["databases"].append(bench_database(workdir, args.seconds, url=pg_url, sizes=sizes,
                                                       purge_window=args.purge_window))
        if args.cluster:
            from .cluster import bench_cluster

            results["cluster"] = bench_cluster(args.seconds)
        if not args.no_scale:
            results["scale"] = run_scale_scripts(pg_url, started + args.budget, sqlite=not args.no_sqlite)
        if not args.no_compare:
            results["compare"] = compare.compare(args.compare or compare.BASELINE, args.seconds, args.rounds,
                                                 pg_url, sqlite=not args.no_sqlite)
    except _Done:
        pass
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["elapsed"] = time.monotonic() - started
    when = time.strftime("%Y-%m-%d", time.gmtime(results["started"]))
    runs = [(db["kind"], report.render(dict(results, databases=[db]))) for db in results["databases"]]
    for _kind, text in runs:
        print(text)
    scale_kind = "postgresql" if pg_url else "sqlite"
    for name, output, note, kind in results.get("scale", []):
        print(report.render_scale(name, output, note, when, kind))
    if "cluster" in results:
        from . import cluster

        runs.append(("cluster", cluster.render(results["cluster"], when, results["machine"])))
        print(runs[-1][1])
    compared = []
    if "compare" in results:
        compared = _compared(results["compare"], results["ceiling"][CLIENTS[0]], results)
        for _kind, text in compared:
            print(text)
    if not args.no_docs:
        report.write(os.path.join(ROOT, "docs", "benchmarks.md"), runs, results.get("scale", ()), when, scale_kind)
        report.write_sections(os.path.join(ROOT, "docs", "benchmarks.md"),
                              {f"comparison on {kind}": text for kind, text in compared})
        log.info("wrote docs/benchmarks.md")
    failures = report.failures(results)
    if "compare" in results:
        failures += compare.failures(results["compare"])
    failures += [f"{name} on {kind}: {note}" for name, _output, note, kind in results.get("scale", ())
                 if note.startswith("exit ")]  # a scale benchmark that found an error exits non-zero
    if "cluster" in results:
        failures += cluster.failures(results["cluster"])
    if failures:
        log.warning("check failed: %s", "; ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
