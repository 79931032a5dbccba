"""The testing rounds' section of the periodic report (the `periodic_sections` signal): per ward,
the rounds held in the period, how many of them have every count entered, people tested and
positive. Counts only."""
from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup
from sqlalchemy import func, select

from ..extensions import db
from .models import ScreeningPlace, ScreeningRound


@dataclass
class RoundFigures:
    rounds: int = 0
    done: int = 0
    tested: int = 0
    positive: int = 0

    def add(self, other):
        self.rounds += other.rounds
        self.done += other.done
        self.tested += other.tested
        self.positive += other.positive


def round_figures(ward_codes, first_day, last_day):
    """{ward code: RoundFigures} of the rounds held from first_day to last_day (local days)."""
    figures = {}
    missing = func.count(ScreeningPlace.id).filter(ScreeningPlace.tested.is_(None))  # places without counts
    rows = db.session.execute(
        select(ScreeningRound.ward_code, ScreeningRound.id, func.count(ScreeningPlace.id), missing,
               func.coalesce(func.sum(ScreeningPlace.tested), 0), func.coalesce(func.sum(ScreeningPlace.positive), 0))
        .outerjoin(ScreeningPlace, ScreeningPlace.round_id == ScreeningRound.id)
        .where(ScreeningRound.ward_code.in_(list(ward_codes)), ScreeningRound.held_on >= first_day,
               ScreeningRound.held_on <= last_day)
        .group_by(ScreeningRound.ward_code, ScreeningRound.id))
    for ward, _round_id, places, unfilled, tested, positive in rows:
        entry = figures.setdefault(ward, RoundFigures())
        entry.rounds += 1
        entry.done += 1 if places and not unfilled else 0
        entry.tested += int(tested)
        entry.positive += int(positive)
    return figures


def periodic_section(wards, start, end, first_day, last_day):
    """The section's HTML: every ward with rounds in the period, and the total."""
    figures = round_figures([w.code for w in wards], first_day, last_day)
    rows = [(w, figures[w.code]) for w in wards if w.code in figures]
    total = RoundFigures()
    for _ward, entry in rows:
        total.add(entry)
    return Markup(render_template("rounds/_report.html", rows=rows, total=total))
