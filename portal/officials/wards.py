"""The wards offered on the account forms: the chosen ones first, the rest grouped and filtered by name."""
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from ..collation import sort_key
from ..registry.match_keys import fold

#: Ward codes come from the national list, where each former province had its own block of
#: codes and a merged ward kept the code of one of its former wards; so the code tells which
#: former province a ward lies in. Per current province: (lowest code, former province), highest first.
FORMER_PROVINCES = {
    "79": (
        (26734, "Thành phố Hồ Chí Minh"),
        (26500, "Tỉnh Bà Rịa – Vũng Tàu"),
        (0, "Tỉnh Bình Dương"),
    ),
}
FILTER_MAX = 60


@dataclass
class WardPicker:
    """What the ward checkboxes show: `groups` is [(label, [(code, name)])] without the chosen wards."""

    chosen: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    query: str = ""
    shown: int = 0
    total: int = 0
    filtered: bool = False  # shown again by the filter button, so nothing was saved


def _former(code, blocks):
    number = int(code) if str(code).isdigit() else 0
    return next(name for lowest, name in blocks if number >= lowest)


def _bare_name(ward):
    """The name without its kind ("Phường Tân Định" -> "Tân Định"), for grouping by first letter."""
    prefix = f"{ward.kind} "
    return ward.name[len(prefix):] if ward.name.lower().startswith(prefix.lower()) else ward.name


def group_label(ward, province_code):
    """The group a ward is listed under: its former province when known, else its first letter."""
    blocks = FORMER_PROVINCES.get(str(province_code))
    if blocks:
        return _l("Former %(name)s", name=_former(ward.code, blocks))
    return _bare_name(ward)[:1].upper()


def matches(ward, query):
    """Whether a ward's name or code contains the typed text, ignoring case and accents."""
    folded = fold(query)
    return not folded or folded in fold(ward.name) or query.strip() == ward.code


def ward_picker(wards, chosen_codes, query, province_code):
    """Chosen wards on top (always shown, so a filter never drops them); the others grouped, filtered."""
    query = (query or "").strip()[:FILTER_MAX]
    chosen_codes = {str(c) for c in chosen_codes or ()}
    picker = WardPicker(query=query, total=len(wards))
    groups = {}
    for ward in wards:
        if ward.code in chosen_codes:
            picker.chosen.append((ward.code, ward.name))
        elif matches(ward, query):
            groups.setdefault(group_label(ward, province_code), []).append((ward.code, ward.name))
            picker.shown += 1
    picker.groups = sorted(groups.items(), key=lambda item: sort_key(str(item[0])))
    return picker
