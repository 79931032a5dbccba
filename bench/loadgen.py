"""The load generator: Debian's `wrk` (C, one event loop per thread) driven by bench/load.lua."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field

LUA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "load.lua")


def ensure_wrk():
    """The path of wrk; installs Debian's package when missing and we are root."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run("apt-get update -qq && apt-get install -y -qq wrk", shell=True,
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    return found


def percentile(values, q):
    """Nearest-rank percentile of sorted values (q in 0..100)."""
    if not values:
        return float("nan")
    rank = max(1, int(round(q / 100 * len(values) + 0.4999)))
    return values[min(rank, len(values)) - 1]


@dataclass
class Run:
    """What one wrk run measured. Latencies in milliseconds."""

    mode: str
    clients: int
    seconds: float
    counts: dict = field(default_factory=dict)
    latencies: dict = field(default_factory=dict)
    error_kinds: dict = field(default_factory=dict)
    example_error: str = ""
    socket_errors: int = 0
    raw: dict = field(default_factory=dict)
    loader_cpu: float = 0.0  # CPU seconds wrk used
    server_cpu: float = 0.0  # CPU seconds gunicorn used, when measured

    def loader_cpu_per_request(self):
        """wrk's CPU time per HTTP request, in microseconds."""
        return self.loader_cpu / max(self.counts.get("requests", 0), 1) * 1e6

    def server_cpu_per_request(self):
        """gunicorn's CPU time per HTTP request, in milliseconds."""
        return self.server_cpu / max(self.counts.get("requests", 0), 1) * 1e3

    def rate(self):
        """Check-in POSTs (or plain requests) per second inside the measured window."""
        key = "posts_window" if self.mode == "checkin" else "window_requests"
        return self.counts.get(key, 0) / self.seconds

    def request_rate(self):
        """All HTTP requests per second inside the measured window."""
        return self.counts.get("window_requests", 0) / self.seconds

    def posts_between(self, start, end):
        """Sorted POST latencies (ms) of the POSTs answered between two time.monotonic() values."""
        pairs = zip(self.raw.get("post", []), self.raw.get("post_at", []))
        return sorted(took for took, at in pairs if start * 1000 <= at <= end * 1000)

    def pct(self, kind, q):
        """A percentile of one request kind in ms: page, post, confirm, flow."""
        return percentile(self.latencies.get(kind, []), q)

    @property
    def errors(self):
        return self.counts.get("errors", 0) + self.socket_errors

    @property
    def successes(self):
        """Check-ins whose POST was answered with the redirect (each one is a recorded visit)."""
        return self.counts.get("posts_ok", 0)


def _command(url, mode, clients, seconds, out, *, path="/", venues=None, devices=None,
             device_cookie=None, rate=0, stop_file=None, stopped_file=None):
    env = dict(os.environ, BENCH_MODE=mode, BENCH_SECONDS=str(seconds), BENCH_THREADS=str(clients),
               BENCH_RATE=str(rate), BENCH_OUT=out, BENCH_PATH=path,
               BENCH_IDLE_PATH=path if mode == "plain" else "/healthz")
    for name, value in (("BENCH_VENUES", venues), ("BENCH_DEVICES", devices),
                        ("BENCH_DEVICE_COOKIE", device_cookie), ("BENCH_STOP_FILE", stop_file),
                        ("BENCH_STOPPED_FILE", stopped_file)):
        if value:
            env[name] = value
    # wrk's own duration is only a backstop: the clients stop themselves, then we interrupt wrk.
    command = [ensure_wrk(), f"-t{clients}", f"-c{clients}", f"-d{int(seconds) + 120}s",
               "--timeout", "10s", "-s", LUA, url]
    return command, env


class Load:
    """wrk with `clients` connections (one thread each) running for `seconds`, or until stop()."""

    def __init__(self, url, mode, clients, seconds, **options):
        handle, self.out = tempfile.mkstemp(prefix="vaora-wrk-", suffix=".txt")
        os.close(handle)
        self.stop_file, self.stopped_file = self.out + ".stop", self.out + ".stopped"
        self.mode, self.clients, self.seconds = mode, clients, seconds
        command, env = _command(url, mode, clients, seconds, self.out, stop_file=self.stop_file,
                                stopped_file=self.stopped_file, **options)
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)

    def _stopped_clients(self):
        if not os.path.exists(self.stopped_file):
            return 0
        with open(self.stopped_file) as handle:
            return len(handle.read().split())

    def wait(self, window=None):
        """Wait until every client has stopped (after its last complete check-in); returns a Run."""
        limit = time.monotonic() + self.seconds + 60
        while self._stopped_clients() < self.clients and time.monotonic() < limit:
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        from .server import process_cpu_seconds

        self.cpu = process_cpu_seconds(self.process.pid)
        try:
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGINT)  # wrk reports at once
            _out, err = self.process.communicate(timeout=30)
            missing = [n for n in range(self.clients) if not os.path.exists(f"{self.out}.{n}")]
            if missing:
                raise RuntimeError(f"wrk (exit {self.process.returncode}) left no results for clients "
                                   f"{missing[:8]}: {err.strip()[-500:]}")
            result = _parse(self.out, self.mode, self.clients, window or self.seconds)
            result.loader_cpu = self.cpu
            return result
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
            for path in (self.out, self.stop_file, self.stopped_file,
                         *(f"{self.out}.{n}" for n in range(self.clients))):
                if os.path.exists(path):
                    os.unlink(path)

    def stop(self):
        """Ask every client to stop after its current check-in; returns the Run over the time it ran."""
        elapsed = time.monotonic() - self.started
        open(self.stop_file, "w").close()
        return self.wait(window=elapsed)


def run(url, mode, clients, seconds, **options):
    """Run wrk with `clients` connections (one per thread) for `seconds`; returns a Run."""
    return Load(url, mode, clients, seconds, **options).wait()


def background(url, mode, clients, max_seconds=600, **options):
    """Start wrk for up to `max_seconds`; call .stop() on the result to end it and get the Run."""
    return Load(url, mode, clients, max_seconds, **options)


def _parse(path, mode, clients, seconds):
    """The clients' own result files (path.<n>), then wrk's socket errors (path) when it wrote them."""
    result = Run(mode=mode, clients=clients, seconds=seconds)
    lists = {}
    for n in range(clients):
        _parse_client(f"{path}.{n}", result, lists)
    if os.path.exists(path):
        with open(path) as handle:
            for line in handle:
                if line.startswith("socket_errors "):
                    result.socket_errors = int(line.split()[1])
    result.raw = lists
    result.latencies = {kind: sorted(values) for kind, values in lists.items() if kind != "post_at"}
    return result


def _parse_client(path, result, lists):
    # error examples are cut from response bodies, possibly inside a UTF-8 sequence
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            line = line.rstrip("\n")
            if line.startswith("lat "):
                _, kind, values = (line.split(" ", 2) + [""])[:3]
                lists.setdefault(kind, []).extend(int(v) / 1000 for v in values.split(",") if v)
            elif line.startswith("count "):
                _, name, value = line.split(" ")
                result.counts[name] = result.counts.get(name, 0) + int(float(value))
            elif line.startswith("error "):
                value, name = line[6:].split("\t", 1)
                if name == "example":
                    result.example_error = result.example_error or value
                else:
                    result.error_kinds[name] = result.error_kinds.get(name, 0) + int(float(value))
