"""gunicorn settings for `make run` and the benchmarks; override with GUNICORN_* variables.

One process per core, each with two threads (docs/benchmarks.md has the measurements):
- threads keep HTTP connections alive (from nginx's upstream pool, or a client), which saves
  a TCP handshake and close per request; sync workers close every connection, and an idle
  connection would hold a sync worker until its timeout;
- a second thread runs while the first waits on the database (a PostgreSQL round trip, a slow
  export) or on a slow client; more threads than that only made check-ins wait longer for
  SQLite's single write lock (POST p99 about 120 ms with 4 threads against 20 to 30 ms with 2),
  and more processes than cores only added CPU per request on 2 cores.
"""
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or os.cpu_count() or 2)
threads = int(os.environ.get("GUNICORN_THREADS") or 2)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS") or "gthread"
timeout = 30
keepalive = 5
# The workers' heartbeat files in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
