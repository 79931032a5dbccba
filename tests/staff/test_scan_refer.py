"""A scan of an active case or of a contact under quarantine is answered with one neutral "refer to
health staff" screen, at shops and at police checkpoints alike: no name, no diagnosis, no visit or
crossing, a scan-log line and an audit entry. A person inside still goes out."""
import logging
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from portal import signals
from portal.audit.models import AuditEntry
from portal.cases.models import CaseContact, HealthCase
from portal.checkin.models import Visit
from portal.checkin.services import check_in
from portal.divisions.models import Division
from portal.extensions import db
from portal.staff.models import Crossing, Scan

from ..factories import People, person, staff_at
from ..html import check_page, without_tokens
from ..passes.helpers import with_pass
from .test_crossings import checkpoint, result  # noqa: F401  (fixture)
from .test_idcard import payload

#: 23:30 on 10 December 2026 in Hồ Chí Minh City (UTC+7).
LATE_EVENING = datetime(2026, 12, 10, 16, 30, tzinfo=timezone.utc)
WORDS_THAT_TELL = ("F0", "F1", "case", "Case", "quarantine", "Quarantine", "COVID", "positive", "ca bệnh",
                   "cách ly", "dương tính")


@pytest.fixture
def clock(monkeypatch):
    now = [LATE_EVENING]
    monkeypatch.setattr("portal.staff.views.scanner.utcnow", lambda: now[0])
    return now


def _ward():
    return db.session.scalar(select(Division.code).where(Division.province_code == "79").limit(1))


def _case(visitor, tracer, status="under_care"):
    entry = HealthCase(ref=f"c{visitor.id}", code="F0-1", full_name=visitor.full_name, visitor_id=visitor.id,
                       ward_code=_ward(), positive_on=date(2026, 12, 8), risk_level="green", care_place="home",
                       status=status, created_by_id=tracer.id)
    db.session.add(entry)
    db.session.commit()
    return entry


def _contact(visitor, tracer, ends_on, status="quarantine"):
    source = person(name="Người Nguồn")
    case = _case(source, tracer)
    entry = CaseContact(ref=f"k{visitor.id}", level="F1", case_id=case.id, full_name=visitor.full_name,
                        visitor_id=visitor.id, exposed_at=LATE_EVENING - timedelta(days=3), ward_code=_ward(),
                        quarantine_ends_on=ends_on, status=status, created_by_id=tracer.id)
    db.session.add(entry)
    db.session.commit()
    return entry


@pytest.fixture
def shop(client, make, login, clock):
    venue = make.venue(name="Siêu thị Phú Cường")
    login(staff_at(make, venue))
    client.set_cookie("lang", "en")
    return venue


def _scan(client, venue, value, lane=None):
    url = f"/staff/{venue.short_code}/scan" + (f"?lane={lane.id}" if lane is not None else "")
    return check_page(client.post(url, data={"token": value}))


def _count(model, **where):
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def _referred(html, name):
    classes, text = result(html)
    assert "scan-bad" in classes and "REFER TO HEALTH STAFF" in text and "contact the health staff" in text
    assert name not in html
    for word in WORDS_THAT_TELL:
        assert word not in text, word
    return True


def test_an_active_case_is_referred_with_no_name_no_visit_and_an_audit_entry(client, make, shop):
    visitor = person(name="Phạm Thị Hồng")
    _case(visitor, make.user(role="tracer"))
    html = _scan(client, shop, with_pass(visitor))
    assert _referred(html, "Phạm Thị Hồng")
    assert _count(Visit, visitor_id=visitor.id) == 0
    assert _count(Scan, outcome="refer") == 1
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "scan_refer")).one()
    assert shop.short_code in entry.query and entry.row_count == 1
    # Scanned again within seconds: the same screen, never "already in" with the name.
    assert _referred(_scan(client, shop, with_pass(visitor)), "Phạm Thị Hồng")


def test_the_screen_is_the_same_for_a_case_and_a_contact(client, make, shop):
    tracer = make.user(role="tracer")
    case_person, contact_person = person(name="Phạm Thị Hồng"), person(name="Đỗ Văn Lâm")
    _case(case_person, tracer)
    _contact(contact_person, tracer, ends_on=date(2026, 12, 12))
    first = result(_scan(client, shop, with_pass(case_person)))
    second = result(_scan(client, shop, with_pass(contact_person)))
    assert first == second


def test_quarantine_holds_to_its_last_local_day_and_ends_at_midnight(client, make, shop, clock):
    tracer = make.user(role="tracer")
    visitor = person(name="Đỗ Văn Lâm")
    _contact(visitor, tracer, ends_on=date(2026, 12, 10))  # 23:30 local on its last day
    assert _referred(_scan(client, shop, with_pass(visitor)), "Đỗ Văn Lâm")
    clock[0] = LATE_EVENING + timedelta(minutes=31)  # 00:01 on 11 December, local
    classes, text = result(_scan(client, shop, with_pass(visitor)))
    assert "scan-in" in classes and "Đỗ Văn Lâm" in text
    assert _count(Visit, visitor_id=visitor.id) == 1


def test_released_contacts_and_recovered_cases_go_in(client, make, shop):
    tracer = make.user(role="tracer")
    released, recovered = person(name="Đỗ Văn Lâm"), person(name="Phạm Thị Hồng")
    _contact(released, tracer, ends_on=date(2026, 12, 20), status="released")
    _case(recovered, tracer, status="recovered")
    for visitor in (released, recovered):
        classes, _text = result(_scan(client, shop, with_pass(visitor)))
        assert "scan-in" in classes
    assert _count(Scan, outcome="refer") == 0


def test_a_person_inside_still_goes_out(client, make, shop, clock):
    visitor = person(name="Phạm Thị Hồng")
    check_in(visitor, shop, LATE_EVENING - timedelta(minutes=30), method="self")
    db.session.commit()
    _case(visitor, make.user(role="tracer"))
    classes, _text = result(_scan(client, shop, with_pass(visitor)))
    assert "scan-out" in classes
    assert db.session.scalar(select(Visit.checked_out_at).where(Visit.visitor_id == visitor.id)) is not None


def test_an_id_card_scan_is_referred_too(client, make, shop):
    visitor = People().person(name="Trần Thị Cước", id_number="079185001234", birth_year=1985)
    _case(visitor, make.user(role="tracer"))
    assert _referred(_scan(client, shop, payload()), "Trần Thị Cước")
    assert _count(Visit) == 0


def test_checkpoints_refer_in_both_directions_and_record_no_crossing(client, make, login, clock, checkpoint):  # noqa: F811
    login(staff_at(make, checkpoint, role="checkpoint"))
    client.set_cookie("lang", "en")
    visitor = person(name="Đỗ Văn Lâm")
    _contact(visitor, make.user(role="tracer"), ends_on=date(2026, 12, 14))
    token = with_pass(visitor)
    assert _referred(_scan(client, checkpoint, token, checkpoint.lanes["in"]), "Đỗ Văn Lâm")
    clock[0] += timedelta(minutes=5)
    assert _referred(_scan(client, checkpoint, token, checkpoint.lanes["out"]), "Đỗ Văn Lâm")
    assert _count(Crossing) == 0 and _count(Scan, outcome="refer") == 2


def test_a_failing_receiver_is_logged_and_the_scan_goes_on(app, client, make, shop, caplog, monkeypatch):
    monkeypatch.setattr(signals.log, "disabled", False)  # the migrations' fileConfig disabled it
    caplog.set_level(logging.ERROR, logger="portal.signals")
    def broken(**_kwargs):
        raise RuntimeError("database of cases is down")

    signals.admission_holds.connect(broken, sender=app, weak=False)
    try:
        visitor = person(name="Phạm Thị Hồng")
        classes, _text = result(_scan(client, shop, with_pass(visitor)))
    finally:
        signals.admission_holds.disconnect(broken, sender=app)
    assert "scan-in" in classes
    assert "admission_holds" in caplog.text and "database of cases is down" not in caplog.text


def test_the_staff_page_source_holds_no_diagnosis(client, make, shop):
    visitor = person(name="Phạm Thị Hồng")
    _case(visitor, make.user(role="tracer"))
    html = without_tokens(_scan(client, shop, with_pass(visitor)))
    for word in ("F0", "F1", "quarantine", "COVID", "positive", "cách ly", "dương tính", "ca bệnh"):
        assert word not in html, word


def test_a_case_recorded_by_phone_alone_is_found_by_the_profiles_phone(client, make, shop):
    visitor = person(name="Phạm Thị Hồng")
    entry = _case(visitor, make.user(role="tracer"))
    entry.visitor_id, entry.phone_hash = None, visitor.phone_hash
    db.session.commit()
    assert visitor.phone_hash
    assert _referred(_scan(client, shop, with_pass(visitor)), "Phạm Thị Hồng")
    stranger = person(name="Người Lạ")  # no phone hash in common
    classes, _text = result(_scan(client, shop, with_pass(stranger)))
    assert "scan-in" in classes
