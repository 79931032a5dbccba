"""`flask reports daily|weekly --date YYYY-MM-DD`: the periodic report as XLSX under instance/reports/."""
import os
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from ..exports import to_xlsx
from .periodic import periodic_report, report_header, report_rows, report_wards

reports_cli = AppGroup("reports", help="Periodic reports for the steering committee.")


def _write(kind, day_text):
    try:
        day = date.fromisoformat(day_text)
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD, for example 2026-11-25", param_hint="--date") from exc
    wards = report_wards(None, current_app.config["PORTAL_PROVINCE"])
    report = periodic_report(wards, kind, day)
    folder = os.path.join(current_app.instance_path, "reports")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"{kind}-{day.isoformat()}.xlsx")
    with open(path, "wb") as out:
        out.write(to_xlsx(report_header(), report_rows(report), title=f"{kind} {day.isoformat()}"))
    click.echo(path)


@reports_cli.command("daily")
@click.option("--date", "day_text", required=True, help="The day reported, YYYY-MM-DD (local time).")
def daily_command(day_text):
    """Write the daily report for every ward to instance/reports/daily-DATE.xlsx."""
    _write("daily", day_text)


@reports_cli.command("weekly")
@click.option("--date", "day_text", required=True, help="The last day of the week reported, YYYY-MM-DD.")
def weekly_command(day_text):
    """Write the report for the seven days ending on DATE to instance/reports/weekly-DATE.xlsx."""
    _write("weekly", day_text)
