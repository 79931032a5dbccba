"""Logins resist guessing: a per-account pause kept in the database (so it holds on every
process and host), a per-IP limit beside it, and the same hash work for unknown phones."""
import os
import re
import secrets
from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import redis
from sqlalchemy import select, update

from portal.audit.models import AuditEntry
from portal.auth import logins
from portal.auth.logins import LoginPolicy
from portal.auth.models import User
from portal.extensions import db
from portal.clock import utcnow

from ..html import check_page, page_text
from ..factories import PASSWORD

REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PAUSED = "Tài khoản này đang tạm dừng đăng nhập"
WRONG = "Số điện thoại hoặc mật khẩu không đúng."


def attempt(client, user, password="đoán bừa thôi mà", ip=None):
    if ip:
        client.environ_base["REMOTE_ADDR"] = ip
    return client.post("/auth/login", data={"phone": user.phone, "password": password})


def account(user):
    """What a test outside the app context keeps of an account."""
    return SimpleNamespace(id=user.id, phone=user.phone)


def reload(user):
    db.session.rollback()
    return db.session.get(User, user.id)


def pause_passes(user):
    """As if the pause had run out: move its end into the past."""
    db.session.execute(update(User).where(User.id == user.id)
                       .values(login_blocked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_wrong_passwords_pause_the_account_and_even_the_right_password_waits(client, make):
    owner = make.owner()
    for _ in range(4):
        response = attempt(client, owner)
        assert WRONG in page_text(response) and PAUSED not in page_text(response)
    fifth = attempt(client, owner)
    assert WRONG in page_text(fifth) and PAUSED in page_text(fifth)

    refused = attempt(client, owner, password=PASSWORD)
    html = check_page(refused, 429)
    assert PAUSED in page_text(refused) and "giờ Việt Nam" in page_text(refused)
    assert client.get("/venues/").status_code == 302  # not logged in
    user = reload(owner)
    assert user.failed_logins == 5  # a refused attempt neither counts nor checks the password
    # The person trying is told until when, in Vietnam's time, to the second.
    local = user.login_blocked_until.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert local.strftime("%H:%M:%S %d/%m/%Y") in html
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 60
    assert timedelta(seconds=50) < user.login_blocked_until - utcnow() <= timedelta(minutes=1)


def test_each_further_failure_pauses_longer_up_to_a_cap_never_for_good(client, make):
    owner = make.owner()
    for _ in range(5):
        attempt(client, owner)
    pauses = []
    for _ in range(6):
        before = utcnow()
        pause_passes(owner)
        attempt(client, owner)
        pauses.append(reload(owner).login_blocked_until - before)
    minutes = [round(p.total_seconds() / 60) for p in pauses]
    assert minutes == [2, 4, 8, 15, 15, 15]
    assert LoginPolicy(free_failures=3, first_pause_minutes=10, max_pause_minutes=15).pauses() == [(3, 10), (4, 15)]


def test_the_right_password_after_some_mistakes_logs_in_and_resets_the_count(client, make):
    owner = make.owner()
    for _ in range(4):
        attempt(client, owner)
    response = attempt(client, owner, password=PASSWORD)
    assert response.status_code == 302
    user = reload(owner)
    assert user.failed_logins == 0 and user.login_blocked_until is None
    # The owner learns that someone tried.
    assert "kể từ lần đăng nhập trước: 4" in page_text(client.get(response.headers["Location"]))


def test_the_pause_holds_across_two_app_instances_sharing_the_database(make_app, make):
    """Two hosts behind a load balancer, each with its own memory: the count is in the database."""
    first, second = make_app(), make_app()
    with first.app_context():
        owner = account(make.owner())
    hosts = [first.test_client(), second.test_client()]
    for i in range(5):  # alternating hosts, as a guesser behind a load balancer would land
        attempt(hosts[i % 2], owner)
    for host in hosts:
        response = attempt(host, owner, password=PASSWORD)
        assert response.status_code == 429 and PAUSED in page_text(response)
    with second.app_context():
        assert db.session.get(User, owner.id).failed_logins == 5


@pytest.mark.once
def test_a_guessing_run_from_several_addresses_is_stopped_by_the_account_pause(make_app, make):
    """The attack: three wrong passwords from each of several addresses, under a per-IP limit of 3.

    The per-IP limit alone would allow 3 per address; the account pause stops the run at 5
    in all, and the real password then still does not open the account until an
    administrator lifts the pause.
    """
    store = redis.Redis.from_url(REDIS_URL)
    store.ping()
    prefix = "vaora-test-login-" + secrets.token_hex(6)
    app = make_app(RATELIMIT_ENABLED=True, PORTAL_RATELIMIT_STORAGE_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix,
                   PORTAL_LOGIN_IP_LIMIT="3 per hour")
    try:
        with app.app_context():
            victim = account(make.user(role="province_admin", phone="0901000001"))
            admin = account(make.user(role="province_admin"))
        guesser = app.test_client()
        statuses = []
        for address in range(1, 6):
            for _ in range(3):
                statuses.append(attempt(guesser, victim, ip=f"203.0.113.{address}").status_code)
        # Five wrong passwords were checked (the fifth pausing the account); every later try
        # was refused unchecked, by the pause or, past 3 from one address, by the per-IP limit.
        assert statuses[:5] == [422] * 5 and set(statuses[5:]) == {429}
        with app.app_context():
            assert db.session.get(User, victim.id).failed_logins == 5
        assert any(b"login-ip" in key for key in store.scan_iter(f"*{prefix}*"))

        owner_browser = app.test_client()
        response = attempt(owner_browser, victim, password=PASSWORD, ip="198.51.100.20")
        assert response.status_code == 429 and PAUSED in page_text(response)
        assert owner_browser.get("/reports/").status_code == 302

        console = app.test_client()
        assert attempt(console, admin, password=PASSWORD, ip="198.51.100.30").status_code == 302
        html = check_page(console.get("/officials/"))
        assert "0901 000 001" in html
        assert console.post(f"/officials/logins/{victim.id}/unpause").status_code == 302
        assert attempt(owner_browser, victim, password=PASSWORD).status_code == 302
        check_page(owner_browser.get("/reports/"))
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)


@pytest.mark.once
def test_the_per_ip_limit_counts_failed_logins_only(make_app, make):
    """Spraying one guess at many accounts from one address hits the per-IP limit; an office's
    people logging in from one address do not."""
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://", PORTAL_LOGIN_IP_LIMIT="3 per hour")
    with app.app_context():
        people = [account(make.owner()) for _ in range(5)]
    office = app.test_client()
    for person in people:
        assert attempt(office, person, password=PASSWORD, ip="192.0.2.1").status_code == 302
        office.post("/auth/logout")
    sprayer = app.test_client()
    statuses = [attempt(sprayer, person, password="12345678", ip="192.0.2.2").status_code for person in people]
    assert statuses == [422, 422, 422, 429, 429]
    assert "Quá nhiều lần thử" in page_text(attempt(sprayer, people[0], password=PASSWORD))
    with app.app_context():
        assert [db.session.get(User, p.id).failed_logins for p in people] == [1, 1, 1, 0, 0]


def test_an_unknown_phone_goes_through_the_same_password_hash(client, make, monkeypatch):
    owner = make.owner()
    hashed = []
    real = logins.check_password_hash

    def spy(stored, password):
        hashed.append(stored.split("$", 1)[0])
        return real(stored, password)

    monkeypatch.setattr(logins, "check_password_hash", spy)
    attempt(client, owner)
    for unknown in ("0987654321", "+84 987 654 322", "not a phone"):
        response = client.post("/auth/login", data={"phone": unknown, "password": "đoán bừa thôi mà"})
        assert WRONG in page_text(response)
    method = owner.password_hash.split("$", 1)[0]  # e.g. scrypt:32768:8:1
    assert hashed == [method] * 4


def test_an_administrator_sees_and_lifts_a_pause_which_is_audited(client, make, login):
    owner = make.owner(name="Chủ Quán Bị Dò")
    for _ in range(5):
        attempt(client, owner)
    admin = make.user(role="province_admin")
    login(admin)
    html = check_page(client.get("/officials/"))
    assert "Chủ Quán Bị Dò" in html and "Chủ cơ sở" in html
    assert re.search(r'action="/officials/logins/%d/unpause"' % owner.id, html)
    response = client.post(f"/officials/logins/{owner.id}/unpause")
    assert response.status_code == 302
    assert f"/officials/logins/{owner.id}/unpause" not in check_page(client.get("/officials/"))
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "login_unpause"))
    assert entry.actor_id == admin.id and entry.query == f"account={owner.id}"
    assert "Cho phép một tài khoản đăng nhập lại" in check_page(client.get("/audit/"))
    client.post("/auth/logout")
    assert attempt(client, owner, password=PASSWORD).status_code == 302


def test_an_officials_page_shows_the_pause_with_a_button(client, make, login):
    tracer = make.user(role="tracer")
    for _ in range(5):
        attempt(client, tracer)
    login(make.user(role="province_admin"))
    html = check_page(client.get(f"/officials/{tracer.id}/"))
    assert "Đăng nhập đang tạm dừng đến" in html and "sau 5 lần nhập sai mật khẩu" in html
    response = client.post(f"/officials/logins/{tracer.id}/unpause")
    assert response.headers["Location"].endswith(f"/officials/{tracer.id}/")
    assert reload(tracer).login_blocked_until is None


def test_only_province_administrators_lift_pauses(client, make, login):
    owner = make.owner()
    for _ in range(5):
        attempt(client, owner)
    login(make.user(role="ward_official", wards=make.wards(1)))
    assert client.post(f"/officials/logins/{owner.id}/unpause").status_code == 404
    assert reload(owner).login_blocked_until is not None


def test_the_server_operator_lifts_a_pause_from_the_command_line(runner, make, client):
    admin = make.user(role="province_admin", phone="0901234567")
    for _ in range(5):
        attempt(client, admin)
    result = runner.invoke(args=["users", "unpause", "--phone", "0901 234 567"])
    assert result.exit_code == 0, result.output
    assert reload(admin).login_blocked_until is None
    assert attempt(client, admin, password=PASSWORD).status_code == 302
    result = runner.invoke(args=["users", "unpause", "--phone", "0999999999"])
    assert result.exit_code == 1 and "no account" in result.output

