"""Item 3 (first part): a person's own /me page shows their status and what to do, to them only."""
from datetime import timedelta

from sqlalchemy import select

from portal.cases.models import CaseContact
from portal.clock import local_date, utcnow
from portal.extensions import db
from portal.visitors.services import remember_device

from ..html import without_tokens

BINH_DEVICE = "b" * 43
CASE_DEVICE = "c" * 43


def test_me_shows_own_status(client, scene, record_case, app):
    case = record_case()
    client.post(f"/cases/{case.ref}/contacts", data={"visit": [scene["visits"]["binh"].id]})
    f1 = db.session.scalar(select(CaseContact))
    remember_device(scene["binh"], BINH_DEVICE, utcnow())
    remember_device(scene["case"], CASE_DEVICE, utcnow())
    remember_device(scene["dung"], "d" * 43, utcnow())
    db.session.commit()
    client.post("/auth/logout")
    client.set_cookie("lang", "en")

    client.set_cookie("vr_device", BINH_DEVICE)
    html = client.get("/me").get_data(as_text=True)
    assert "your quarantine lasts until " + f1.quarantine_ends_on.strftime("%d/%m/%Y") in html
    assert "confirmed COVID-19 case" not in html

    client.set_cookie("vr_device", CASE_DEVICE)
    html = client.get("/me").get_data(as_text=True)
    assert "confirmed COVID-19 case (F0)" in html and "quarantine lasts" not in html

    client.set_cookie("vr_device", "d" * 43)  # not followed up: nothing at all
    html = client.get("/me").get_data(as_text=True)
    assert "Your health status" not in html

    # Once the quarantine has run out, it is no longer shown.
    f1 = db.session.get(CaseContact, f1.id)
    f1.quarantine_ends_on = local_date(utcnow()) - timedelta(days=1)
    db.session.commit()
    client.set_cookie("vr_device", BINH_DEVICE)
    assert "Your health status" not in client.get("/me").get_data(as_text=True)


def test_check_in_pages_never_show_it(client, scene, record_case, make):
    """The check-in confirmation is shown at the door: the status stays on /me only."""
    case = record_case()
    client.post(f"/cases/{case.ref}/contacts", data={"visit": [scene["visits"]["binh"].id]})
    remember_device(scene["binh"], BINH_DEVICE, utcnow())
    db.session.commit()
    client.post("/auth/logout")
    client.set_cookie("lang", "en")
    client.set_cookie("vr_device", BINH_DEVICE)
    html = without_tokens(client.get(f"/c/{scene['venue'].short_code.lower()}").get_data(as_text=True))
    assert "quarantine" not in html.lower() and "F0" not in html


def test_deleting_ones_data_keeps_the_register(client, scene, record_case, app):
    """A person in quarantine is held; once not held, their profile goes and the register's records
    stay (the health service's), no longer linked to it."""
    from portal.cases.models import HealthCase
    from portal.tracing.models import Case
    from portal.visitors import erasure
    from portal.visitors.models import Visitor

    case = record_case()
    client.post(f"/cases/{case.ref}/contacts", data={"visit": [scene["visits"]["binh"].id]})
    binh = db.session.get(Visitor, scene["binh"].id)
    now = utcnow()
    assert erasure.holds_for([binh.id], now)[binh.id].reason == "quarantine"
    kept = erasure.preview(binh, now).kept
    assert any(k.category == "case_register" and k.count == 1 for k in kept)

    f1 = db.session.scalar(select(CaseContact))
    f1.quarantine_ends_on = local_date(now) - timedelta(days=2)
    # The trace of the case is about the case's person, not Bình: nothing else holds her.
    db.session.commit()
    assert binh.id not in erasure.holds_for([binh.id], now)
    binh_id, case_person_id = binh.id, scene["case"].id
    erasure.erase(binh, now)
    db.session.commit()
    assert db.session.get(Visitor, binh_id) is None
    f1 = db.session.scalar(select(CaseContact))
    assert f1.visitor_id is None and f1.full_name == "Nguyễn Thị Bình"
    # The open case's person is held.
    assert erasure.holds_for([case_person_id], now)[case_person_id].reason in ("health_case", "case")
    assert db.session.scalar(select(HealthCase.visitor_id)) == case_person_id
    assert db.session.scalar(select(Case.id).where(Case.visitor_id == case_person_id)) is not None
