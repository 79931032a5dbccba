"""Turn a registry file's header and rows into clean records, or a list of problems per row."""
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..divisions.models import Division
from ..extensions import db
from ..identifiers import registration_digits
from ..text import has_control_chars
from .categories import CategoryResolver
from .match_keys import compact, fold
from .limits import MAX_PROBLEMS, MAX_ROWS, FileRejected
from .problems import Issue

MAX_TEXT = 300

#: Column -> what it is called in the file, as compact() keys; `None` entries are substrings.
FIELDS = ("registration_number", "name", "address", "ward", "category")
REQUIRED = ("registration_number", "name", "address", "ward")
COLUMN_LABELS = {
    "registration_number": _l("registration or tax number"),
    "name": _l("name"),
    "address": _l("address"),
    "ward": _l("ward"),
    "category": _l("category"),
}
_HEADER_HINTS = (
    ("registration_number", ("masothue", "mst", "sodangky", "dangkykinhdoanh", "sodkkd", "masodoanhnghiep",
                             "msdn", "taxnumber", "taxcode", "taxid", "registrationnumber", "registrationno",
                             "registration", "regno")),
    ("address", ("diachi", "address")),
    ("ward", ("phuong", "ward", "xa", "maxa", "commune")),
    ("category", ("loaihinh", "loaicoso", "loai", "nganhnghe", "nganh", "linhvuc", "category", "type", "kind")),
    ("name", ("ten", "name")),
)

_SPACES = re.compile(r"\s+")
NUMBER = "registration_number"
NOT_YOURS = _l("ward not in your area")
ELSEWHERE = _l("ward in another province")


@dataclass(slots=True)  # up to 300,000 of them are held until the file is known good
class Record:
    row: int
    registration_number: str
    name: str
    address: str
    ward_code: str
    category: str
    category_known: bool


class Checked(NamedTuple):
    """What validate() found: the records, the problems and what the file covers."""

    records: list
    problems: list
    bad_rows: int
    rows: int
    wards: "WardResolver"  # .rows: ward code -> rows naming it
    categories: CategoryResolver  # .to_check(): types read by synonym or not at all


class _Joined:
    """Lazy labels joined only when the message is shown, so they follow the reader's language."""

    def __init__(self, items):
        self.items = items

    def __str__(self):
        return ", ".join(str(item) for item in self.items)


def map_header(header):
    """{field: column index}; FileRejected for missing or repeated columns."""
    found = {}
    for index, title in enumerate(header):
        key = compact(title)
        if not key:
            continue
        for field, hints in _HEADER_HINTS:
            if key in hints or any(len(h) > 3 and h in key for h in hints) or (
                field == "name" and key.startswith("ten")
            ):
                if field in found:
                    raise FileRejected(_l("The column “%(name)s” appears twice.", name=title))
                found[field] = index
                break
    missing = [COLUMN_LABELS[f] for f in REQUIRED if f not in found]
    if missing:
        raise FileRejected(_l(
            "Wrong or missing headers: the first row must name the columns registration or tax number, "
            "name, address, ward (code or name) and category. Missing: %(missing)s.",
            missing=_Joined(missing),
        ))
    return found



class WardResolver:
    """Ward code or name (with or without 'Phường'/'Xã', any accents) -> code of this province."""

    def __init__(self, province_code, allowed=None):
        self.province_code = str(province_code)
        self.allowed = allowed
        wards = db.session.scalars(select(Division).where(Division.province_code == self.province_code))
        self.codes = {}
        self.by_name = {}
        self.rows = Counter()  # ward code -> rows naming it, in the official's wards or not
        for ward in wards:
            self.codes[ward.code] = ward
            for key in _name_keys(ward.name):
                self.by_name.setdefault(key, set()).add(ward.code)

    def resolve(self, raw):
        """(code, None) or (None, reason)."""
        text = (raw or "").strip()
        if not text:
            return None, Issue(_l("the ward is missing"), "ward")
        if text.isdigit():
            code = str(int(text))
            if code in self.codes:
                return self._allowed(code)
            other = _other_province_by_code(int(text))
            if other:
                return None, Issue(_l("ward %(ward)s is in %(province)s, not in this province",
                                      ward=text, province=other), "ward", ELSEWHERE, f"{text} ({other})")
            return None, Issue(_l("unknown ward code %(ward)s", ward=text), "ward", _l("unknown ward code"), text)
        codes = self.by_name.get(fold(_SPACES.sub(" ", text)))
        if codes and len(codes) == 1:
            return self._allowed(next(iter(codes)))
        if codes:
            return None, Issue(_l("“%(ward)s” names more than one ward: give the ward code", ward=text), "ward",
                               _l("the name fits more than one ward: give the ward code"), text)
        other = _other_provinces_by_name().get(fold(text))
        if other and self.province_code not in other:
            province = ", ".join(sorted(other.values()))
            return None, Issue(_l("ward %(ward)s is in %(province)s, not in this province", ward=text,
                                  province=province), "ward", ELSEWHERE, f"{text} ({province})")
        return None, Issue(_l("unknown ward “%(ward)s”", ward=text), "ward", _l("unknown ward"), text)

    def _allowed(self, code):
        self.rows[code] += 1
        if self.allowed is not None and code not in self.allowed:
            name = self.codes[code].name
            return None, Issue(_l("ward %(ward)s is not one of your wards", ward=name), "ward", NOT_YOURS, name)
        return code, None


def _name_keys(name):
    folded = fold(name)
    keys = {folded}
    for prefix in ("phuong ", "xa ", "dac khu ", "thi tran "):
        if folded.startswith(prefix):
            keys.add(folded[len(prefix):])
    return keys


def _other_province_by_code(code):
    from vietnam_provinces import Province, Ward

    try:
        ward = Ward.from_code(code)
    except (ValueError, KeyError):
        return None
    return Province.from_code(ward.province_code).name if ward else None


@lru_cache(maxsize=1)
def _other_provinces_by_name():
    """folded ward name -> {province code: province name} over the whole country."""
    from vietnam_provinces import Province, Ward

    names = {}
    provinces = {p.code: p for p in Province.iter_all()}
    for ward in Ward.iter_all():
        province = provinces[ward.province_code]
        for key in _name_keys(ward.name):
            names.setdefault(key, {})[str(int(province.code))] = province.name
    return names


def _text(raw, field, problems):
    value = _SPACES.sub(" ", raw or "").strip()
    label = COLUMN_LABELS[field]
    if not value:
        problems.append(Issue(_l("the %(column)s is missing", column=label), field))
    elif has_control_chars(value):
        problems.append(Issue(_l("the %(column)s contains invisible control characters", column=label), field))
    elif len(value) > MAX_TEXT:
        problems.append(Issue(_l("the %(column)s is longer than %(n)s characters", column=label, n=MAX_TEXT),
                              field))
    return value


def validate(header, rows, province_code, allowed_wards=None):
    """Checked(records, problems, bad rows, …): problems are (row number, Issue), the first MAX_PROBLEMS
    of them; records only count when there are none."""
    columns = map_header(header)
    wards = WardResolver(province_code, allowed_wards)
    categories = CategoryResolver()
    records, problems, seen, bad_rows, count = [], [], {}, 0, 0
    for count, (number, cells) in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise FileRejected(_l("The file has more than %(n)s rows. Split it by ward.", n=MAX_ROWS))

        def cell(field, cells=cells):  # this row's cells, bound now
            index = columns.get(field)
            return cells[index] if index is not None and index < len(cells) else ""

        reasons = []
        raw_number = cell("registration_number").strip()
        number_value = registration_digits(raw_number)
        if not raw_number:
            reasons.append(Issue(_l("the registration or tax number is missing"), NUMBER))
        elif number_value is None:
            reasons.append(Issue(_l("“%(value)s” is not a registration or tax number (10 digits, or 10 digits "
                                    "and a 3-digit branch number)", value=raw_number[:40]), NUMBER,
                                 _l("not a registration or tax number: 10 digits, or 13 for a branch"),
                                 raw_number[:40]))
        elif number_value in seen:
            reasons.append(Issue(_l("registration number %(value)s is also on row %(row)s",
                                    value=number_value, row=seen[number_value]), NUMBER,
                                 _l("registration number also on an earlier row"), number_value))
        else:
            seen[number_value] = number
        name = _text(cell("name"), "name", reasons)
        address = _text(cell("address"), "address", reasons)
        ward_code, ward_problem = wards.resolve(cell("ward"))
        if ward_problem:
            reasons.append(ward_problem)
        category, known = categories.resolve(cell("category"))
        if reasons:
            bad_rows += 1
            if len(problems) < MAX_PROBLEMS:  # a file of bad rows must not fill the memory with reasons
                problems.extend((number, reason) for reason in reasons)
        elif not problems:
            records.append(Record(number, number_value, name, address, ward_code, category, known))
    if not records and not problems:
        raise FileRejected(_l("The file has a header row but no establishments."))
    return Checked(records, problems, bad_rows, count, wards, categories)
