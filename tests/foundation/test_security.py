"""Headers, cookies and error pages that protect every page."""
from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db

from ..html import check_page
from ..factories import PASSWORD


def assert_protective_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_owner_pages_downloads_and_errors_carry_the_headers(client, make, login):
    owner = make.owner()
    venue = make.venue(owner)
    login(owner)
    code, token = venue.short_code, venue.token
    for url in ("/", "/healthz", "/nope", "/auth/signup", "/venues/", f"/venues/{code}/",
                f"/venues/{code}/poster", f"/venues/{code}/poster.pdf", f"/venues/{code}/poster.png",
                f"/venues/{code}/poster.svg", f"/v/{token}", f"/c/{code}", "/static/css/site.css"):
        with client.get(url) as response:  # closed: a static file is streamed from an open file
            assert_protective_headers(response)
    assert_protective_headers(client.post("/venues/new", data={}))
    assert_protective_headers(client.post(f"/venues/{code}/retire"))
    retired = client.get(f"/v/{token}")  # the POST above retired it
    assert retired.status_code == 410
    assert_protective_headers(retired)


def test_the_session_cookie_is_httponly_and_lax(client, make):
    owner = make.owner()
    response = client.post("/auth/login", data={"phone": owner.phone, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_in_production(make_app, make):
    app = make_app(PORTAL_SECURE_COOKIES=None, PORTAL_BASE_URL="https://vaora.example.vn")
    owner = make.owner()
    response = app.test_client().post("/auth/login", base_url="https://vaora.example.vn",
                                      data={"phone": owner.phone, "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_language_cookie_is_httponly_and_lax(client):
    cookie = client.get("/lang/en").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_crash_shows_a_500_page_without_traceback_and_saves_nothing(app, make_app):
    crashing = make_app(PROPAGATE_EXCEPTIONS=False)

    def crash():
        db.session.add(User(role="owner", full_name="Nửa Chừng", phone="+84912999888",
                            password_hash="x"))
        db.session.flush()
        raise RuntimeError("secret internals /srv/portal/venues.py line 42")

    crashing.add_url_rule("/crash", "crash", crash)
    response = crashing.test_client().get("/crash")
    html = check_page(response, 500)
    assert "Traceback" not in html and "secret internals" not in html
    assert "Đã có lỗi" in html
    assert_protective_headers(response)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_healthz_reports_an_unreachable_database(app, make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/x.sqlite3")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}
