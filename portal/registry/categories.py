"""Read a registry file's establishment types as venue categories, and keep what was read as what.

A type that is a category's code or (part of) its label needs no check. A synonym ("cơ sở y tế",
"doanh nghiệp") or an unknown type (filed as "Other") is listed for the official to see before
the import is accepted (services.CategoriesToCheck).
"""
from dataclasses import dataclass

from flask_babel import force_locale

from .match_keys import fold

#: Words people use for each venue category in registry files, Vietnamese then English.
#: Matched without case or accents, as the whole type or its first words ("Phòng khám nha khoa X").
CATEGORY_WORDS = {
    "office": ("văn phòng", "cơ quan", "cơ quan nhà nước", "trụ sở", "ủy ban nhân dân", "ubnd",
               "doanh nghiệp", "công ty", "công ty tnhh", "công ty cổ phần", "chi nhánh", "ngân hàng",
               "office", "agency", "company", "enterprise", "business", "bank"),
    "factory": ("nhà máy", "xưởng", "nhà xưởng", "xí nghiệp", "sản xuất", "cơ sở sản xuất", "công xưởng",
                "doanh nghiệp sản xuất", "công ty sản xuất", "khu công nghiệp", "cụm công nghiệp",
                "factory", "manufacturing", "industrial park", "workshop", "plant"),
    "shop": ("cửa hàng", "tạp hóa", "tạp hoá", "bán lẻ", "hộ kinh doanh", "cơ sở kinh doanh",
             "cửa hàng tiện lợi", "shop", "store", "retail", "convenience store"),
    "market": ("chợ", "chợ đầu mối", "chợ truyền thống", "market", "wet market", "marketplace"),
    "supermarket": ("siêu thị", "siêu thị mini", "trung tâm thương mại", "tttm", "supermarket",
                    "minimart", "mall", "shopping mall", "shopping centre", "shopping center"),
    "restaurant": ("nhà hàng", "quán ăn", "quán", "cà phê", "cafe", "quán cà phê", "quán cafe", "ăn uống",
                   "dịch vụ ăn uống", "quán nhậu", "trà sữa", "bếp ăn", "căn tin", "canteen",
                   "restaurant", "coffee", "coffee shop", "food", "eatery", "bar"),
    "school": ("trường", "trường học", "mầm non", "nhà trẻ", "mẫu giáo", "cơ sở giáo dục", "giáo dục",
               "đại học", "cao đẳng", "trung tâm ngoại ngữ", "school", "kindergarten", "university",
               "college", "education"),
    "health": ("cơ sở y tế", "y tế", "bệnh viện", "phòng khám", "phòng mạch", "nha khoa", "nhà thuốc",
               "quầy thuốc", "hiệu thuốc", "trạm y tế", "trung tâm y tế", "hospital", "clinic",
               "medical", "health", "healthcare", "pharmacy", "dental clinic"),
    "station": ("bến xe", "nhà ga", "ga", "bến tàu", "bến phà", "cảng", "sân bay", "station", "bus station",
                "train station", "port", "airport"),
    "boarding_house": ("nhà trọ", "phòng trọ", "khu trọ", "ký túc xá", "nhà nghỉ", "khách sạn",
                       "boarding house", "dormitory", "hotel", "motel", "hostel", "guest house"),
    "apartment": ("chung cư", "căn hộ", "apartment", "apartment building", "condominium"),
    "religious": ("cơ sở tôn giáo", "tôn giáo", "chùa", "nhà thờ", "đền", "đình", "miếu", "thánh thất",
                  "tịnh xá", "religious", "religious site", "church", "pagoda", "temple"),
    "checkpoint": ("chốt", "chốt kiểm soát", "trạm kiểm soát", "checkpoint", "traffic checkpoint"),
    "other": ("khác", "other"),
}
MAX_LISTED = 500  # distinct types kept for the preview; a free-text column must not fill the memory


@dataclass(slots=True)
class Reading:
    """One type as written in the file (its first spelling), what it was read as, and how often."""

    value: str
    category: str
    how: str  # "exact": a code or label; "synonym"; "unknown" (filed as Other); "empty"
    rows: int = 0


def _label_keys(label):
    """Folded whole label and its parts: 'Bệnh viện, phòng khám' -> the label, 'benh vien', 'phong kham'."""
    folded = fold(label)
    parts = {folded}
    for part in str(label).replace(" and ", ",").replace(" và ", ",").split(","):
        if fold(part):
            parts.add(fold(part))
    return parts


class CategoryResolver:
    """Category code, label (Vietnamese or English) or a usual word -> a venue category."""

    def __init__(self):
        from ..venues.models import CATEGORIES

        self.exact, self.keys = {}, {}
        for code, label in CATEGORIES.items():
            for word in (code, code.replace("_", " ")):
                self.exact[fold(word)] = code
            for locale in ("vi", "en"):
                with force_locale(locale):
                    for key in _label_keys(label):
                        self.exact.setdefault(key, code)
        for code, words in CATEGORY_WORDS.items():
            for word in words:
                self.keys.setdefault(fold(word), code)
                self.keys.setdefault(fold(word) + "s", code)
        self.prefixes = sorted(set(self.keys) | set(self.exact), key=len, reverse=True)
        self.seen = {}  # folded type -> Reading
        self.unlisted_rows = 0

    def resolve(self, raw):
        """(category, known): unknown or empty categories are filed as 'other'."""
        key = fold(raw)
        category, how = self._read(key)
        reading = self.seen.get(key)
        if reading is None and len(self.seen) < MAX_LISTED:
            reading = self.seen[key] = Reading(" ".join((raw or "").split())[:100], category, how)
        if reading is None:
            self.unlisted_rows += 1
        else:
            reading.rows += 1
        return category, how != "unknown"

    def _read(self, key):
        if not key:
            return "other", "empty"
        if key in self.exact:
            return self.exact[key], "exact"
        if key in self.keys:
            return self.keys[key], "synonym"
        for word in self.prefixes:  # longest first: "doanh nghiep san xuat" before "doanh nghiep"
            if key.startswith(word + " "):
                return self.exact.get(word) or self.keys[word], "synonym"
        return "other", "unknown"

    def to_check(self):
        """The readings an official should see before importing, most rows first; [] when all were exact."""
        readings = sorted(self.seen.values(), key=lambda r: (-r.rows, r.value))
        if not any(r.how in ("synonym", "unknown") for r in readings) and not self.unlisted_rows:
            return []
        return readings
