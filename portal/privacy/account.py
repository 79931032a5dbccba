"""/account/: an account holder sees and downloads what the portal keeps about them.

Only the logged-in account's own data: no route takes an account's id. A download is written
in the audit log (its format and size, nothing of the data).
"""
import json
from zoneinfo import ZoneInfo

from flask import Response, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.labels import action_label
from ..audit.services import record
from ..auth.models import ROLES
from ..clock import local_date, utcnow
from ..exports import download, to_csv
from ..extensions import db
from ..security import roles_required
from . import bp
from .own_data import (AUDIT_LIMIT, PAGE_ENTRIES, account_fields, audit_trail, records_naming, sections_for,
                       venue_relation, venues_of, wards_of)


@bp.route("/account/")
@roles_required(*ROLES)
def account():
    """The account, its wards or venues, its newest audit entries and the other records naming it."""
    entries, total = audit_trail(current_user, PAGE_ENTRIES)
    return render_template(
        "privacy/account.html", fields=account_fields(current_user), wards=wards_of(current_user),
        venues=venues_of(current_user), entries=entries, total=total, records=records_naming(current_user),
        action_label=action_label, venue_relation=venue_relation, shown=PAGE_ENTRIES, most=AUDIT_LIMIT,
    )


def _basename(now):
    return f"vao-ra-my-account-{local_date(now):%Y%m%d}"


def _json_value(value, zone):
    return value.astimezone(zone).isoformat(timespec="minutes") if hasattr(value, "astimezone") else value


def _as_json(sections, now):
    zone = ZoneInfo(current_app.config["PORTAL_TIMEZONE"])
    document = {
        "generated_at": _json_value(now, zone),
        "sections": {
            key: {"title": title, "columns": header,
                  "rows": [dict(zip(header, (_json_value(v, zone) for v in row))) for row in rows]}
            for key, title, header, rows in sections
        },
    }
    return Response(json.dumps(document, ensure_ascii=False, indent=1),
                    content_type="application/json; charset=utf-8", headers={
                        "Content-Disposition": f'attachment; filename="{_basename(now)}.json"',
                        "Cache-Control": "no-store"})


def _as_csv(sections, now):
    """One CSV: each section starts with its own header line; the first column names the section."""
    lines = []
    for _key, title, header, rows in sections:
        lines.append([_("Section"), *header])
        lines.extend([title, *row] for row in rows)
    return download(to_csv(lines[0], lines[1:]), "csv", f"{_basename(now)}.csv")


def _download(fmt):
    now = utcnow()
    sections = sections_for(current_user)
    record(current_user, None, "own_data", {"format": fmt}, sum(len(s[3]) for s in sections), now)
    db.session.commit()
    return _as_json(sections, now) if fmt == "json" else _as_csv(sections, now)


@bp.route("/account/data.json")
@roles_required(*ROLES)
def data_json():
    """Everything the account page shows, and the whole audit trail (newest AUDIT_LIMIT), as JSON."""
    return _download("json")


@bp.route("/account/data.csv")
@roles_required(*ROLES)
def data_csv():
    """The same as one CSV file, a section after another."""
    return _download("csv")
