"""Load the wards and communes of a province from the vietnam-provinces package."""
from sqlalchemy import select
from vietnam_provinces import Province, ProvinceCode, Ward

from ..extensions import db
from .models import Division


def province_wards(province_code):
    """(province, wards) from the package for a numeric or string code; ValueError if unknown."""
    try:
        code = ProvinceCode(int(province_code))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"unknown province code {province_code!r}") from exc
    province = Province.from_code(code)
    return province, list(Ward.iter_by_province(code))


def clean_name(name):
    """A division name with runs of whitespace made one space and the ends stripped."""
    # The upstream list writes two wards with a double space ("Phường  An Nhơn").
    return " ".join(name.split())


def load_divisions(province_code):
    """Insert missing wards and update changed ones; returns (added, updated). Idempotent."""
    province, wards = province_wards(province_code)
    existing = {
        d.code: d
        for d in db.session.scalars(
            select(Division).where(Division.province_code == str(int(province.code)))
        )
    }
    added = updated = 0
    for ward in wards:
        values = dict(
            name=clean_name(ward.name),
            kind=ward.division_type.value,
            province_code=str(int(province.code)),
            province_name=clean_name(province.name),
        )
        code = str(int(ward.code))
        current = existing.get(code)
        if current is None:
            db.session.add(Division(code=code, **values))
            added += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(current, key, value)
            updated += 1
    db.session.flush()
    return added, updated


def wards_of(province_code):
    """The loaded wards of a province, in Vietnamese order of their names."""
    return list(
        db.session.scalars(
            select(Division)
            .where(Division.province_code == str(province_code))
            .order_by(Division.name_sort, Division.code)
        )
    )
