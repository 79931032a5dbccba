"""The portal in separate processes (werkzeug or gunicorn) and a tiny cookie-keeping HTTP client.

`python -m tests.checkin.processes` serves `create_app(<JSON in VAORA_TEST_APP_CONFIG>)` on
127.0.0.1:<VAORA_TEST_PORT>; tests start two of them to show that counters live in Redis.
"""
import contextlib
import http.client
import json
import os
import pathlib
import secrets
import signal
import socket
import subprocess
import sys
import time
from urllib.parse import urlencode, urlsplit

ROOT = pathlib.Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@contextlib.contextmanager
def redis_counters():
    """(store, key prefix) for one test's rate-limit counters in Redis; its keys go afterwards."""
    import redis

    store = redis.Redis.from_url(REDIS_URL)
    store.ping()
    prefix = "vaora-test-" + secrets.token_hex(6)
    try:
        yield store, prefix
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url, process, timeout=60):
    """Poll /healthz until it answers; fail early if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {process.stderr.read()[-2000:]}")
        try:
            status, _headers, _body = Browser(url).get("/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("server did not start")


@contextlib.contextmanager
def running(args, env, url):
    """Run a server command until the block ends; stop it with SIGTERM, then SIGKILL."""
    process = subprocess.Popen(
        args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )
    try:
        wait_until_up(url, process)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stderr.close()


def app_process(config):
    """A context manager: the app with this test config, served by werkzeug in its own process."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, VAORA_TEST_APP_CONFIG=json.dumps(dict(config, PORTAL_BASE_URL=url)),
               VAORA_TEST_PORT=str(port))
    return running([sys.executable, "-m", "tests.checkin.processes"], env, url)


def gunicorn_process(env, workers=2):
    """A context manager: `gunicorn wsgi:app` with production settings from `env`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, **env, PORTAL_BASE_URL=url)
    args = [str(pathlib.Path(sys.executable).with_name("gunicorn")), "--workers", str(workers),
            "--bind", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"]
    return running(args, env, url)


class Browser:
    """Keeps cookies like a phone's browser; never follows redirects (tests look at them)."""

    def __init__(self, base_url):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies = {}

    def request(self, method, path, data=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or ():
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value and "Max-Age=0" not in cookie:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return response.status, response.headers, text

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, data):
        return self.request("POST", path, data)


def _serve():
    from werkzeug.serving import make_server

    from portal import create_app

    app = create_app(json.loads(os.environ["VAORA_TEST_APP_CONFIG"]))
    make_server("127.0.0.1", int(os.environ["VAORA_TEST_PORT"]), app, threaded=True).serve_forever()


if __name__ == "__main__":
    _serve()
