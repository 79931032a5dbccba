"""Send a list as a CSV or XLSX download (through portal.exports, which neutralises formulas)."""
from flask import Response, abort

from ..exports import to_csv, to_xlsx

TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_response(fmt, basename, title, header, rows):
    """A download response for fmt 'csv' or 'xlsx'; 404 for anything else."""
    if fmt not in TYPES:
        abort(404)
    header = [str(h) for h in header]
    body = to_csv(header, rows) if fmt == "csv" else to_xlsx(header, rows, title=str(title))
    return Response(body, mimetype=TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{basename}.{fmt}"',
        "Cache-Control": "no-store",
    })
