"""The QR code on the back of a chip citizen ID card (CCCD), as a barcode scanner types it.

One line of `|`-separated fields: the 12-digit ID number, the old 9-digit number (may be empty),
the full name, the date of birth (DDMMYYYY), the sex, the permanent address and the issue date
(DDMMYYYY). Newer cards add fields after these: they are accepted and ignored. Nothing is guessed:
a payload that fails any check below is refused with the reason.
"""
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from ..forms_common import NAME_MAX
from ..text import clean_text, has_control_chars, has_markup, has_symbols

FIELDS = 7
#: Longer than any card (about 350 characters) or pass URL: refused before anything is parsed.
MAX_LENGTH = 1000

#: The province codes that open an ID number: the 63 provinces and cities of Circular 07/2016/TT-BCA
#: (where the birth was registered; cards keep them after provinces merge).
PROVINCE_CODES = frozenset((
    "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
    "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
    "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
    "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
    "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
))

_MALE = {"nam"}
_FEMALE = {"nữ"}
# "Nữ" as a scanner types it under a Vietnamese input method (Telex, VNI) or without its mark.
_FEMALE_MANGLED = {"nu", "nuwx", "nuxw", "nu74", "nu47"}

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://|^www\.", re.IGNORECASE)
_DATE = re.compile(r"\d{8}")
_WORD = re.compile(r"\S+")
# Telex keys left in a word: doubled vowels and dd (â ê ô đ), w after a vowel (ă ơ ư), a tone key
# (s f r x j) at the end of a word or between its vowel and final consonant. No Vietnamese word
# is spelled with these.
_TELEX = re.compile(
    r"aa|ee|oo|dd|[aou]w|[fjrsxz]$|[aeiouy][fjrsx](?:ch|nh|ng|[cmnpt])$", re.IGNORECASE
)


class CardProblem(ValueError):
    """Why a payload is refused: `code` is the scan outcome, `detail` the exact reason."""

    def __init__(self, code, detail):
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class IdCard:
    """What the portal uses from a card; the old number and the address are checked, never kept."""

    number: str
    name: str
    birth_date: date
    female: bool
    issue_date: date
    mangled: bool  # the name or sex looks rewritten by the keyboard's Vietnamese input


def is_card_payload(raw):
    """True when a scanned value has the card's shape (|-separated fields), not a pass's."""
    return "|" in (raw or "")


def is_web_address(raw):
    """True for a URL (a venue poster's QR code, a web link) scanned instead of a card or pass."""
    return bool(_URL.match((raw or "").strip()))


def looks_mangled(text):
    """True when a word carries Telex keys ("Nguyeenx", "Trafn") or VNI digits ("Nguye6n")."""
    for word in _WORD.findall(text or ""):
        if any(ch.isdigit() for ch in word) and any(ch.isalpha() for ch in word):
            return True  # VNI: tone and vowel marks typed as digits
        letters = word.strip(".,'-")
        if letters.isascii() and letters.isalpha() and _TELEX.search(letters):
            return True
    return False


def parse(raw, today):
    """The card in a scanned payload, or CardProblem. `today` is the local date (no future dates).

    The check of the ID number: there is no published check digit, so its structure is checked
    against the other fields. Digits 1-3 are a province code in PROVINCE_CODES; digit 4 gives the
    sex and the century of birth (0/1 man/woman born 1900-1999, 2/3 in 2000-2099, 4/5 in the 2100s,
    and so on), which must match the sex field and the date of birth; digits 5-6 are the last two
    digits of the year of birth. The old number is empty or 9 digits.
    """
    value = (raw or "").strip()
    if len(value) > MAX_LENGTH:
        raise CardProblem("card_fields", _l("The scan is too long to be an ID card."))
    fields = [clean_text(f) for f in value.split("|")]
    if len(fields) < FIELDS:
        raise CardProblem("card_fields", _l(
            "An ID card's QR code holds at least %(expected)d fields separated by |; this scan has %(count)d.",
            expected=FIELDS, count=len(fields)))
    number, old_number, name, born, sex, _address, issued = fields[:FIELDS]
    if not (_DATE.fullmatch(born) and _DATE.fullmatch(issued)):
        raise CardProblem("card_fields", _l(
            "The fields are out of place (is there a | inside the name or the address?): "
            "the dates are not where a card has them."))
    birth_date = _date(born, _l("The date of birth is not a real date."))
    issue_date = _date(issued, _l("The issue date is not a real date."))
    if birth_date > today:
        raise CardProblem("card_date", _l("The date of birth is in the future."))
    if issue_date > today:
        raise CardProblem("card_date", _l("The issue date is in the future."))
    if issue_date <= birth_date:
        raise CardProblem("card_date", _l("The issue date is not after the date of birth."))
    female, sex_mangled = _sex(sex)
    _check_number(number, old_number, birth_date, female)
    return IdCard(number, _name(name), birth_date, female, issue_date, sex_mangled or looks_mangled(name))


def _date(text, problem):
    try:
        return date(int(text[4:]), int(text[2:4]), int(text[:2]))
    except ValueError:
        raise CardProblem("card_date", problem) from None


def _sex(text):
    """(female, mangled) from the sex field: Nam or Nữ, or Nữ as an input method left it."""
    word = text.lower()
    if word in _MALE:
        return False, False
    if word in _FEMALE or word in _FEMALE_MANGLED:
        return True, word not in _FEMALE
    raise CardProblem("card_fields", _l("The sex field must be Nam or Nữ."))


def _check_number(number, old_number, birth_date, female):
    if not (number.isascii() and number.isdigit() and len(number) == 12):
        raise CardProblem("card_number", _l("The ID number must be 12 digits."))
    if old_number and not (old_number.isascii() and old_number.isdigit() and len(old_number) == 9):
        raise CardProblem("card_number", _l("The old ID number must be 9 digits or empty."))
    if number[:3] not in PROVINCE_CODES:
        raise CardProblem("card_number", _l("The ID number does not start with a Vietnamese province code."))
    digit = int(number[3])
    if digit % 2 != int(female) or 1900 + digit // 2 * 100 != birth_date.year // 100 * 100:
        raise CardProblem("card_number", _l(
            "The ID number's 4th digit does not match the sex and the century of birth on the card."))
    if number[4:6] != f"{birth_date.year % 100:02d}":
        raise CardProblem("card_number", _l(
            "The ID number's 5th and 6th digits do not match the year of birth."))


def _name(text):
    if not text:
        raise CardProblem("card_name", _l("The name is empty."))
    if len(text) > NAME_MAX:
        raise CardProblem("card_name", _l("The name is longer than %(max)d characters.", max=NAME_MAX))
    if has_control_chars(text) or has_symbols(text) or has_markup(text):
        raise CardProblem("card_name", _l("The name holds control characters, emoji or the characters < and >."))
    return text
