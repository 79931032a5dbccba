"""Helpers for the browser accessibility and layout tests: log in, run axe-core, collect findings.

axe-core waits on timers, which never fire with JavaScript off: audit pages opened with
`new_page(js=True)` (the portal works the same either way; only the scanner adds a camera button)."""
import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from ..factories import PASSWORD

#: axe impacts that fail a test (minor and moderate findings are left to review by people).
BLOCKING = ("serious", "critical")
_AXE = Axe()


def log_in(page, user):
    """Log in through the login form and wait until the portal has moved on from it."""
    page.goto("/auth/login")
    page.fill("#phone", user.phone)
    page.fill("#password", PASSWORD)
    page.locator("main form button").click()
    expect(page).not_to_have_url(re.compile(r"/auth/login"))


def blocking_violations(page):
    """The serious and critical axe-core violations of the page as shown: 'rule (impact): targets'."""
    found = _AXE.run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): " + "; ".join(", ".join(map(str, n["target"])) for n in v["nodes"])
        for v in found if v["impact"] in BLOCKING
    ]


class Audit:
    """Audits pages one after the other and keeps every blocking finding, so one run lists them all."""

    def __init__(self, page):
        self.page = page
        self.findings = {}
        self.seen = []

    def visit(self, url, status=200):
        """Open `url`, check its status, and audit it."""
        response = self.page.goto(url)
        assert response.status == status, (url, response.status)
        return self.here(url)

    def here(self, name):
        """Audit the page as it is now under `name`."""
        self.page.wait_for_load_state()
        self.seen.append(name)
        problems = blocking_violations(self.page)
        if problems:
            self.findings[name] = problems
        return problems

    def assert_clean(self):
        """Fail listing every page with a serious or critical violation."""
        assert self.findings == {}, "\n".join(
            f"{name}:\n  " + "\n  ".join(problems) for name, problems in self.findings.items()
        )
