"""Every user-facing string in the code and templates has a Vietnamese translation."""
import os

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "portal")
METHOD_MAP = [("**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def _catalog():
    with open(os.path.join(ROOT, "translations", "vi", "LC_MESSAGES", "messages.po"), "rb") as f:
        return read_po(f)


def _extracted():
    found = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        ROOT, METHOD_MAP, keywords=KEYWORDS, options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    ):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, filename)
    return found


def test_every_string_has_a_vietnamese_translation():
    catalog = _catalog()
    missing = []
    for msgid, filename in sorted(_extracted().items()):
        entry = catalog.get(msgid)
        text = entry and (entry.string if isinstance(entry.string, str) else entry.string[0])
        if not text or entry.fuzzy:
            missing.append(f"{filename}: {msgid!r}")
    assert not missing, "strings without a Vietnamese translation:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders():
    import re

    for entry in _catalog():
        if not entry.id or not entry.string:
            continue
        source = entry.id if isinstance(entry.id, str) else entry.id[0]
        target = entry.string if isinstance(entry.string, str) else entry.string[0]
        assert sorted(re.findall(r"%\(\w+\)s", source)) == sorted(re.findall(r"%\(\w+\)s", target)), source
