"""The visitor's pages have their own `_()` (i18n.page_gettext), cheaper than Jinja's: it must
give exactly what Jinja's gives, in both languages, variables escaped."""
import pytest
from markupsafe import Markup

from portal.i18n import page_gettext

MESSAGES = [
    ("Check in as %(name)s", {"name": '<b>Lan</b> & "Hoa"'}),
    ("Checked in", {}),
    ("Scan the QR code again when you leave, or tap Check out. Otherwise you are checked out after %(n)s "
     "minutes.", {"n": 60}),
    ("Entrance: %(name)s", {"name": "Cổng <2>"}),
    ("No catalog has this one, 100%% sure", {}),
    ("Full at %(n)d%% (%(share).1f): %(name)s, %(safe)s", {"n": 80, "share": 0.75, "name": "A&B", "safe": Markup("<i>x</i>")}),
]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_page_words_are_jinjas_words(app, lang):
    template = app.jinja_env.from_string("{{ _(m, **v) }}")
    with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        ours = page_gettext()
        for message, variables in MESSAGES:
            expected = template.render(m=message, v=variables)
            assert template.render(m=message, v=variables, _=ours) == expected, message
        shown = template.render(m=MESSAGES[0][0], v=MESSAGES[0][1], _=ours)
        assert "&lt;b&gt;Lan&lt;/b&gt; &amp; &#34;Hoa&#34;" in shown and "<b>" not in shown
        assert ("Ghi nhận vào" in shown) == (lang == "vi")
        assert template.render(m=MESSAGES[4][0], v={}, _=ours) == "No catalog has this one, 100% sure"
        assert template.render(m=MESSAGES[5][0], v=MESSAGES[5][1], _=ours) == "Full at 80% (0.8): A&amp;B, <i>x</i>"
