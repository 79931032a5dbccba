"""Check-ins per second of this checkout against an older commit's, side by side (issue #18).

    python -m bench.compare                      # this checkout against ef72e7f, SQLite
    python -m bench.compare --rev 4d1280b        # against another commit
    DATABASE_URL=postgresql://…/vaora_bench python -m bench.compare   # then PostgreSQL too
    python -m bench --compare ef72e7f            # the same as part of `make bench`

The older commit is taken out of git into a temporary directory (`git archive`, nothing in this
checkout changes) and its catalog compiled. Each side then runs in a process of its own with its
own code on the path: its bench/database.py migrates and seeds a small database with its own
migrations and seeder, and its gunicorn serves its own portal with its own portal/gunicorn_conf.py.
The load comes from *this* checkout's loadgen and bench/load.lua, 8 clients, against both, in
turns (old, new, old, new, …) so whatever else the machine does falls on both. On PostgreSQL the
new side uses DATABASE_URL and the old side a database of its own next to it, `<name>_baseline`
(created when missing, emptied by the old side's bench like the first).

Only this checkout's errors and mismatches (visits recorded ≠ successful check-ins) make the run
fail; the old commit's are reported.
"""
import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time

from . import loadgen
from .server import ROOT, Gunicorn, free_port, portal_env, process_cpu_seconds

log = logging.getLogger("bench")

#: The commit issue #18 ("lean check-in") measures against: its docs/benchmarks.md has the run of
#: 4d1280b at 274 check-ins per second on SQLite.
BASELINE = "ef72e7f"
CLIENTS = 8
#: A small seed, the same for both sides: the comparison is about the code of the check-in, and
#: seeding both sides takes well under a minute like this. (The purge backlog is not needed.) The
#: venues stay as many as in the full seed, so that people inside are spread as thinly. (A check-in
#: of a person whom the seed put inside that very venue already records no visit; since
#: 2026-12-05 the load's venues leave out those with anyone inside, `bench.database`.)
SMALL = {"venues": 250_000, "owners": 1_000, "visitors": 40_000, "old_visitors": 1_000, "old_visits": 1_000}


def device_budget(seconds):
    """Remembered devices handed to one turn of `seconds`: more than any side checks in (1,500 a
    second), with room."""
    return int(1500 * seconds * 1.2) + 200


def sized(sizes, seconds, rounds):
    """`sizes` with visitors enough for every device handed out in a side's run (its 3 s warm-up and
    its turns): no device checks in twice, so none can find its person inside the venue already
    (which records no visit) from an earlier turn. With 40,000 visitors, 3 turns of 10 s wrapped
    round to the warm-up's devices in the second turn."""
    return dict(sizes, visitors=max(sizes["visitors"], device_budget(3) + rounds * device_budget(seconds)))


#: Targets of issue #18.
SPEEDUP_TARGET = 2.4
CPU_TARGET = 5.0  # gunicorn CPU per check-in request ≤ 5 × the bare Flask page's
P99_TARGET = {"sqlite": 50.0, "postgresql": 100.0}
KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
PREFIX = "@@bench "

#: What runs inside each side's process, with that side's tree as the working directory and the
#: only entry of PYTHONPATH: it uses nothing but that side's bench.database.Database and
#: bench.server.Gunicorn (the same API from ef72e7f on), and answers the parent one JSON line at a time.
AGENT = r'''
import json, logging, os, sys
logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stderr)
from bench.database import Database
from bench.server import ROOT, Gunicorn, free_port
import portal
try:
    from portal.visitors.device import COOKIE
except ImportError:
    COOKIE = "vr_device"
config = json.loads(sys.argv[1])
def say(**values):
    sys.stdout.write("@@bench " + json.dumps(values) + "\n")
    sys.stdout.flush()
database = Database(config["workdir"], free_port(), url=config["url"], sizes=config["sizes"])
seeded = database.create()
version = database.server_version()
with Gunicorn(database.env, os.path.join(config["workdir"], "gunicorn.log")) as server:
    say(url=server.url, kind=database.kind, version=version, seed_seconds=seeded,
        venues=database.venues_file, device_cookie=COOKIE, info=database.info, root=ROOT,
        portal=os.path.dirname(portal.__file__))
    for line in sys.stdin:
        ask = json.loads(line)
        if ask["do"] == "devices":
            say(path=database.devices_file(ask["count"]))
        elif ask["do"] == "visits":
            say(visits=database.visits())
        elif ask["do"] == "cpu":
            say(cpu=server.cpu_seconds())
        elif ask["do"] == "log":
            say(log=server.log_tail(ask.get("size", 3000)))
        else:
            break
database.close()
'''


def _git(*args, **options):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=True, **options)


def materialise(rev, into):
    """Write commit `rev`'s files into the directory `into` and compile its catalog; returns the
    commit's short hash."""
    short = _git("rev-parse", "--short", f"{rev}^{{commit}}", text=True).stdout.strip()
    archive = _git("archive", "--format=tar", short).stdout
    os.makedirs(into, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", into], input=archive, check=True)
    translations = os.path.join(into, "portal", "translations")
    if os.path.isdir(translations):
        subprocess.run([os.path.join(os.path.dirname(sys.executable), "pybabel"), "compile",
                        "-d", translations], check=True, capture_output=True)
    return short


def baseline_url(url, suffix="_baseline"):
    """The old side's PostgreSQL database next to `url`'s, created when missing."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from portal.config import database_url

    parsed = make_url(database_url(url))
    name = f"{parsed.database}{suffix}"
    engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                quoted = conn.dialect.identifier_preparer.quote(name)
                conn.execute(text(f"CREATE DATABASE {quoted}"))
                log.info("created database %s", name)
    finally:
        engine.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


class Backends:
    """CPU time of the PostgreSQL backends serving one database (the server runs on this machine:
    its processes are in /proc), read through the maintenance database `postgres`."""

    def __init__(self, url):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        from portal.config import database_url

        parsed = make_url(database_url(url))
        self.name = parsed.database
        self.engine = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def read(self):
        from sqlalchemy import text

        with self.engine.connect() as conn:
            pids = conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = :n"), {"n": self.name}).all()
        return {pid: process_cpu_seconds(pid) for pid in pids}

    @staticmethod
    def between(before, after):
        # A backend opened during the run counts from zero.
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())

    def close(self):
        self.engine.dispose()


class Side:
    """One portal tree seeded and served by its own code, in a process of its own."""

    def __init__(self, label, tree, workdir, url=None, sizes=None):
        self.label, self.tree, self.workdir = label, tree, workdir
        self.backends = Backends(url) if url else None
        os.makedirs(workdir, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTHON"))}
        env.update(PYTHONPATH=tree, PYTHONDONTWRITEBYTECODE="1")
        self.stderr = open(os.path.join(workdir, "agent.log"), "w")
        config = {"workdir": workdir, "url": url, "sizes": sizes or SMALL}
        self.process = subprocess.Popen([sys.executable, "-c", AGENT, json.dumps(config)], cwd=tree, env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                        text=True, start_new_session=True)
        self.ready = self._read()
        if os.path.realpath(self.ready["portal"]) != os.path.realpath(os.path.join(tree, "portal")):
            self.close()
            raise RuntimeError(f"{label} side imported the portal from {self.ready['portal']}, not {tree}")
        self.url = self.ready["url"]
        self.kind, self.version = self.ready["kind"], self.ready["version"]

    def _read(self):
        for line in self.process.stdout:
            if line.startswith(PREFIX):
                return json.loads(line[len(PREFIX):])
        self.process.wait()
        raise RuntimeError(f"{self.label} side exited ({self.process.returncode}): {self.log_tail()}")

    def ask(self, do, **values):
        self.process.stdin.write(json.dumps(dict(values, do=do)) + "\n")
        self.process.stdin.flush()
        return self._read()

    def log_tail(self, size=2500):
        self.stderr.flush()
        with open(self.stderr.name, errors="replace") as handle:
            return handle.read()[-size:]

    def checkins(self, seconds, clients=CLIENTS):
        """One wrk run of complete check-ins: (Run with server_cpu, visits the database gained)."""
        devices = self.ask("devices", count=device_budget(seconds))["path"]
        before, cpu = self.ask("visits")["visits"], self.ask("cpu")["cpu"]
        backends = self.backends.read() if self.backends else {}
        run = loadgen.run(self.url, "checkin", clients, seconds, venues=self.ready["venues"], devices=devices,
                          device_cookie=self.ready["device_cookie"])
        run.server_cpu = self.ask("cpu")["cpu"] - cpu
        run.database_cpu = Backends.between(backends, self.backends.read()) if self.backends else None
        return run, self.ask("visits")["visits"] - before

    def close(self):
        if self.process.poll() is None:
            try:
                self.process.stdin.write(json.dumps({"do": "stop"}) + "\n")
                self.process.stdin.close()
                self.process.wait(timeout=60)
            except (OSError, subprocess.TimeoutExpired):
                os.killpg(self.process.pid, 15)
                self.process.wait()
        self.stderr.close()
        if self.backends:
            self.backends.close()


class Ceiling:
    """The bare Flask page (bench/ceiling.py) under this checkout's gunicorn settings, loaded for a
    turn after each round of the sides' turns: the CPU ratio then divides runs of the same minutes,
    where the one ceiling run at the start of `make bench` is minutes or, in a full run, most of
    an hour away from the comparison, on a machine whose speed drifts."""

    def __init__(self, workdir):
        os.makedirs(workdir, exist_ok=True)
        self.server = Gunicorn(portal_env("sqlite://", free_port()), os.path.join(workdir, "ceiling.log"),
                               app="bench.ceiling:app", ready_path="/")
        self.server.__enter__()
        try:
            loadgen.run(self.server.url, "plain", CLIENTS, 2)  # warm up every worker
        except BaseException:
            self.close()  # the caller never holds it: stop the server here
            raise

    def turn(self, seconds, clients=CLIENTS):
        """One wrk run of the bare page, with gunicorn's CPU time over it."""
        before = self.server.cpu_seconds()
        run = loadgen.run(self.server.url, "plain", clients, seconds)
        run.server_cpu = self.server.cpu_seconds() - before
        return run

    def close(self):
        self.server.__exit__(None, None, None)


def ceiling_summary(runs):
    """The interleaved ceiling's turns together: gunicorn CPU per request over all, and each turn's."""
    requests = sum(run.counts.get("requests", 0) for run in runs)
    return {"cpu_per_request": sum(run.server_cpu for run in runs) / max(requests, 1) * 1e3,
            "cpus": [run.server_cpu_per_request() for run in runs], "errors": sum(run.errors for run in runs),
            "error_kinds": {k: v for run in runs for k, v in run.error_kinds.items()}}


def summary(runs):
    """The runs of one side together: rates, latencies and CPU over all of them."""
    seconds = sum(run.seconds for run, _ in runs)
    posts = sorted(v for run, _ in runs for v in run.latencies.get("post", []))
    requests = sum(run.counts.get("requests", 0) for run, _ in runs)
    cpu = sum(run.server_cpu for run, _ in runs)
    database_cpu = [run.database_cpu for run, _ in runs if getattr(run, "database_cpu", None) is not None]
    return {
        "database_cpu_per_request": sum(database_cpu) / max(requests, 1) * 1e3 if database_cpu else None,
        "rates": [run.rate() for run, _ in runs],
        "rate": sum(run.counts.get("posts_window", 0) for run, _ in runs) / max(seconds, 1e-9),
        "p50": loadgen.percentile(posts, 50), "p99": loadgen.percentile(posts, 99),
        "cpu_per_request": cpu / max(requests, 1) * 1e3,
        "cpus": [run.server_cpu_per_request() for run, _ in runs],
        "errors": sum(run.errors for run, _ in runs),
        "error_kinds": {k: v for run, _ in runs for k, v in run.error_kinds.items()},
        "example_error": next((run.example_error for run, _ in runs if run.example_error), ""),
        "recorded": sum(recorded for _, recorded in runs),
        "successes": sum(run.successes for run, _ in runs),
    }


def compare_database(old_tree, new_tree, workdir, seconds, rounds, url=None, sizes=None, sides=("old", "new")):
    """Seed and serve each side on one kind of database, then load them in turns; a result dict."""
    urls = {"new": url, "old": baseline_url(url) if url else None}
    trees = {"old": old_tree, "new": new_tree}
    started, opened, result = {}, {}, {"sides": {}, "notes": []}
    ceiling, ceiling_runs = None, []
    try:
        for name in sides:
            log.info("%s side: migrating and seeding with its own code (%s)", name,
                     "PostgreSQL" if url else "SQLite")
            try:
                opened[name] = Side(name, trees[name], os.path.join(workdir, f"{name}-{'pg' if url else 'sqlite'}"),
                                    url=urls[name], sizes=sizes)
            except RuntimeError as error:
                result["notes"].append(f"{name} side did not start: {str(error)[-600:]}")
                log.warning("%s side did not start: %s", name, error)
                continue
            started[name] = []
        for side in opened.values():
            result["version"] = side.version
            side.checkins(3)  # warm up every worker
        if "new" in opened:
            ceiling = Ceiling(os.path.join(workdir, f"ceiling-{'pg' if url else 'sqlite'}"))
        for turn in range(rounds):
            for name, side in opened.items():
                log.info("%s side: check-ins, %d clients for %s s (turn %d of %d)", name, CLIENTS, seconds,
                         turn + 1, rounds)
                started[name].append(side.checkins(seconds))
            if ceiling is not None:
                log.info("bare Flask page: %d clients for %s s (turn %d of %d)", CLIENTS, seconds, turn + 1, rounds)
                ceiling_runs.append(ceiling.turn(seconds))
        if ceiling_runs:
            result["ceiling"] = ceiling_summary(ceiling_runs)
        for name, side in opened.items():
            result["sides"][name] = dict(summary(started[name]), seed_seconds=side.ready["seed_seconds"],
                                         version=side.version)
            if result["sides"][name]["errors"]:
                result["sides"][name]["log"] = side.ask("log")["log"]
    finally:
        for side in opened.values():
            side.close()
        if ceiling is not None:
            ceiling.close()
    result["kind"] = "postgresql" if url else "sqlite"
    return result


def compare(rev=BASELINE, seconds=10, rounds=3, database_url=None, sqlite=True, sizes=None, sides=("old", "new")):
    """The comparison on SQLite and (with `database_url`) PostgreSQL: {"rev", "databases": [...]}."""
    workdir = tempfile.mkdtemp(prefix="vaora-compare-")
    sizes = sized(sizes or SMALL, seconds, rounds)
    results = {"rev": rev, "databases": [], "rounds": rounds, "seconds": seconds, "sizes": sizes}
    try:
        old_tree = None
        if "old" in sides:
            try:
                results["rev"] = materialise(rev, os.path.join(workdir, "tree"))
                old_tree = os.path.join(workdir, "tree")
            except subprocess.CalledProcessError as error:
                results["skipped"] = f"commit {rev} could not be taken out of git: {(error.stderr or b'')[-300:]!r}"
                log.warning("%s", results["skipped"])
                sides = tuple(s for s in sides if s != "old")
        urls = ([None] if sqlite or not database_url else []) + ([database_url] if database_url else [])
        for url in urls:
            results["databases"].append(compare_database(old_tree, ROOT, workdir, seconds, rounds, url, sizes, sides))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def _ms(value):
    return "–" if value != value else f"{value:.1f}"


def _cpu(value):
    return "–" if value is None else f"{value:.2f}"


def _verdict(met, value, target):
    return "met" if met else f"**not met**: {value / target:.2f}× the target"


def render(results, ceiling=None, when="", machine=None, commit=""):
    """The Markdown of one database's comparison (`results` holds that database alone), with the
    CPU ratio to the bare Flask page: the page loaded in the same turns when it was, else
    `ceiling` (an 8-client Run of it) when given."""
    db = results["databases"][0]
    page = _page(db, ceiling)
    kind = KIND_NAMES[db["kind"]]
    rev = results["rev"]
    old, new = db["sides"].get("old"), db["sides"].get("new")
    where = db.get("version", kind)
    title = (f"This checkout against `{rev}`, side by side on {where}" if old else
             f"Check-ins of this checkout on {where}, small seed")
    out = [f"### {title} ({when})", ""]
    if commit:
        out.append(f"- **This checkout** `{commit}`" + (f"; **old side** `{rev}` from `git archive`" if old else ""))
    if machine:
        out.append(f"- **Machine** {machine['cores']} cores ({machine['model']}); load average at the start "
                   f"{machine['load'][0]:.2f} / {machine['load'][1]:.2f} / {machine['load'][2]:.2f}")
    if commit or machine:
        out.append("")
    sizes = results["sizes"]
    out += [f"Each side seeded by its own code with {sizes['venues']:,} venues and {sizes['visitors']:,} "
            f"visitors with remembered devices; {CLIENTS} clients, {results['rounds']} turns of "
            f"{results['seconds']:g} s each" + (" in alternation (old, new, old, …)" if old else "")
            + (", then the bare Flask page for a turn of its own" if page and page["interleaved"] else "")
            + "; gunicorn's CPU time (and on PostgreSQL its backends' serving that database) from /proc "
            "over the same runs.", "",
            "| side | check-ins/s (each turn) | check-ins/s | POST p50 | POST p99 | gunicorn CPU per request (ms) "
            "| PostgreSQL backends' CPU per request (ms) | errors | visits recorded = successful |",
            "|---|---|---:|---:|---:|---:|---:|---:|---|"]
    if not db["sides"]:
        out.append("| – | not measured | | | | | | | |")
    for name, label in (("old", f"`{rev}`"), ("new", "this checkout")):
        side = db["sides"].get(name)
        if not side:
            continue
        check = "✓" if side["recorded"] == side["successes"] else "✗"
        out.append(f"| {label} | {', '.join(f'{r:,.0f}' for r in side['rates'])} | **{side['rate']:,.0f}** | "
                   f"{_ms(side['p50'])} | **{_ms(side['p99'])}** | {side['cpu_per_request']:.2f} | "
                   f"{_cpu(side['database_cpu_per_request'])} | {side['errors']} | "
                   f"{side['recorded']:,} = {side['successes']:,} {check} |")
    if page:
        label = "bare Flask page (ceiling), in the same turns" if page["interleaved"] else "bare Flask page (ceiling)"
        out.append(f"| {label} | – | – | – | – | {page['cpu']:.2f} | – | {page['errors']} | – |")
    out += ["", "| target (issue #18) | measured | verdict |", "|---|---:|---|"]
    if old and new:
        ratio = new["rate"] / max(old["rate"], 1e-9)
        turns = ", ".join(f"{n / max(o, 1e-9):.2f}" for o, n in zip(old["rates"], new["rates"]))
        out.append(f"| {kind}: check-ins/s at {CLIENTS} clients ≥ {SPEEDUP_TARGET}× `{rev}`'s | "
                   f"{new['rate']:,.0f} vs {old['rate']:,.0f}/s ({ratio:.2f}×; turn by turn {turns}) | "
                   f"{_verdict(ratio >= SPEEDUP_TARGET, ratio, SPEEDUP_TARGET)} |")
    if new:
        p99, target = new["p99"], P99_TARGET[db["kind"]]
        out.append(f"| {kind}: POST p99 < {target:g} ms at {CLIENTS} clients | {_ms(p99)} ms | "
                   f"{_verdict(p99 < target, p99, target)} |")
        if page:
            ratio = new["cpu_per_request"] / max(page["cpu"], 1e-9)
            turns = (f"; turn by turn {', '.join(f'{n / max(c, 1e-9):.1f}' for n, c in zip(new['cpus'], page['cpus']))}"
                     if page["cpus"] and new.get("cpus") else "")
            out.append(f"| {kind}: gunicorn CPU per check-in request ≤ {CPU_TARGET:g}× the bare Flask page's | "
                       f"{new['cpu_per_request']:.2f} vs {page['cpu']:.2f} ms ({ratio:.1f}×{turns}) | "
                       f"{_verdict(ratio <= CPU_TARGET, ratio, CPU_TARGET)} |")
        ok = new["errors"] == 0 and new["recorded"] == new["successes"]
        out.append(f"| {kind}: no errors, visits recorded = successful check-ins | {new['errors']} errors, "
                   f"{new['recorded']:,} = {new['successes']:,} | {'met' if ok else '**not met**'} |")
    for name in ("old", "new"):
        side = db["sides"].get(name)
        if side and side["errors"]:
            out += ["", f"{name} side's errors: {side['error_kinds']}; first: `{side['example_error'][:200]}`"]
    for note in [*db["notes"], *([results["skipped"]] if results.get("skipped") else [])]:
        out += ["", f"Note: {note}"]
    return "\n".join(out) + "\n"


def _page(db, ceiling):
    """The bare page's CPU for the ratio: {"cpu", "cpus", "errors", "interleaved"}, or None."""
    if db.get("ceiling"):
        found = db["ceiling"]
        return {"cpu": found["cpu_per_request"], "cpus": found["cpus"], "errors": found["errors"], "interleaved": True}
    if ceiling is not None:
        return {"cpu": ceiling.server_cpu_per_request(), "cpus": [], "errors": ceiling.errors, "interleaved": False}
    return None


def failures(results):
    """This checkout's errors and mismatches (the old commit's are only reported)."""
    found = []
    for db in results["databases"]:
        new = db["sides"].get("new")
        if new is None:
            found.append(f"compare on {db['kind']}: this checkout's side did not run: {db['notes']}")
            continue
        if new["errors"]:
            found.append(f"compare on {db['kind']}: {new['errors']} errors {new['error_kinds']} "
                         f"{new['example_error'][:200]}")
        if new["recorded"] != new["successes"]:
            found.append(f"compare on {db['kind']}: {new['recorded']} visits for {new['successes']} check-ins")
        if db.get("ceiling", {}).get("errors"):
            found.append(f"compare on {db['kind']}: the bare page's turns had {db['ceiling']['errors']} errors "
                         f"{db['ceiling']['error_kinds']}")
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.compare", description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default=BASELINE, help=f"the older commit (default {BASELINE})")
    parser.add_argument("--seconds", type=float, default=10, help="length of each measured run")
    parser.add_argument("--rounds", type=int, default=3, help="turns of each side")
    parser.add_argument("--no-sqlite", action="store_true", help="with DATABASE_URL: PostgreSQL only")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    loadgen.ensure_wrk()
    results = compare(args.rev, args.seconds, args.rounds, os.environ.get("DATABASE_URL") or None,
                      sqlite=not args.no_sqlite)
    when = time.strftime("%Y-%m-%d %H:%M UTC")
    for db in results["databases"]:
        print(render(dict(results, databases=[db]), when=when))
    found = failures(results)
    if found:
        log.warning("check failed: %s", "; ".join(found))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
