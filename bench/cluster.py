"""`python -m bench --cluster` (run by `make bench` with DATABASE_URL): check-ins through nginx in
front of two gunicorn instances, each on PostgreSQL through PgBouncer in transaction mode, rate
limits in Redis. The set-up is tests/cluster's (`make cluster-test`), rendered from deploy/.

    python -m bench.cluster --seconds 10          # on its own, printing the table only

Besides the rates and latencies it reads, from /proc, the CPU time of each part (both gunicorn
instances, nginx, PgBouncer, the PostgreSQL backends of the cluster's database) and the WAL the
server wrote (pg_current_wal_lsn() before and after): per check-in, what docs/capacity.md sizes
the city on. The WAL position and Redis's command count cover the whole shared server, so other
work on it only adds to those two figures; where pg_waldump can read the server's pg_wal (run as
root or postgres on the database's machine), the WAL records of the cluster's own database and
their transactions' commits are also counted alone.
"""
import argparse
import glob
import logging
import os
import re
import shutil
import subprocess
import sys
import time

from . import loadgen
from .server import BENCH_LIMIT, process_cpu_seconds

log = logging.getLogger("bench")
CLIENTS = 8


def group_cpu_seconds(pgid):
    """CPU seconds (user + system) of the live processes of a process group."""
    total = 0.0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


_RECORD = re.compile(r"^rmgr: (\w+)\s+len \(rec/tot\):\s*\d+/\s*(\d+), tx:\s*(\d+)")


def database_wal_bytes(data_dir, db_oid, start, end):
    """Bytes of the WAL records between two LSNs that touch a relation of one database, plus the
    commit records of their transactions (pg_waldump); None when pg_waldump or pg_wal is out of reach."""
    found = shutil.which("pg_waldump") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_waldump"))), None)
    wal_dir = os.path.join(data_dir, "pg_wal")
    if not found or not os.access(wal_dir, os.R_OK):
        return None
    marker = f"/{db_oid}/"
    total, xids, commits = 0, set(), {}
    with subprocess.Popen([found, "-p", wal_dir, "-s", start, "-e", end], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True) as dump:
        for line in dump.stdout:
            record = _RECORD.match(line)
            if not record:
                continue
            kind, size, xid = record[1], int(record[2]), int(record[3])
            if marker in line:
                total += size
                xids.add(xid)
            elif kind == "Transaction":
                commits[xid] = commits.get(xid, 0) + size
    if dump.returncode:
        return None
    return total + sum(size for xid, size in commits.items() if xid in xids)


class Meters:
    """CPU of each part, the server's WAL position and Redis's command count, read together."""

    def __init__(self, cluster):
        self.cluster = cluster

    def _sql(self, query):
        import psycopg

        from tests.cluster.cluster import PG_HOST, PG_PORT, PG_USER

        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True) as conn:
            return conn.execute(query).fetchall()

    def read(self):
        import redis

        from tests.cluster.cluster import REDIS_URL

        processes = self.cluster.processes
        backends = {pid: process_cpu_seconds(pid) for (pid,) in self._sql(
            f"SELECT pid FROM pg_stat_activity WHERE datname = '{self.cluster.db_name}'")}
        client = redis.Redis.from_url(REDIS_URL)
        try:
            stats = client.info("stats")
            cpu = client.info("cpu")
        finally:
            client.close()
        return {
            "app": sum(group_cpu_seconds(processes[name].pid) for name in ("app_a", "app_b")),
            "nginx": group_cpu_seconds(processes["nginx"].pid),
            "pgbouncer": group_cpu_seconds(processes["pgbouncer"].pid),
            "backends": backends,
            "wal": self._sql("SELECT pg_current_wal_lsn()")[0][0],
            "redis_commands": stats["total_commands_processed"],
            "redis_cpu": cpu["used_cpu_user"] + cpu["used_cpu_sys"],
            "at": time.monotonic(),
        }

    def between(self, before, after):
        """{part: CPU seconds}, WAL bytes and Redis commands from `before` to `after`."""
        wal = self._sql(f"SELECT pg_wal_lsn_diff('{after['wal']}', '{before['wal']}')")[0][0]
        data_dir = self._sql("SHOW data_directory")[0][0]
        db_oid = self._sql(f"SELECT oid FROM pg_database WHERE datname = '{self.cluster.db_name}'")[0][0]
        own_wal = database_wal_bytes(data_dir, db_oid, str(before["wal"]), str(after["wal"]))
        # A backend that PgBouncer opened during the run counts from zero.
        postgres = sum(cpu - before["backends"].get(pid, 0.0) for pid, cpu in after["backends"].items())
        return {
            "app": after["app"] - before["app"], "nginx": after["nginx"] - before["nginx"],
            "pgbouncer": after["pgbouncer"] - before["pgbouncer"], "postgres": postgres,
            "redis": after["redis_cpu"] - before["redis_cpu"],
            "wal": float(wal), "own_wal": own_wal, "redis_commands": after["redis_commands"] - before["redis_commands"],
            "seconds": after["at"] - before["at"],
        }


def bench_cluster(seconds, clients=CLIENTS):
    """Start the cluster, warm it, run `clients` check-in clients for `seconds`: a dict of figures."""
    from tests.cluster.cluster import Cluster

    budget = int(200 * seconds * 1.3) + 600  # devices: one a check-in at up to 200/s, and the warm-up
    cluster = Cluster(devices=budget, checkin_limit=BENCH_LIMIT)
    try:
        log.info("cluster: nginx, PgBouncer, two gunicorn instances; seeding %d devices", budget)
        started = time.monotonic()
        cluster.start()
        setup = time.monotonic() - started
        options = dict(venues=cluster.database.venues_file, device_cookie="vr_device")
        loadgen.run(cluster.url, "checkin", clients, 2, devices=cluster.database.devices_file(500), **options)
        meters = Meters(cluster)
        visits_before = cluster.visits()
        before = meters.read()
        log.info("cluster: check-ins, %d clients for %s s", clients, seconds)
        run = loadgen.run(cluster.url, "checkin", clients, seconds,
                          devices=cluster.database.devices_file(budget - 500), **options)
        after = meters.read()
        used = meters.between(before, after)
        gained = cluster.visits() - visits_before
        duplicates = cluster.duplicate_nonces()
    finally:
        cluster.stop()
    return {"run": run, "used": used, "gained": gained, "duplicates": duplicates, "setup": setup,
            "clients": clients, "seconds": seconds}


def render(result, when, machine):
    """The Markdown section for docs/benchmarks.md."""
    run, used, gained = result["run"], result["used"], result["gained"]
    per = max(gained, 1)

    def ms(part):
        return f"{used[part] / per * 1000:.2f} ms"

    lines = [
        f"### Two instances behind nginx, PgBouncer, Redis (`python -m bench --cluster`, {when})", "",
        f"{machine['model']}, {machine['cores']} cores: nginx, PgBouncer, both instances (2 workers × "
        "2 threads each, the command line of deploy/vaora-gunicorn@.service), PostgreSQL, Redis and wrk "
        "share those cores, and other work on the machine shares them too: read the CPU per check-in, "
        "not the rate, for other machines.", "",
        "| clients | check-ins/s | POST p50 ms | POST p99 ms | flow p99 ms | errors | visits gained "
        "| successful check-ins |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {result['clients']} | {run.rate():.0f} | {run.pct('post', 50):.1f} | {run.pct('post', 99):.1f} | "
        f"{run.pct('flow', 99):.1f} | {run.errors} | {gained:,} | {run.successes:,} |", "",
        f"Per complete check-in (3 requests), from /proc over the {used['seconds']:.1f} s between the readings:", "",
        "| part | CPU per check-in |", "|---|---:|",
        f"| both gunicorn instances (app) | {ms('app')} |",
        f"| PostgreSQL backends of the cluster's database | {ms('postgres')} |",
        f"| PgBouncer (transaction mode) | {ms('pgbouncer')} |",
        f"| nginx | {ms('nginx')} |",
        f"| Redis (whole server) | {ms('redis')} |", "",
        f"WAL written: {used['wal'] / per:,.0f} bytes per check-in (whole server: an upper bound)"
        + (f"; the cluster's database alone (pg_waldump): {used['own_wal'] / per:,.0f} bytes. "
           if used.get("own_wal") is not None else ". ") +
        f"Redis: {used['redis_commands'] / per:.1f} commands per check-in (whole server). "
        f"Duplicate nonces: {result['duplicates']}. Set-up (database, seed, processes): {result['setup']:.0f} s. "
        f"Load average at the end: {os.getloadavg()[0]:.1f}.",
    ]
    return "\n".join(lines) + "\n"


def failures(result):
    """Correctness checks: every successful check-in is one visit, no errors."""
    found = []
    if result["run"].errors:
        found.append(f"cluster: {result['run'].errors} errors {result['run'].error_kinds}")
    if result["gained"] != result["run"].successes:
        found.append(f"cluster: {result['gained']} visits for {result['run'].successes} check-ins")
    if result["duplicates"]:
        found.append(f"cluster: {result['duplicates']} duplicate nonces")
    return found


def main(argv=None):
    from . import report

    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    loadgen.ensure_wrk()
    result = bench_cluster(args.seconds, args.clients)
    print(render(result, time.strftime("%Y-%m-%d"), report.machine()))
    problems = failures(result)
    for problem in problems:
        log.warning("check failed: %s", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
