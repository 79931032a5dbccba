"""The privacy notice page, and a household's download of everything kept about it (/me/data.*).

Each feature adds its own rows through the `person_data` signal; this module adds the profiles
and writes the file. Like the rest of /me, only the device cookie opens it: another browser gets
nothing personal.
"""
import json
from zoneinfo import ZoneInfo

from flask import Response, abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _

from .. import signals
from ..clock import utcnow
from ..exports import download, to_csv
from ..extensions import limiter
from ..text import display_phone
from . import bp, device, notice
from .services import dependents_of, device_for, household_ids

#: The download's file name, without its extension.
BASENAME = "vao-ra-my-data"


@bp.route("/privacy", endpoint="notice")
def notice_page():
    """The full privacy notice: plain HTML, readable without JavaScript and without a device."""
    return render_template("visitors/notice.html", version=notice.NOTICE_VERSION)


def _profiles(person, dependents):
    """The household's own section: who the profiles are, as kept."""
    header = [_("Person"), _("Phone number"), _("Year of birth"), _("In the household"), _("Created"),
              _("Privacy notice read")]
    rows = [[p.full_name, display_phone(p.phone) if p.phone else None, p.birth_year,
             _("remembered by this phone") if p is person else _("checked in by %(name)s", name=person.full_name),
             p.created_at, p.notice_version] for p in [person, *dependents]]
    return ("profiles", _("Profiles"), header, rows)


def sections_for(person, now):
    """Every section kept about this person's household: the profiles first, then each feature's.
    Raises `signals.Incomplete` when a feature could not answer."""
    dependents = dependents_of(person)
    ids = household_ids(person, dependents)
    names = {p.id: p.full_name for p in [person, *dependents]}
    found = [_profiles(person, dependents)]
    for answer in signals.every_answer(signals.person_data, visitor_ids=ids, names=names, now=now):
        found.extend(answer)
    return found


def _json_cell(value, zone):
    if hasattr(value, "astimezone"):
        return value.astimezone(zone).isoformat(timespec="minutes")
    return value


def _as_json(sections, now):
    zone = ZoneInfo(current_app.config["PORTAL_TIMEZONE"])
    document = {
        "generated_at": _json_cell(now, zone),
        "notice_version": notice.NOTICE_VERSION,
        "sections": {
            key: {"title": title, "columns": list(header),
                  "rows": [dict(zip(header, (_json_cell(v, zone) for v in row))) for row in rows]}
            for key, title, header, rows in sections
        },
    }
    body = json.dumps(document, ensure_ascii=False, indent=1)
    return Response(body, content_type="application/json; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{BASENAME}.json"', "Cache-Control": "no-store"})


def _as_csv(sections):
    """One CSV: each section starts with its own header line; the first column names the section."""
    label = _("Section")
    lines = []
    for _key, title, header, rows in sections:
        lines.append([label, *header])
        lines.extend([title, *row] for row in rows)
    return download(to_csv(lines[0], lines[1:]), "csv", f"{BASENAME}.csv")


@bp.route("/me/data.<fmt>")
@limiter.limit(lambda: current_app.config["PORTAL_LOOKUP_LIMIT"], key_func=device.rate_limit_key)
def my_data(fmt):
    """Everything kept about this device's household, as JSON or CSV; /me without the device."""
    if fmt not in ("json", "csv"):
        abort(404)
    remembered = device_for(device.presented_token())
    if remembered is None:
        return redirect(url_for("visitors.me"), 303)
    now = utcnow()
    try:
        sections = sections_for(remembered.visitor, now)
    except signals.Incomplete:  # never a file that silently misses part of what is kept
        return render_template("visitors/data_unavailable.html"), 503, {"Retry-After": "60"}
    return _as_json(sections, now) if fmt == "json" else _as_csv(sections)
