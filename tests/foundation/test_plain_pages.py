"""Pages read well without CSS (as in a text browser) and the skip link always has a target."""
import re
from html.parser import HTMLParser

from ..checkin.helpers import register
from ..html import check_page

BLOCKS = {"p", "div", "h1", "h2", "h3", "li", "dt", "dd", "br", "form", "tr", "ul", "dl", "main", "header"}


class PlainText(HTMLParser):
    """The text a browser without CSS shows: block elements start a new line; button labels kept."""

    def __init__(self):
        super().__init__()
        self.lines, self.buttons, self.ids, self.skip = [""], [], [], None
        self._skipping = 0
        self._button = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        if tag == "a" and "skip" in (attrs.get("class") or "").split():
            self.skip = attrs.get("href")
        if tag in ("head", "script", "style"):
            self._skipping += 1
        if tag in BLOCKS:
            self.lines.append("")
        if tag == "button":
            self._button = ""

    def handle_endtag(self, tag):
        if tag in ("head", "script", "style"):
            self._skipping -= 1
        if tag in BLOCKS:
            self.lines.append("")
        if tag == "button" and self._button is not None:
            self.buttons.append(" ".join(self._button.split()))
            self._button = None

    def handle_data(self, data):
        if self._skipping:
            return
        self.lines[-1] += data
        if self._button is not None:
            self._button += data

    def text_lines(self):
        return [" ".join(line.split()) for line in self.lines if line.strip()]


def plain(html):
    parser = PlainText()
    parser.feed(html)
    return parser


def test_the_check_word_stands_on_its_own_line(client, make):
    venue = make.venue(name="Nhà Sách Phương Nam")
    html = check_page(client.get(register(client, venue).headers["Location"]))
    word = re.search(r'<strong lang="vi">([^<]+)</strong>', html).group(1)
    lines = plain(html).text_lines()
    assert word in lines  # a line of its own, not glued to its label
    label = lines[lines.index(word) - 1]
    assert label.startswith(("Từ kiểm tra", "Check word")) and word not in label


def test_buttons_read_as_buttons_without_css(client, make):
    venue = make.venue(name="Nhà Sách Phương Nam")
    page = plain(check_page(client.get(register(client, venue).headers["Location"])))
    assert page.buttons, "the confirmation has a check-out button"
    assert all(re.fullmatch(r"\[[^\[\]]+\]", label) for label in page.buttons), page.buttons
    assert any(line.startswith("[") and line.endswith("]") for line in page.text_lines())


def _assert_skip_target(html):
    page = plain(html)
    assert page.skip and page.skip.startswith("#")
    assert page.ids.count(page.skip[1:]) == 1, (page.skip, page.ids)


def test_the_skip_link_target_exists_on_every_kind_of_page(client, make, login):
    for url, status in (("/", 200), ("/auth/login", 200), ("/no-such-page", 404)):
        response = client.get(url)
        assert response.status_code == status, url
        _assert_skip_target(response.get_data(as_text=True))
    venue = make.venue(name="Nhà Sách Phương Nam")
    _assert_skip_target(check_page(client.get(register(client, venue).headers["Location"])))
    login(venue.owner)
    for url in ("/venues/", f"/venues/{venue.short_code}", "/venues/new"):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        _assert_skip_target(response.get_data(as_text=True))
