"""Databases, the `flask` CLI and gunicorn with the portal's production settings, for the benchmark."""
import base64
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
GUNICORN_CONF = os.path.join(ROOT, "portal", "gunicorn_conf.py")
#: Everything comes from 127.0.0.1, so the per-IP check-in limit is raised for the benchmark.
#: The limiter still runs (and costs what it costs) on every check-in.
BENCH_LIMIT = "1000000 per minute"


def free_port():
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def portal_env(database_url, port, data_key=None):
    """The environment of a production-like portal on a given database and port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_DEBUG", "GUNICORN_BIND"))}
    env.update(
        FLASK_APP="wsgi",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(48),
        PORTAL_DATA_KEY=data_key or base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        PORTAL_BASE_URL=f"http://127.0.0.1:{port}",
        PORTAL_CHECKIN_LIMIT=BENCH_LIMIT,
        PORTAL_CHECKIN_IP_LIMIT=BENCH_LIMIT,
        PORTAL_LOOKUP_LIMIT=BENCH_LIMIT,
        PORTAL_LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("GUNICORN_ACCESSLOG", None)
    return env


def flask(env, *args, timeout=600):
    """Run a `flask` CLI command of the portal; returns its completed process."""
    return subprocess.run([os.path.join(BIN, "flask"), *args], env=env, cwd=ROOT, timeout=timeout,
                          capture_output=True, text=True, check=True)


def prepare_postgresql(url):
    """Empty a PostgreSQL database for the benchmark, refusing one that holds other data."""
    from sqlalchemy import create_engine, inspect, text

    from portal.config import database_url

    engine = create_engine(database_url(url))
    try:
        with engine.begin() as conn:
            tables = set(inspect(conn).get_table_names())
            if tables and "bench_marker" not in tables:
                raise SystemExit(f"{url} holds tables that the benchmark did not create; "
                                 "give it an empty database (it is wiped on every run)")
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
            conn.execute(text("CREATE TABLE bench_marker (created_at timestamp DEFAULT now())"))
    finally:
        engine.dispose()


def process_cpu_seconds(pid):
    """User + system CPU seconds of a running process (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Gunicorn:
    """gunicorn -c portal/gunicorn_conf.py <module:app>, stopped (SIGTERM) on exit."""

    def __init__(self, env, log_path, app="wsgi:app", ready_path="/healthz"):
        self.env = env
        self.log_path = log_path
        self.app = app
        self.ready_path = ready_path
        self.port = int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def __enter__(self):
        self.log = open(self.log_path, "a")
        self.process = subprocess.Popen(
            [os.path.join(BIN, "gunicorn"), "-c", GUNICORN_CONF, self.app], env=self.env, cwd=ROOT,
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", self.ready_path)
                if conn.getresponse().status == 200:
                    conn.close()
                    return self
                conn.close()
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def worker_pids(self):
        """The worker processes' ids (children of the arbiter)."""
        path = f"/proc/{self.process.pid}/task/{self.process.pid}/children"
        with open(path) as handle:
            return [int(pid) for pid in handle.read().split()]

    def cpu_seconds(self):
        """CPU time (user + system) used so far by the arbiter and its current workers."""
        total = 0.0
        for pid in [self.process.pid, *self.worker_pids()]:
            total += process_cpu_seconds(pid)
        return total

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return False

    def log_tail(self, size=2000):
        """The end of gunicorn's log (errors of the workers land there)."""
        self.log.flush()
        with open(self.log_path, errors="replace") as handle:
            return handle.read()[-size:]
