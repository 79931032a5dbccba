"""The periodic report's cases and testing-rounds sections: per ward, new cases by the classification
and care place they had at the period's end, contacts under follow-up then, and the testing rounds
held with people tested and positive. Counts only: no name reaches the page."""
from datetime import date, datetime, timedelta, timezone

from portal.cases.models import CaseClassification, CaseContact, HealthCase
from portal.extensions import db
from portal.reports.case_figures import case_figures
from portal.reports.periods import period
from portal.rounds.models import ScreeningPlace, ScreeningRound

from ..html import check_page

DAY = date(2026, 11, 19)


def local(day, hour, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute,
                    tzinfo=timezone(timedelta(hours=7))).astimezone(timezone.utc)


def _case(ward, tracer, positive_on, history, name="Người Bệnh"):
    """A case with its classification history [(local datetime, risk, care)]."""
    entry = HealthCase(ref=f"r{ward.code}{positive_on:%m%d}{len(history)}{name[-2:]}", code="F0-x", full_name=name,
                       ward_code=ward.code, positive_on=positive_on, risk_level=history[-1][1],
                       care_place=history[-1][2], status="under_care", created_by_id=tracer.id)
    db.session.add(entry)
    db.session.flush()
    for at, risk, care in history:
        db.session.add(CaseClassification(case_id=entry.id, risk_level=risk, care_place=care, status="under_care",
                                          changed_by_id=tracer.id, changed_at=at))
    db.session.commit()
    return entry


def _contact(case, tracer, ward, ends_on, created, closed=None, status="quarantine"):
    db.session.add(CaseContact(ref=f"k{ends_on:%m%d}{created:%H%M}{status[:3]}", level="F1", case_id=case.id,
                               full_name="Người Tiếp Xúc", exposed_at=created, ward_code=ward.code,
                               quarantine_ends_on=ends_on, status=status, created_by_id=tracer.id,
                               created_at=created, closed_at=closed))
    db.session.commit()


def dataset(make):
    a, b = make.wards(2)
    tracer = make.user(role="tracer")
    # Ward a: two new cases in the day; one moved to hospital after the day ended (the report
    # counts it at home); one positive the day before (not new).
    first = _case(a, tracer, DAY, [(local(DAY, 9), "green", "home"),
                                   (local(DAY + timedelta(days=1), 8), "orange", "hospital")], "Lê Văn Một")
    _case(a, tracer, DAY, [(local(DAY, 23, 50), "yellow", "facility")], "Trần Thị Hai")
    _case(a, tracer, DAY - timedelta(days=1), [(local(DAY, 1), "red", "hospital")], "Phạm Văn Ba")
    _case(b, tracer, DAY, [(local(DAY, 12), "green", "home")], "Võ Thị Bốn")
    # Contacts of ward a under follow-up at the day's end: one running, one released during the day,
    # one whose quarantine ended the day before, one recorded after the day.
    _contact(first, tracer, a, DAY + timedelta(days=10), local(DAY, 10))
    _contact(first, tracer, a, DAY + timedelta(days=10), local(DAY, 10, 5), closed=local(DAY, 15), status="released")
    _contact(first, tracer, a, DAY - timedelta(days=1), local(DAY - timedelta(days=13), 10))
    _contact(first, tracer, a, DAY + timedelta(days=12), local(DAY + timedelta(days=1), 9))
    # Testing rounds of ward a: day 1 held in the day with its counts; day 3 later.
    for number, held_on, counts in ((1, DAY, [(300, 4), (120, 0)]), (3, DAY + timedelta(days=2), [(None, None)])):
        entry = ScreeningRound(ward_code=a.code, plan_start_on=DAY, day_number=number, held_on=held_on,
                               planned_by_id=tracer.id, planned_at=local(DAY - timedelta(days=1), 8))
        entry.places = [ScreeningPlace(name=f"Chợ {n}", reason="risk_category", tested=t, positive=p)
                        for n, (t, p) in enumerate(counts)]
        db.session.add(entry)
    db.session.commit()
    return a, b


def test_case_figures_use_the_classification_at_the_period_end(app, make):
    a, b = dataset(make)
    bounds = period("daily", DAY)
    figures = case_figures([a.code, b.code], bounds["first_day"], bounds["last_day"], bounds["end"])
    ward_a = figures[a.code]
    assert ward_a.new == 2 and ward_a.followed == 1
    assert ward_a.risk == {"green": 1, "yellow": 1, "orange": 0, "red": 0}
    assert ward_a.care == {"home": 1, "facility": 1, "hospital": 0}
    assert figures[b.code].new == 1 and figures[b.code].followed == 0
    weekly = period("weekly", DAY)
    assert case_figures([a.code], weekly["first_day"], weekly["last_day"], weekly["end"])[a.code].new == 3


def test_the_page_shows_both_sections_with_counts_and_no_names(client, make, login):
    a, b = dataset(make)
    login(make.user(role="province_admin"))
    client.set_cookie("lang", "en")
    html = check_page(client.get(f"/reports/periodic?date={DAY:%d/%m/%Y}"))
    cases = html.split('id="cases"')[1].split("</table>")[0]
    row_a = cases.split(f">{a.name}<")[1].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row_a.split("</td>")[:-1]] == ["2", "1", "1", "0", "0", "1", "1", "0", "1"]
    rounds = html.split('id="testing-rounds"')[1].split("</table>")[0]
    row = rounds.split(f">{a.name}<")[1].split("</tr>")[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[:-1]] == ["1", "1", "420", "4"]
    assert b.name not in rounds
    for name in ("Lê Văn Một", "Trần Thị Hai", "Võ Thị Bốn", "Người Tiếp Xúc"):
        assert name not in html


def test_the_ward_dashboard_shows_counts_and_the_suggestion_never_names(client, make, login):
    from portal.clock import local_date, utcnow
    from portal.reports.models import WardPopulation

    a, b = make.wards(2)
    tracer = make.user(role="tracer")
    today = local_date(utcnow())
    db.session.add(WardPopulation(ward_code=a.code, population=10_000, imported_at=utcnow()))
    first = _case(a, tracer, today, [(utcnow() - timedelta(hours=1), "green", "home")], "Lê Văn Một")
    _case(a, tracer, today - timedelta(days=6), [(utcnow() - timedelta(days=6), "green", "home")], "Trần Thị Hai")
    old = _case(a, tracer, today - timedelta(days=7), [(utcnow() - timedelta(days=7), "green", "home")], "Phạm Ba")
    old.status = "recovered"
    _contact(first, tracer, a, today, utcnow() - timedelta(hours=2))
    _contact(first, tracer, a, today - timedelta(days=1), utcnow() - timedelta(days=15))
    db.session.commit()
    login(make.user(role="ward_official", wards=[a]))
    client.set_cookie("lang", "en")
    html = check_page(client.get(f"/reports/wards/{a.code}/"))
    assert "Cases: 2 new in 7 days, 2 under care; 1 contacts in quarantine." in html
    assert "20 per 100,000 (2 cases in 7 days)" in html and 'zone zone-2"' in html
    for name in ("Lê Văn Một", "Trần Thị Hai", "Phạm Ba", "Người Tiếp Xúc"):
        assert name not in html
