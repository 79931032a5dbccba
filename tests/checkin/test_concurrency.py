"""8 phones checking in at the same moment against gunicorn with 2 workers on SQLite record
exactly as many visits as successful responses; a double tap under load records one visit."""
import base64
import json
import os
import sqlite3
import subprocess
import sys
import threading

from .processes import ROOT, Browser, gunicorn_process
from ..html import hidden_inputs

CLIENTS = 8
SEED = """
import json
from portal import create_app
from portal.auth.services import create_user
from portal.divisions.services import load_divisions, wards_of
from portal.extensions import db
from portal.venues.services import register_venue

app = create_app()
with app.app_context():
    load_divisions("79")
    owner = create_user(role="owner", full_name="Chủ Quán", phone="0901234567", password="x" * 12,
                        ward_codes=[])
    ward = wards_of("79")[0].code
    venues = [
        register_venue(owner, dict(name=name, category="supermarket", registration_number=None,
                                   address="1 Đường Số 1", ward_code=ward, contact_phone="0901234567",
                                   default_stay_minutes=60), "79")
        for name in ("Siêu thị Cổng A", "Siêu thị Cổng B")
    ]
    db.session.commit()
    print(json.dumps([v.token for v in venues]))
"""


def all_at_once(work):
    """Run work(i) for every client in its own thread, released together by a barrier."""
    barrier = threading.Barrier(CLIENTS)
    results = [None] * CLIENTS

    def run(i):
        barrier.wait()
        results[i] = work(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_concurrent_check_ins_on_gunicorn_with_two_workers(tmp_path):
    database = tmp_path / "concurrency.sqlite3"
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{database}",
        SECRET_KEY="concurrency-test-secret-key-0123456789abcdef",
        PORTAL_DATA_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        PORTAL_RATELIMIT_STORAGE_URL="memory://",
        PORTAL_CHECKIN_LIMIT="10000 per minute",
        PORTAL_CHECKIN_IP_LIMIT="10000 per minute",
        FLASK_APP="wsgi",
    )
    env.pop("FLASK_DEBUG", None)
    flask = os.path.join(os.path.dirname(sys.executable), "flask")
    subprocess.run([flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    seeded = subprocess.run([sys.executable, "-c", SEED], cwd=ROOT, env=env, check=True,
                            capture_output=True, text=True)
    first, second = json.loads(seeded.stdout.strip().splitlines()[-1])

    def count(sql):
        with sqlite3.connect(database) as conn:
            return conn.execute(sql).fetchone()[0]

    with gunicorn_process(env, workers=2) as url:
        phones = [Browser(url) for _ in range(CLIENTS)]
        forms = []
        for i, phone in enumerate(phones):
            data = hidden_inputs(phone.get(f"/v/{first}")[2])
            data.update(full_name=f"Khách Số {i}", phone=f"0912 555 {i:03d}", birth_year="1990")
            forms.append(data)

        # 1. Eight new visitors submit the first-time form at the same moment.
        statuses = all_at_once(lambda i: phones[i].post(f"/v/{first}", forms[i])[0])
        assert statuses.count(303) == CLIENTS, statuses
        assert count("SELECT count(*) FROM visits") == statuses.count(303)
        assert count("SELECT count(*) FROM visitors") == CLIENTS
        assert count("SELECT count(*) FROM devices") == CLIENTS

        # 2. The same eight, remembered, tap "check in" at the other entrance at once.
        forms = [hidden_inputs(phone.get(f"/v/{second}")[2]) for phone in phones]
        statuses = all_at_once(lambda i: phones[i].post(f"/v/{second}", forms[i])[0])
        assert statuses.count(303) == CLIENTS, statuses
        assert count("SELECT count(*) FROM visits") == 2 * CLIENTS
        assert count("SELECT count(*) FROM visits WHERE checked_out_at IS NULL") == CLIENTS
        assert count("SELECT count(*) FROM visits WHERE out_method = 'moved'") == CLIENTS

        # 3. Everyone double-taps: two identical POSTs per phone, all sixteen at once.
        forms = [hidden_inputs(phone.get(f"/v/{first}")[2]) for phone in phones]
        barrier = threading.Barrier(2 * CLIENTS)
        locations = {}

        def tap(i, n):
            barrier.wait()
            status, headers, _body = phones[i].post(f"/v/{first}", forms[i])
            locations[(i, n)] = (status, headers.get("Location"))

        threads = [threading.Thread(target=tap, args=(i, n)) for i in range(CLIENTS) for n in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert all(status == 303 for status, _location in locations.values()), locations
        assert all(locations[(i, 0)] == locations[(i, 1)] for i in range(CLIENTS))
        assert count("SELECT count(*) FROM visits") == 3 * CLIENTS
        assert count("SELECT count(*) FROM visits WHERE checked_out_at IS NULL") == CLIENTS
