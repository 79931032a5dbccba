"""A case's checkpoint crossings are events on its visits page (audited with the visits), never contacts."""
from datetime import timedelta

from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.staff.crossings import record_crossing
from portal.staff.models import Lane

from ..html import check_page


def test_a_tracer_sees_the_case_cross_a_checkpoint_as_an_event_and_not_as_a_contact(client, open_case, people, make):
    checkpoint = make.venue(name="Chốt Quốc Lộ 13", category="checkpoint", default_stay_minutes=5)
    lane = Lane(venue_id=checkpoint.id, name="Làn 1 - vào", direction="in", active=True, created_at=people.now)
    db.session.add(lane)
    db.session.commit()
    case_person = people.person("Ca Qua Chốt", phone="0912 000 711")
    other = people.person("Người Cùng Chốt", phone="0912 000 712")
    # 07:12 in Hồ Chí Minh City, yesterday: 00:12 UTC
    crossed = (people.now - timedelta(days=1)).replace(hour=0, minute=12)
    record_crossing(case_person, checkpoint, "in", actor=None, now=crossed, method="pass", lane=lane)
    record_crossing(case_person, checkpoint, "out", actor=None, now=crossed + timedelta(hours=2), method="idcard")
    # someone else crossed the same checkpoint in the same minute: that is no contact
    record_crossing(other, checkpoint, "in", actor=None, now=crossed, method="pass", lane=lane)
    db.session.commit()
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": "0912000711"})
    client.set_cookie("lang", "en")
    html = check_page(client.get(case_url + "visits"))
    assert "Checkpoint crossings" in html and "Chốt Quốc Lộ 13" in html
    assert "07:12" in html and "Crossed into the area" in html and "Lane: Làn 1 - vào" in html
    assert "09:12" in html and "Crossed out of the area" in html
    assert "Người Cùng Chốt" not in html
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "visits"))
    assert entry.row_count == 2 and "events=2" in entry.query
    html = check_page(client.get(case_url + "contacts"))
    assert "Người Cùng Chốt" not in html and "Chốt Quốc Lộ 13" not in html


def test_crossings_outside_the_window_are_left_out(client, open_case, people, make):
    checkpoint = make.venue(name="Chốt Xa Xưa", category="checkpoint", default_stay_minutes=5)
    case_person = people.person("Ca Cũ", phone="0912 000 721")
    record_crossing(case_person, checkpoint, "in", actor=None, now=people.now - timedelta(days=20), method="pass")
    db.session.commit()
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": "0912000721"})
    html = check_page(client.get(case_url + "visits"))
    assert "Chốt Xa Xưa" not in html


def test_a_person_known_only_from_recent_crossings_is_found(client, open_case, people, make):
    checkpoint = make.venue(name="Chốt Chỉ Qua", category="checkpoint", default_stay_minutes=5)
    long_ago = people.now - timedelta(days=60)
    case_person = people.person("Chỉ Qua Chốt", phone="0912 000 731", created=long_ago)  # no visit in retention
    record_crossing(case_person, checkpoint, "out", actor=None, now=people.now - timedelta(hours=3), method="idcard")
    db.session.commit()
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": "0912000731"})
    assert "Chốt Chỉ Qua" in check_page(client.get(case_url + "visits"))


def test_when_the_crossings_cannot_be_read_the_visits_page_is_a_503_and_nothing_is_audited(
        client, app, open_case, people):
    from portal import signals

    case_person = people.person("Ca Không Đọc Được", phone="0912 000 731")
    db.session.commit()
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": "0912000731"})
    audited = db.session.scalar(select(func.count(AuditEntry.id)))

    def broken(**_kwargs):
        raise RuntimeError("staff is down")

    client.set_cookie("lang", "en")
    with signals.person_events.connected_to(broken, sender=app):
        response = client.get(case_url + "visits")
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "none of it is shown" in response.get_data(as_text=True)
    assert case_person.full_name not in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audited
