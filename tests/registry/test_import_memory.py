"""Memory of an import, measured in a child process against its own idle figure (never time):
crafted files are refused before any large allocation, a file at the row cap fits the budget."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.registry import limits
from portal.registry.models import Establishment

from ..reports.data import HEADER_VI
from .crafted import BILLION_LAUGHS, MAIN, row, shared_strings, sheet, workbook

pytestmark = pytest.mark.once
ROOT = Path(__file__).resolve().parents[2]
MB = 1024  # VmHWM is in KiB

#: Imports each file in turn, as the route and the command do, and prints how far the peak
#: resident memory rose above the figure taken once the app was loaded and idle. The peak is the
#: kernel's VmHWM: getrusage's ru_maxrss survives execve, so a child would inherit pytest's peak.
CHILD = """
import json, sys
from flask_babel import force_locale
from tests.conftest import base_config
from portal import create_app
from portal.extensions import db
from portal.clock import utcnow
from portal.registry.services import FileRejected, RowsRejected, import_registry

def peak_kib():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

app = create_app(base_config(sys.argv[1]))
with app.app_context():
    db.session.execute(db.text("select 1"))
    idle = peak_kib()
    results = []
    for path in sys.argv[2:]:
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            result = import_registry(data, filename=path, actor=None, province_code="79", now=utcnow())
            db.session.commit()
            results.append(["imported", result.rows])
        except FileRejected as exc:
            db.session.rollback()
            with app.test_request_context(), force_locale("en"):
                results.append(["refused", str(exc.message)])
        except RowsRejected as exc:
            db.session.rollback()
            results.append(["bad rows", exc.bad_rows, len(exc.problems)])
        del data
    grew = peak_kib() - idle
    print(json.dumps({"grew_kib": grew, "results": results}))
"""


def import_in_child(db_dir, paths):
    """(KiB the child's peak memory grew by, [result per file])."""
    db.session.commit()  # the child writes to the same SQLite file: hold no transaction open
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", CHILD, db_dir, *map(str, paths)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["grew_kib"], report["results"]


def crafted_files(ward):
    """The attacks of the issue and their cousins, each a few KB to a few MB."""
    good = row(2, ["3700000001", "Cơ sở", "1 Lê Lợi", ward.code, "shop"])
    strings_bomb = [f'<sst xmlns="{MAIN}">'] + ["<si><t>" + "Ư" * 4000 + "</t></si>"] * 50_000 + ["</sst>"]
    return {
        "shared strings bomb": workbook(sheet(good), strings_bomb),
        "declared row 200 million": workbook(
            sheet(good + row(200_000_000, ["3700000002", "x", "y", ward.code, ""]), dimension="A1:E200000000")),
        "rows jumping past the cap": workbook(
            sheet(good + row(limits.MAX_ROW_NUMBER + 1, ["3700000002", "x", "y", ward.code, ""]))),
        "zip bomb part": workbook(sheet(good), extra=[("docProps/custom.xml", [b" " * 1024 * 1024] * 200)]),
        "billion laughs": workbook(sheet(
            good + '<row r="3"><c r="B3" t="inlineStr"><is><t>&lol9;</t></is></c></row>', doctype=BILLION_LAUGHS)),
        "declared texts": workbook(sheet(good), shared_strings(["a"], declared=10**12)),
        "csv of bad rows": (",".join(HEADER_VI) + "\r\n" + "x,,,,\r\n" * 300_000).encode(),
        "csv rows past the cap": (",".join(HEADER_VI) + "\r\n" + "\r\n" * limits.MAX_ROW_NUMBER + "1,2,3,4,5\r\n"
                                  ).encode(),
        "one endless csv line": b"a," * (10 * 1024 * 1024),
    }


def test_crafted_files_are_refused_before_any_large_allocation(make, db_dir, tmp_path):
    ward = make.wards(1)[0]
    files = crafted_files(ward)
    paths = []
    for number, (name, data) in enumerate(files.items()):
        assert len(data) <= 20 * 1024 * 1024, name  # within the upload limit
        paths.append(tmp_path / f"{number}.bin")
        paths[-1].write_bytes(data)
    grew, results = import_in_child(db_dir, paths)
    outcomes = dict(zip(files, results))
    assert outcomes["csv of bad rows"] == ["bad rows", 300_000, limits.MAX_PROBLEMS]
    refused = {name: result for name, result in outcomes.items() if name != "csv of bad rows"}
    assert all(result[0] == "refused" for result in refused.values()), refused
    assert "unpack" in refused["shared strings bomb"][1]  # by its size or by its ratio
    assert "row 200000000" in refused["declared row 200 million"][1]
    assert f"row {limits.MAX_ROW_NUMBER + 1}" in refused["rows jumping past the cap"][1]
    assert "XML declarations" in refused["billion laughs"][1]
    assert "longer than" in refused["one endless csv line"][1]
    # The 223 KB file took 0.93 GB; the largest upload here is 20 MB and is read whole.
    assert grew < 64 * MB, f"peak grew by {grew // MB} MB"
    assert db.session.scalar(select(func.count()).select_from(Establishment)) == 0


def test_a_file_at_the_row_cap_imports_within_300_mb(make, db_dir, tmp_path):
    from .crafted import excel_registry

    wards = make.wards(5)
    categories = ("Cửa hàng", "Nhà hàng", "Văn phòng", "Nhà máy", "Chợ")
    rows = [[3700000000 + i, f"Cửa hàng tạp hoá Minh An số {i}", f"{i % 900} Đường Lê Lợi, Khu phố {i % 37}",
             wards[i % 5].code, categories[i % 5]] for i in range(limits.MAX_ROWS)]
    path = tmp_path / "registry.xlsx"
    path.write_bytes(excel_registry(rows))
    assert path.stat().st_size <= 20 * 1024 * 1024
    del rows
    grew, results = import_in_child(db_dir, [path])
    assert results == [["imported", limits.MAX_ROWS]]
    assert db.session.scalar(select(func.count()).select_from(Establishment)) == limits.MAX_ROWS
    assert grew < 300 * MB, f"peak grew by {grew // MB} MB"
