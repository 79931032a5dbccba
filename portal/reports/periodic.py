"""The periodic report for the steering committee: per ward, each figure with its change."""
from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select

from ..checkin.models import Visit
from ..clock import local_date
from ..divisions.models import Division
from ..extensions import db
from ..inspection.figures import InspectionFigures, inspection_figures
from ..registry.models import Establishment, FollowUp
from ..staff.checkpoint_figures import Window, checkpoints_figures
from ..venues.models import Venue
from ..checkin.figures import counted, percent
from .figures import visits_at_venues_of, visits_by_venue
from .case_figures import CaseFigures, case_figures
from .periods import period
from .zones import levels_on

#: (key, is a percentage) in report order.
FIGURES = (
    ("establishments", False), ("venues", False), ("coverage", True), ("new_venues", False),
    ("checkins", False), ("active", False), ("completeness", True), ("follow_ups", False),
)

FIGURE_TITLES = {
    "establishments": lambda: _("Known establishments"),
    "venues": lambda: _("Registered venues"),
    "coverage": lambda: _("Coverage (%)"),
    "new_venues": lambda: _("New venues"),
    "checkins": lambda: _("Check-ins"),
    "active": lambda: _("Venues with check-ins"),
    "completeness": lambda: _("Check-out completeness (%)"),
    "follow_ups": lambda: _("Follow-ups"),
}


def _known(end):
    """Per ward: establishments in the registry at `end`, and how many had a venue by then."""
    known = and_(Establishment.imported_at < end,
                 or_(Establishment.departed_at.is_(None), Establishment.departed_at >= end))
    matched = case((and_(Establishment.matched_at.is_not(None), Establishment.matched_at < end), 1), else_=0)
    return {code: (total, int(matched or 0)) for code, total, matched in db.session.execute(
        select(Establishment.ward_code, func.count(), func.sum(matched)).where(known)
        .group_by(Establishment.ward_code))}


def _venues(start, end):
    """Per ward: venues registered by `end` (not closed) and registered within [start, end)."""
    new = case((Venue.created_at >= start, 1), else_=0)
    return {code: (total, int(new_count or 0)) for code, total, new_count in db.session.execute(
        select(Venue.ward_code, func.count(), func.sum(new))
        .where(Venue.created_at < end, Venue.status != "closed").group_by(Venue.ward_code))}


def _visits(start, end):
    """Per ward: check-ins, active venues, closed visits and proper exits within [start, end)."""
    per_venue = visits_by_venue(start, end).where(Visit.checked_in_at < end).subquery()
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in db.session.execute(
        select(Venue.ward_code, func.sum(per_venue.c.checkins), func.count(),
               func.sum(per_venue.c.closed), func.sum(per_venue.c.proper))
        .join(per_venue, per_venue.c.venue_id == Venue.id).group_by(Venue.ward_code))}


def _follow_ups(first_day, last_day):
    return dict(db.session.execute(
        select(FollowUp.ward_code, func.count())
        .where(FollowUp.action_on >= first_day, FollowUp.action_on <= last_day)
        .group_by(FollowUp.ward_code)).all())


def _figures(start, end, first_day, last_day):
    known, venues, visits = _known(end), _venues(start, end), _visits(start, end)
    follow_ups = _follow_ups(first_day, last_day)

    def for_ward(code):
        total, matched = known.get(code, (0, 0))
        registered, new = venues.get(code, (0, 0))
        checkins, active, closed, proper = visits.get(code, (0, 0, 0, 0))
        return dict(establishments=total, matched=matched, venues=registered, new_venues=new,
                    checkins=checkins, active=active, closed=closed or 0, proper=proper or 0,
                    follow_ups=follow_ups.get(code, 0))
    return for_ward


def _finish(values):
    values["coverage"] = percent(values["matched"], values["establishments"])
    values["completeness"] = percent(values["proper"], values["closed"])
    return values


def _change(now_value, before):
    if now_value is None or before is None:
        return None
    return now_value - before


def periodic_report(wards, kind, day):
    """{'period', 'rows', 'total'}: a row per ward with current, previous and change for each figure."""
    bounds = period(kind, day)
    current = _figures(bounds["start"], bounds["end"], bounds["first_day"], bounds["last_day"])
    previous = _figures(bounds["prev_start"], bounds["start"], bounds["prev_first_day"], bounds["prev_last_day"])
    levels = levels_on([w.code for w in wards], day)
    rows = []
    sums = {"now": {}, "before": {}}
    for ward in wards:
        now_values, before = _finish(current(ward.code)), _finish(previous(ward.code))
        for key, value in now_values.items():
            if key not in ("coverage", "completeness"):
                sums["now"][key] = sums["now"].get(key, 0) + value
                sums["before"][key] = sums["before"].get(key, 0) + before[key]
        level = levels.get(ward.code)
        rows.append(_row(ward, level.level if level else None, now_values, before))
    total = _row(None, None, _finish(sums["now"]) if sums["now"] else _finish(_empty()),
                 _finish(sums["before"]) if sums["before"] else _finish(_empty()))
    return {"period": bounds, "rows": rows, "total": total, "checkpoints": checkpoint_section(wards, bounds),
            "inspections": inspection_section(wards, bounds), "cases": case_section(wards, bounds)}


#: Column titles of the inspections section, in InspectionFigures order.
INSPECTION_TITLES = (
    lambda: _("Inspections done"), lambda: _("Posters found fake"), lambda: _("Posters found retired"),
    lambda: _("Violations"), lambda: _("Suspensions"),
)


def inspection_section(wards, bounds):
    """{'rows': [(ward, InspectionFigures)], 'total': InspectionFigures, 'by_ward': {code: figures}}: per
    ward of the report, the inspections done in the period, posters found fake or retired, violations
    and suspensions; the rows list only wards with any of them. Counts only."""
    by_ward = inspection_figures([w.code for w in wards], bounds["start"], bounds["end"], bounds["first_day"],
                                 bounds["last_day"])
    total = InspectionFigures()
    for figures in by_ward.values():
        total.add(figures)
    return {"rows": [(w, by_ward[w.code]) for w in wards if by_ward[w.code]], "total": total, "by_ward": by_ward}


def case_section(wards, bounds):
    """{'rows': [(ward, CaseFigures)], 'total': CaseFigures}: per ward of residence, new cases of the
    period by the classification they had at its end, and contacts under follow-up then; the rows
    list only wards with any. Counts only."""
    by_ward = case_figures([w.code for w in wards], bounds["first_day"], bounds["last_day"], bounds["end"])
    total = CaseFigures()
    for figures in by_ward.values():
        total.add(figures)
    return {"rows": [(w, by_ward[w.code]) for w in wards if by_ward[w.code]], "total": total}


def checkpoint_section(wards, bounds):
    """{'rows': [(venue, Window)], 'total': Window}: each traffic checkpoint of the wards over the
    period (crossings in and out, rejected scans, gaps between scans), in Vietnamese order: those open
    by the period's end, and any other that scanned in it. Counts and times only."""
    codes = [w.code for w in wards]
    if not codes:
        return {"rows": [], "total": Window()}
    venues = db.session.scalars(select(Venue).where(
        Venue.category == "checkpoint", Venue.ward_code.in_(codes))).all()
    figures = checkpoints_figures([v.id for v in venues], bounds["start"], bounds["end"])
    rows = [(v, figures[v.id].total) for v in sorted(venues, key=lambda v: (v.name_sort, v.id))
            if figures[v.id].total.scans or (v.status != "closed" and v.created_at < bounds["end"])]
    total = Window()
    for _venue, window in rows:
        total.add(window)
    return {"rows": rows, "total": total}


def _empty():
    return dict(establishments=0, matched=0, venues=0, new_venues=0, checkins=0, active=0, closed=0,
                proper=0, follow_ups=0)


def _row(ward, level, now_values, before):
    return {"ward": ward, "level": level,
            "figures": [(key, pct, now_values[key], _change(now_values[key], before[key]))
                        for key, pct in FIGURES]}


def last_day_with_visits(ward_codes, now):
    """The latest local day, up to today, with a check-in at a venue of these wards (None means
    every ward), or None when there is none: the report opens there, not on an empty yesterday."""
    query = select(func.max(Visit.checked_in_at)).where(Visit.checked_in_at <= now, counted())
    if ward_codes is not None:
        query = query.where(visits_at_venues_of(ward_codes))
    last = db.session.scalar(query)
    return local_date(last) if last is not None else None


def report_wards(ward_codes, province_code):
    """The wards a report covers, by name."""
    query = select(Division).where(Division.province_code == str(province_code)).order_by(Division.name_sort, Division.code)
    if ward_codes is not None:
        query = query.where(Division.code.in_(list(ward_codes)))
    return db.session.scalars(query).all()


def report_header():
    """Column titles of the periodic report export: each figure, then its change."""
    header = [_("Ward code"), _("Ward"), _("Level")]
    for key, _pct in FIGURES:
        header += [FIGURE_TITLES[key](), _("Change: %(figure)s", figure=FIGURE_TITLES[key]())]
    header += [title() for title in INSPECTION_TITLES]
    return header


def report_rows(report):
    """Rows of the periodic report export, the province total last."""
    for row in report["rows"] + [report["total"]]:
        ward = row["ward"]
        cells = [ward.code if ward else "", ward.name if ward else _("Total"), row["level"] or ""]
        for _key, _pct, value, change in row["figures"]:
            cells += ["" if value is None else value, "" if change is None else change]
        section = report.get("inspections")
        if section is not None:
            cells += (section["by_ward"].get(ward.code, InspectionFigures()) if ward else section["total"]).values()
        yield cells
