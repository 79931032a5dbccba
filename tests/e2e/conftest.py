"""Browser tests: the portal served on a free loopback port, driven by headless Chromium.

Fixtures
- `live_server`: a fresh app on the test database, served from a background thread at
  `live_server.url` (http://127.0.0.1:<free port>); `PORTAL_BASE_URL` is that URL. Data made with
  the usual `make` factories is visible to it; rows are emptied after the test as usual.
  `serve(**config)` does the same with config overrides (e.g. `WTF_CSRF_ENABLED=True`).
- `browser`: one Debian Chromium for the session.
- `new_page(js=False, width=320, height=640, server=None)`: a page in a fresh context (own
  cookies) with JavaScript off at 320 px by default, whose relative URLs go to the live server.
  Requests to any host other than 127.0.0.1 are blocked and listed in `external_requests`.
- `page`: `new_page()` with the defaults.
- `artifacts`: the `test-artifacts/` folder for screenshots (git-ignored).
- `page_width` (a function, `page_width(page)`): the document's scroll width, to assert there is
  no horizontal scrolling. Playwright's `evaluate` works even when the page's JavaScript is off.

After a click that loads another page, assert with Playwright's `expect(...)`, which retries until
the new page shows what is expected, not with a plain `assert` on `page.url` or `page.content()`,
which may still see the old page. Actions, navigations and `expect` wait up to `TIMEOUT_MS`, long
enough for a busy machine.
"""
import pathlib
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-smooth-scrolling"]
TIMEOUT_MS = 30_000
ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"


class LiveServer:
    """A running server: its app and base URL."""

    def __init__(self, app, url):
        self.app = app
        self.url = url


@pytest.fixture
def serve(make_app):
    """Start a server for an app made with config overrides; stopped after the test."""
    running = []

    def start(**config):
        app = make_app(**config)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        url = f"http://127.0.0.1:{server.server_port}"
        app.config["PORTAL_BASE_URL"] = url
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        running.append((server, thread))
        return LiveServer(app, url)

    yield start
    for server, thread in running:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def live_server(serve):
    """The portal on 127.0.0.1:<free port> with the test configuration."""
    return serve()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium, shared by the session's tests."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def external_requests():
    """Requests the pages tried to make to hosts other than 127.0.0.1 (they were blocked)."""
    return []


@pytest.fixture
def new_page(browser, live_server, external_requests):
    """Open a page in a fresh browser context: JavaScript off and 320 px wide by default."""
    contexts = []

    def block_foreign(route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            external_requests.append(route.request.url)
            route.abort()

    def open_page(js=False, width=320, height=640, server=None, locale="vi-VN"):
        context = browser.new_context(
            java_script_enabled=js,
            viewport={"width": width, "height": height},
            base_url=(server or live_server).url,
            locale=locale,
            accept_downloads=True,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        context.route("**/*", block_foreign)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A page with JavaScript off at 320 px, pointing at `live_server`."""
    return new_page()


@pytest.fixture
def artifacts():
    """The folder for screenshots and downloads of browser tests."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def page_width():
    """A function giving a page's content width in CSS pixels (above the viewport: it scrolls)."""

    def measure(page):
        # After the load event: measured before the stylesheet applies, an SVG or a table is as
        # wide as it likes (a click's navigation returns before the page has loaded).
        page.wait_for_load_state("load")
        return page.evaluate(
            "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        )

    return measure
