"""nginx in front of two gunicorn instances, each through PgBouncer (transaction mode) to its own
PostgreSQL database and with its own Redis database number, all rendered from deploy/.

Only loopback ports that were free are bound; the shared PostgreSQL and Redis are used, never
stopped or reconfigured: the cluster's database is created and dropped here, and its Redis
database number is emptied at the start and the end.
"""
import atexit
import os
import secrets
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request

from bench.server import BENCH_LIMIT, BIN, ROOT, flask, free_port, portal_env

DEPLOY = os.path.join(ROOT, "deploy")
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS_URL = os.environ.get("VAORA_CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/7")
DEVICE_LIMIT = 5  # check-ins per device per minute, counted across both instances


def ensure_package(command, package):
    """The path of a Debian program; installs its package when missing and we are root."""
    found = shutil.which(command) or shutil.which(command, path="/usr/sbin:/sbin")
    if not found and os.geteuid() == 0:
        subprocess.run(f"apt-get update -qq && apt-get install -y -qq {package}", shell=True,
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        found = shutil.which(command) or shutil.which(command, path="/usr/sbin:/sbin")
    if not found:
        raise RuntimeError(f"{command} is not installed: apt-get install {package}")
    return found


def render(name, **values):
    """A deploy/ file with its @NAME@ placeholders filled; fails on any left unfilled."""
    with open(os.path.join(DEPLOY, name), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    out = []
    for line in lines:
        if not line.lstrip().startswith(("#", ";")):  # comments keep their placeholders
            for key, value in values.items():
                line = line.replace(f"@{key}@", str(value))
            assert "@" not in line, f"{name}: a placeholder is left: {line}"
        out.append(line)
    text = "\n".join(out) + "\n"
    return text


def gunicorn_command():
    """The ExecStart line of deploy/vaora-gunicorn@.service, for this checkout."""
    with open(os.path.join(DEPLOY, "vaora-gunicorn@.service"), encoding="utf-8") as handle:
        line = next(x for x in handle if x.startswith("ExecStart="))
    args = shlex.split(line[len("ExecStart="):])
    return [a.replace("/srv/vaora/.venv/bin", BIN).replace("/srv/vaora", ROOT) for a in args]


def wait_http(url, process, timeout=60):
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process ended with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {timeout} s")


def wait_port(port, process, timeout=20):
    import socket
    limit = time.monotonic() + timeout
    while time.monotonic() < limit:
        if process.poll() is not None:
            raise RuntimeError(f"port {port}: the process ended with {process.returncode}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def _admin(sql):
    import psycopg
    with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres",
                         autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def _flush_redis():
    import redis
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()  # only this database number
    finally:
        client.close()


class Seeded:
    """The cluster's database: migrated and loaded directly on PostgreSQL (`flask db upgrade`,
    `flask divisions load`), then a few venues and visitors with remembered devices.

    Written here rather than with bench/seed.py, which another change is reworking."""

    def __init__(self, workdir, url, venues=20, devices=1500):
        self.workdir, self.sizes = workdir, (venues, devices)
        self.env = portal_env(url, 0)
        self.app = None

    def create(self):
        from portal import create_app
        from portal.extensions import db
        from portal.visitors.device import new_token

        from ..factories import Factories, person

        flask(self.env, "db", "upgrade")
        flask(self.env, "divisions", "load")
        self.app = create_app({
            "SQLALCHEMY_DATABASE_URI": self.env["DATABASE_URL"], "SECRET_KEY": self.env["SECRET_KEY"],
            "PORTAL_DATA_KEY": self.env["PORTAL_DATA_KEY"], "PORTAL_LOG_LEVEL": "WARNING"})
        venues, devices = self.sizes
        with self.app.app_context():
            make = Factories(self.app)
            owner = make.owner()
            self.venues = [make.venue(owner=owner, name=f"Quán Cụm {n}").token for n in range(venues)]
            self.devices = [new_token() for _ in range(devices)]
            for n, token in enumerate(self.devices):
                person(name=f"Khách Cụm {n}", phone=f"0913{n:06d}", device_token=token)
            db.session.remove()
            db.engine.dispose()
        self.venues_file = os.path.join(self.workdir, "venues.txt")
        with open(self.venues_file, "w") as handle:
            handle.write("\n".join(self.venues))
        self._cursor = 0
        return self

    def devices_file(self, count):
        """A file with the next `count` devices (none used before by this test run)."""
        chosen, self._cursor = self.devices[self._cursor:self._cursor + count], self._cursor + count
        path = os.path.join(self.workdir, f"devices-{self._cursor}.txt")
        with open(path, "w") as handle:
            handle.write("\n".join(chosen))
        return path


class Cluster:
    """Start with start(); stop() undoes everything that was done, also after a failure."""

    def __init__(self, devices=1500, checkin_limit=f"{DEVICE_LIMIT} per minute"):
        self.devices, self.checkin_limit = devices, checkin_limit  # bench/cluster.py asks for more
        self.dir = tempfile.mkdtemp(prefix="vaora-cluster-")
        os.chmod(self.dir, 0o755)
        self.db_name = f"vaora_cluster_{secrets.token_hex(4)}"
        self.db_created = False
        self.processes = {}
        self.database = None
        self.redis_used = False
        atexit.register(self.stop)

    # -- parts ----------------------------------------------------------------------------------
    def _pgbouncer(self):
        binary = ensure_package("pgbouncer", "pgbouncer")
        run = os.path.join(self.dir, "pgbouncer")
        os.makedirs(run)
        self.pgbouncer_port = free_port()
        auth = os.path.join(run, "userlist.txt")
        with open(auth, "w") as handle:
            handle.write(f'"{PG_USER}" ""\n')
        ini = os.path.join(run, "pgbouncer.ini")
        with open(ini, "w") as handle:
            handle.write(render("pgbouncer.ini", DB_NAME=self.db_name, DB_HOST=PG_HOST, DB_PORT=PG_PORT,
                                LISTEN_PORT=self.pgbouncer_port, RUN_DIR=run, AUTH_TYPE="trust",
                                AUTH_FILE=auth))
        user = None
        if os.geteuid() == 0:  # PgBouncer refuses to run as root
            user = "nobody"
            for path in (run, auth, ini):
                shutil.chown(path, user="nobody")
        self._spawn("pgbouncer", [binary, ini], user=user)
        wait_port(self.pgbouncer_port, self.processes["pgbouncer"])

    def _instance(self, name, env):
        port = free_port()
        env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", PORTAL_BASE_URL=f"http://127.0.0.1:{port}")
        self._spawn(name, gunicorn_command(), env=env, log=os.path.join(self.dir, f"{name}.log"))
        wait_http(f"http://127.0.0.1:{port}/healthz", self.processes[name])
        return f"http://127.0.0.1:{port}", port

    def _nginx(self, app_ports):
        binary = ensure_package("nginx", "nginx-light")
        prefix = os.path.join(self.dir, "nginx")
        os.makedirs(prefix)
        os.chmod(prefix, 0o777)
        self.nginx_port = free_port()
        site = render(
            "nginx-vaora.conf",
            APP_SERVERS="\n    ".join(f"server 127.0.0.1:{p} max_fails=0;" for p in app_ports),
            LISTEN=f"127.0.0.1:{self.nginx_port}", SERVER_NAME="localhost", TLS="",
            STATIC_ROOT=os.path.join(ROOT, "portal", "static"))
        user = "user nobody nogroup;" if os.geteuid() == 0 else ""
        conf = os.path.join(prefix, "nginx.conf")
        with open(conf, "w") as handle:
            handle.write(f"""{user}
worker_processes 1;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{site}
}}
""")
        checked = subprocess.run([binary, "-t", "-p", prefix, "-c", conf], capture_output=True, text=True)
        if checked.returncode:
            raise RuntimeError(f"nginx -t: {checked.stderr}")
        self._spawn("nginx", [binary, "-p", prefix, "-c", conf])
        wait_http(f"http://127.0.0.1:{self.nginx_port}/healthz", self.processes["nginx"])
        self.url = f"http://127.0.0.1:{self.nginx_port}"

    def _spawn(self, name, args, env=None, user=None, log=None):
        out = open(log or os.path.join(self.dir, f"{name}.log"), "ab")
        self.processes[name] = subprocess.Popen(args, env=env, cwd=ROOT, user=user, stdout=out,
                                                stderr=subprocess.STDOUT, start_new_session=True)
        out.close()

    # -- whole ----------------------------------------------------------------------------------
    def start(self):
        _flush_redis()
        self.redis_used = True
        _admin(f'CREATE DATABASE "{self.db_name}"')
        self.db_created = True
        self.direct_url = f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{self.db_name}"
        self.database = Seeded(self.dir, self.direct_url, devices=self.devices).create()
        self._pgbouncer()
        env = portal_env(f"postgresql+psycopg://{PG_USER}@127.0.0.1:{self.pgbouncer_port}/{self.db_name}",
                         0, data_key=self.database.env["PORTAL_DATA_KEY"])
        env.update(SECRET_KEY=self.database.env["SECRET_KEY"], PORTAL_DB_PREPARED_STATEMENTS="false",
                   PORTAL_RATELIMIT_STORAGE_URL=REDIS_URL, PORTAL_PROXY_COUNT="1",
                   PORTAL_CHECKIN_LIMIT=self.checkin_limit, PORTAL_CHECKIN_IP_LIMIT=BENCH_LIMIT,
                   GUNICORN_WORKERS="2", GUNICORN_THREADS="2")
        self.a_url, a_port = self._instance("app_a", env)
        self.b_url, b_port = self._instance("app_b", env)
        self._nginx([a_port, b_port])
        return self

    def kill(self, name):
        """SIGKILL an instance: its master and workers, no clean shutdown."""
        process = self.processes[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def visits(self, where="", **params):
        import psycopg
        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=self.db_name) as conn:
            return conn.execute(f"SELECT count(*) FROM visits {where}", params).fetchone()[0]

    def duplicate_nonces(self):
        import psycopg
        with psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=self.db_name) as conn:
            return conn.execute(
                "SELECT count(*) FROM (SELECT 1 FROM visits WHERE nonce IS NOT NULL "
                "GROUP BY nonce HAVING count(*) > 1) d").fetchone()[0]

    def log(self, name, size=3000):
        try:
            with open(os.path.join(self.dir, f"{name}.log"), errors="replace") as handle:
                return handle.read()[-size:]
        except OSError:
            return ""

    def stop(self):
        for process in reversed(list(self.processes.values())):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=10)
                except (subprocess.TimeoutExpired, ProcessLookupError):
                    try:
                        os.killpg(process.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                    process.wait()
        self.processes = {}
        if self.db_created:
            _admin(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            self.db_created = False
        if self.redis_used:
            _flush_redis()
            self.redis_used = False
        shutil.rmtree(self.dir, ignore_errors=True)
