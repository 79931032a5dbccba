"""Two portal instances behind nginx, PgBouncer in transaction mode, Redis rate limits: the
check-ins the load generator makes are all kept, once; limits hold across instances; a killed
instance loses nothing; sessions move between instances. Run by `make cluster-test`."""
import http.client
import threading
import time

import pytest

from bench import loadgen

from ..checkin.processes import Browser
from ..html import hidden_fields
from .cluster import DEVICE_LIMIT, Cluster

FIGURES = {}


@pytest.fixture(scope="module")
def cluster():
    started = time.monotonic()
    made = Cluster()
    try:
        yield made.start()
    finally:
        made.stop()
        FIGURES["seconds"] = round(time.monotonic() - started, 1)
        print("\ncluster figures: " + ", ".join(f"{k}={v}" for k, v in FIGURES.items()))


def visitor(base_url, device):
    browser = Browser(base_url)
    browser.cookies["vr_device"] = device
    return browser


def check_in(browser, venue, post_to=None):
    """GET the venue page on `browser`, POST its form (optionally through another browser's
    server with the same cookies); returns (status, form data) so a retry can resend it."""
    path = f"/v/{venue}"
    status, _headers, html = browser.get(path)
    assert status == 200, html[-500:]
    data = hidden_fields(html, path)
    target = post_to or browser
    target.cookies = browser.cookies
    status, _headers, _body = target.post(path, data)
    return status, data


def test_every_successful_check_in_through_nginx_is_kept_once(cluster):
    before = cluster.visits()
    run = loadgen.run(cluster.url, "checkin", clients=4, seconds=4, venues=cluster.database.venues_file,
                      devices=cluster.database.devices_file(1000), device_cookie="vr_device")
    ok = run.counts.get("posts_ok", 0)
    FIGURES["load_check_ins"] = ok
    FIGURES["load_errors"] = run.errors
    assert ok > 20, (run.counts, run.error_kinds, run.example_error)
    assert run.errors == 0, (run.error_kinds, run.example_error)
    assert cluster.visits() - before == ok
    assert cluster.duplicate_nonces() == 0


def test_nginx_serves_hashed_static_files_for_a_year(cluster):
    """deploy/nginx-vaora.conf maps css/site.<hash>.css to css/site.css on disk, immutable."""
    import re

    browser = visitor(cluster.url, cluster.database.devices[0])
    status, _headers, html = browser.get(f"/v/{cluster.database.venues[0]}")
    assert status == 200
    href = re.search(r'<link rel="stylesheet" href="(/static/css/site\.[0-9a-f]{10}\.css)"', html).group(1)
    status, headers, css = browser.get(href)
    assert status == 200 and "body" in css
    cache = {k.lower(): v for k, v in dict(headers).items()}["cache-control"]
    assert "immutable" in cache and "max-age=31536000" in cache


def test_rate_limits_are_exact_across_both_instances(cluster):
    device = cluster.database.devices[-1]  # not in the load's devices
    venues = cluster.database.venues
    a, b = visitor(cluster.a_url, device), Browser(cluster.b_url)
    statuses = [check_in(a, venues[i], post_to=b if i % 2 else None)[0] for i in range(DEVICE_LIMIT * 2 + 2)]
    assert statuses.count(303) == DEVICE_LIMIT, statuses
    assert statuses.count(429) == len(statuses) - DEVICE_LIMIT, statuses
    assert statuses[:DEVICE_LIMIT] == [303] * DEVICE_LIMIT  # the first ones, on both instances


def test_a_session_made_on_one_instance_works_on_the_other(cluster):
    device = cluster.database.devices[-2]
    venue = cluster.database.venues[7]
    before = cluster.visits()
    a, b = visitor(cluster.a_url, device), Browser(cluster.b_url)
    status, _data = check_in(a, venue, post_to=b)  # CSRF token in A's session, posted to B
    assert status == 303
    status, _headers, html = b.get(f"/v/{venue}")  # B reads A's session and device cookie
    assert status == 200
    assert cluster.visits() == before + 1


# What a phone sees when the instance serving it dies: nginx's 502 or 504, or a connection cut
# after nginx has passed the response's headers on (the body never comes).
IN_FLIGHT = (502, 503, 504)
CUT = (http.client.HTTPException, ConnectionError)


def through_kill(send, *args, attempts=6):
    """Call `send(*args)` (a Browser's get or post) until it answers other than a failure in
    flight, as a phone's visitor reloads the page or sends the form again; returns (status,
    body, failures seen)."""
    failures = []
    for _ in range(attempts):
        try:
            status, _headers, body = send(*args)
        except CUT as error:
            failures.append(type(error).__name__)
            continue
        if status not in IN_FLIGHT:
            return status, body, failures
        failures.append(status)
    return failures[-1], None, failures


def test_killing_an_instance_loses_no_check_in(cluster):
    venues = cluster.database.venues
    devices = cluster.database.devices[1000:1200]
    before = cluster.visits()
    kill_after, total = 40, 160
    done, failed_in_flight, retried = [], [], []
    lock = threading.Lock()

    def worker(start):
        for n in range(start, total, 4):
            browser = visitor(cluster.url, devices[n])
            path = f"/v/{venues[n % len(venues)]}"

            status, html, cut_pages = through_kill(browser.get, path)
            if status != 200:
                with lock:
                    done.append((status, None))
                continue
            data = hidden_fields(html, path)
            # the same form (same nonce) each time: a resent check-in is recorded once
            status, _b, failures = through_kill(browser.post, path, data)
            with lock:
                failed_in_flight.extend(cut_pages + failures)
                retried.extend([data["nonce"]] * len(failures))
                done.append((status, data["nonce"]))
                if len(done) == kill_after and not killed.is_set():
                    killed.set()

    killed = threading.Event()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    assert killed.wait(120)
    cluster.kill("app_a")
    for thread in threads:
        thread.join(180)
    statuses = [s for s, _n in done]
    FIGURES["kill_check_ins"] = statuses.count(303)
    FIGURES["kill_failures_in_flight"] = len(failed_in_flight)
    FIGURES["kill_retries"] = len(retried)
    assert statuses == [303] * total, sorted(set(statuses))
    assert cluster.visits() - before == total
    assert cluster.duplicate_nonces() == 0
    # the other instance keeps answering, directly and through nginx
    assert Browser(cluster.b_url).get("/healthz")[0] == 200
    assert check_in(visitor(cluster.url, cluster.database.devices[-3]), venues[3])[0] == 303
