"""Instructions per check-in request, counted by valgrind, against the bare Flask page's.

    python -m bench.instructions                  # this checkout, SQLite, 100 check-ins
    python -m bench.instructions --compare a6b30a1 --checkins 100

CPU seconds move with whatever else the host runs (the ratio to the bare page rose from 6.0 to
6.5 between two quick runs of the same code on a busy host); instruction counts do not. Each side
seeds a small SQLite database with its own code (bench/database.py), then runs in a process of its
own under `valgrind --tool=callgrind`, counting only inside the measured loop: remembered visitors
each open a venue page, tap "check in" and open the confirmation (three requests), driven through
the portal's WSGI app in-process, and the bare Flask page is asked as many times. No HTTP server
is involved, so gunicorn's own work per request (parsing, sockets), the same for every page, is
left out: the ratio here is larger than `make bench`'s CPU ratio, and moves the same way.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from .compare import materialise
from .server import ROOT

#: The seed of each side: enough venues and remembered visitors for distinct check-ins.
SIZES = {"venues": 20_000, "owners": 200, "visitors": 5_000, "old_visitors": 100, "old_visits": 100}

SEED = r'''
import json, sys
from bench.database import Database
config = json.loads(sys.argv[1])
database = Database(config["workdir"], 5999, sizes=config["sizes"])
database.create()
with open(database.devices_file(config["count"])) as handle:
    devices = handle.read().split()
print(json.dumps({"url": database.url, "venues": database.venues_file, "devices": devices,
                  "env": {k: database.env[k] for k in ("SECRET_KEY", "PORTAL_DATA_KEY", "PORTAL_BASE_URL")}}))
'''

#: Run under valgrind with the side's tree first on the path; counts only inside operator.call.
MEASURE = r'''
import io, json, operator, re, sys
from urllib.parse import urlencode
from flask import Flask
from portal import create_app
config, mode, count = json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])
limit = "1000000 per minute"
app = create_app({"SQLALCHEMY_DATABASE_URI": config["url"], "SECRET_KEY": config["env"]["SECRET_KEY"],
                  "PORTAL_DATA_KEY": config["env"]["PORTAL_DATA_KEY"], "PORTAL_BASE_URL": config["env"]["PORTAL_BASE_URL"],
                  "PORTAL_CHECKIN_LIMIT": limit, "PORTAL_CHECKIN_IP_LIMIT": limit, "PORTAL_LOOKUP_LIMIT": limit,
                  "PORTAL_LOG_LEVEL": "WARNING"})
bare = Flask("bare")
bare.add_url_rule("/", "hello", lambda: "Hello")
venues = open(config["venues"]).read().split()
devices = config["devices"]
FORM = re.compile(r'<form class="act" method="post" action="([^"]+)">(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"'
                    r'|<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"')

def fields(inputs):
    return {m.group(1) or m.group(3): m.group(2) if m.group(1) else m.group(4) for m in HIDDEN.finditer(inputs)}

def ask(wsgi, method, path, cookie=None, form=None):
    path, _, query = path.partition("?")
    body = urlencode(form).encode() if form is not None else b""
    environ = {"REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": query,
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
               "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000", "HTTP_USER_AGENT": "bench",
               "wsgi.version": (1, 0), "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
               "wsgi.errors": sys.stderr, "wsgi.multithread": True, "wsgi.multiprocess": True,
               "wsgi.run_once": False}
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    if form is not None:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
        environ["CONTENT_LENGTH"] = str(len(body))
    answer = {}
    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status[:3]), dict(headers)
    chunks = wsgi(environ, start_response)
    data = b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    return answer["status"], answer["headers"], data.decode()

def check_in(i):
    cookie = "vr_device=" + devices[i]
    path = "/v/" + venues[(i * 7919) % len(venues)]
    status, _headers, html = ask(app, "GET", path, cookie)
    action, inputs = FORM.search(html).groups()
    status, headers, _html = ask(app, "POST", action, cookie, fields(inputs))
    assert status == 303, status
    status, _headers, _html = ask(app, "GET", headers["Location"], cookie)
    assert status == 200, status

warm = 20
for i in range(warm):
    check_in(i)
    ask(bare, "GET", "/")
def measured():
    if mode == "bare":
        for _ in range(3 * count):
            ask(bare, "GET", "/")
    else:
        for i in range(warm, warm + count):
            check_in(i)
operator.call(measured)
'''


def _side(tree, workdir, count):
    """{"checkin": instructions per request, "bare": …} of the portal in `tree`."""
    env = dict(os.environ, PYTHONPATH=tree, PYTHONDONTWRITEBYTECODE="1")
    seeded = subprocess.run([sys.executable, "-c", SEED, json.dumps({"workdir": workdir, "sizes": SIZES,
                                                                       "count": count + 20})],
                            cwd=tree, env=env, capture_output=True, text=True, check=True)
    config = seeded.stdout.strip().splitlines()[-1]
    found = {}
    for mode in ("checkin", "bare"):
        out = os.path.join(workdir, f"callgrind.{mode}")
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=_operator_call",
             f"--callgrind-out-file={out}", sys.executable, "-c", MEASURE, config, mode, str(count)],
            cwd=tree, env=env, capture_output=True, text=True)
        collected = re.search(r"Collected : (\d+)", run.stderr)
        if run.returncode or not collected:
            raise SystemExit(f"{mode} under valgrind failed:\n{run.stderr[-3000:]}")
        found[mode] = int(collected.group(1)) / (3 * count)
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkins", type=int, default=100, help="check-ins counted (three requests each)")
    parser.add_argument("--compare", metavar="REV", help="also count commit REV's portal")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind)")
    workdir = tempfile.mkdtemp(prefix="vaora-instructions-")
    try:
        sides = [("this checkout", ROOT)]
        if args.compare:
            tree = os.path.join(workdir, "old")
            sides.insert(0, (materialise(args.compare, tree), tree))
        rows = []
        for label, tree in sides:
            side_dir = os.path.join(workdir, re.sub(r"\W", "_", label))
            os.makedirs(side_dir)
            found = _side(tree, side_dir, args.checkins)
            rows.append((label, found))
            print(f"{label}: {found['checkin'] / 1e6:.3f} M instructions per check-in request, "
                  f"bare Flask page {found['bare'] / 1e6:.3f} M ({found['checkin'] / found['bare']:.1f}×)", flush=True)
        if len(rows) == 2:
            (old, before), (_new, after) = rows
            print(f"this checkout against {old}: {after['checkin'] / before['checkin']:.3f}× the instructions "
                  f"per check-in request")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
