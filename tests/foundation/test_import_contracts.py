"""The import contracts in .importlinter hold today, and fail when one of the old cycles comes back."""
import pathlib
import shutil
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
LINT = pathlib.Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.once


def _lint(tree):
    return subprocess.run([str(LINT), "--config", str(tree / ".importlinter"), "--no-cache"],
                          cwd=tree, capture_output=True, text=True, timeout=120)


def _copy(tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(ROOT / "portal", tree / "portal",
                    ignore=shutil.ignore_patterns("__pycache__", "translations", "static", "templates"))
    shutil.copy(ROOT / ".importlinter", tree / ".importlinter")
    return tree


def _add_import(tree, module, line):
    path = tree / "portal" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")


def test_the_contracts_hold_on_the_code_as_it_is():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("module, line, broken", [
    # visitors ⇄ checkin: /me read the visits straight from check-in
    ("visitors/routes.py", "from ..checkin import services as visits", "portal.visitors is not allowed to import portal.checkin"),
    # registry ⇄ reports: the registry's pages took paging and figures from reports
    ("registry/views/follow_ups.py", "from ...reports.lists import fetch", "portal.registry is not allowed to import portal.reports"),
    # venues ⇄ registry: `flask venues suspend` lived in venues and called registry's follow-ups
    ("venues/services.py", "from ..registry.followups import record_follow_up", "portal.venues is not allowed to import portal.registry"),
    # audit ⇄ auth: lifting a login pause was audited from inside auth
    ("auth/logins.py", "from ..audit.services import record", "portal.auth is not allowed to import portal.audit"),
    # security ⇄ venues: the scoping helpers imported every feature's models
    ("security.py", "from .venues.models import Venue", "portal.security is not allowed to import portal.venues"),
])
def test_putting_back_an_old_cycle_breaks_the_contracts(tmp_path, module, line, broken):
    tree = _copy(tmp_path)
    _add_import(tree, module, line)
    result = _lint(tree)
    assert result.returncode != 0
    assert broken in result.stdout
    assert "No cycles are allowed in portal" in result.stdout
