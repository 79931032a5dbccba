"""Division names have single spaces: from the loader and after migration 0009."""
import importlib.util
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import delete, select

from portal.divisions.models import Division
from portal.divisions.services import clean_name, load_divisions
from portal.extensions import db

MIGRATION = Path(__file__).parents[2] / "migrations" / "versions" / "0009_clean_names.py"


def _migration():
    spec = importlib.util.spec_from_file_location("clean_names_0009", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_clean_name_collapses_and_strips():
    assert clean_name("  Phường  An \t Nhơn \u00a0") == "Phường An Nhơn"


def test_loaded_names_have_single_spaces(app):
    load_divisions("79")
    names = db.session.scalars(select(Division.name).where(Division.province_code == "79")).all()
    assert "Phường An Nhơn" in names and "Phường Rạch Dừa" in names
    assert all(name == " ".join(name.split()) for name in names)


def test_migration_cleans_stored_names(app):
    db.session.add(Division(code="99001", name=" Phường  Thử\u00a0 Nghiệm ", kind="phuong",
                            province_code="99", province_name="Tỉnh  Thử "))
    db.session.add(Division(code="99002", name="Xã Sạch", kind="xa",
                            province_code="99", province_name="Tỉnh Thử"))
    db.session.commit()
    try:
        migration = _migration()
        assert migration.down_revision == "0008_audit_append_only"
        with db.engine.begin() as conn:
            with Operations.context(MigrationContext.configure(conn)):
                migration.upgrade()
                migration.downgrade()  # a no-op: the clean names stay
        db.session.expire_all()
        rows = {d.code: (d.name, d.province_name) for d in db.session.scalars(
            select(Division).where(Division.province_code == "99"))}
        assert rows == {"99001": ("Phường Thử Nghiệm", "Tỉnh Thử"), "99002": ("Xã Sạch", "Tỉnh Thử")}
    finally:
        db.session.rollback()
        db.session.execute(delete(Division).where(Division.province_code == "99"))
        db.session.commit()


def test_reload_fixes_a_name_stored_with_double_spaces(app):
    ward = db.session.scalar(select(Division).where(Division.name == "Phường An Nhơn"))
    ward.name = "Phường  An Nhơn"
    db.session.commit()
    added, updated = load_divisions("79")
    db.session.commit()
    assert (added, updated) == (0, 1)
    assert db.session.get(Division, ward.code).name == "Phường An Nhơn"
