"""Every view of a person's health data is audited; item 8: expiry by `flask data purge`."""
from datetime import timedelta

from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.cases.models import CaseClassification, CaseContact, CaseTest, HealthCase
from portal.clock import local_date, utcnow
from portal.extensions import db


def _entries(actor, action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == actor.id,
                                                       AuditEntry.action == action)).all()


def test_every_view_is_audited(client, scene, record_case, make, login, wards):
    case = record_case()
    client.post(f"/cases/{case.ref}/contacts", data={"visit": [scene["visits"]["binh"].id]})
    f1 = db.session.scalar(select(CaseContact))
    official = make.user(role="ward_health", wards=[wards[0]])
    login(official)
    client.get("/cases/")
    client.get("/cases/f/")
    client.get(f"/cases/{case.ref}/")
    client.get(f"/cases/f/{f1.ref}/")
    lists = _entries(official, "health_list")
    assert sorted(e.query for e in lists) == ["what=cases", "what=contacts"]
    assert all(e.row_count == 1 for e in lists)
    views = _entries(official, "health_view")
    assert sorted(e.query for e in views) == ["what=F1", "what=case"]
    assert {e.case_id for e in views} == {case.trace_case_id} and views[0].actor_role == "ward_health"
    # No personal data in what the audit keeps.
    text = " ".join(e.query for e in db.session.scalars(select(AuditEntry)))
    assert "0912" not in text and "Bình" not in text and "Trần" not in text
    # A 404 (another ward's case) shows nothing and audits nothing.
    other = make.user(role="ward_health", wards=[wards[1]])
    login(other)
    assert client.get(f"/cases/{case.ref}/").status_code == 404
    assert _entries(other, "health_view") == []


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_purge_after_retention(client, scene, record_case, runner, app):
    """A kept chain: case A → F1 Bình → case B. Cường's quarantine ran out 29 days ago and goes; Bình
    stays as long as case B does; case A as long as Bình."""
    case_a = record_case()
    visits = scene["visits"]
    client.post(f"/cases/{case_a.ref}/contacts", data={"visit": [visits["binh"].id, visits["cuong"].id]})
    f1s = {c.full_name: c for c in db.session.scalars(select(CaseContact))}
    binh, cuong = f1s["Nguyễn Thị Bình"], f1s["Lê Văn Cường"]
    today = local_date(utcnow())
    client.post(f"/cases/f/{cuong.ref}/tests", data={"test-tested_on": today.isoformat(), "test-kind": "pcr",
                                                      "test-result": "negative"})
    client.post(f"/cases/f/{binh.ref}/positive", data={
        "positive-tested_on": today.isoformat(), "positive-kind": "pcr", "positive-risk_level": "green",
        "positive-care_place": "home"})
    days = app.config["PORTAL_CASE_RETENTION_DAYS"]
    long_ago = utcnow() - timedelta(days=days + 1)
    db.session.refresh(binh)
    case_b_id = binh.became_case_id
    case_a.status, case_a.closed_at = "recovered", long_ago
    binh.closed_at = long_ago
    cuong.quarantine_ends_on = today - timedelta(days=days + 1)
    db.session.commit()

    result = runner.invoke(args=["data", "purge"])
    assert result.exit_code == 0, result.output
    assert "Case register" in result.output and "1 people followed up" in result.output
    assert {c.full_name for c in db.session.scalars(select(CaseContact))} == {"Nguyễn Thị Bình"}
    assert _count(CaseTest) == 1  # Bình's positive test; Cường's went with him
    assert _count(HealthCase) == 2

    # Once case B closed long enough ago, the whole chain goes, history and tests with it.
    case_b = db.session.get(HealthCase, case_b_id)
    case_b.status, case_b.closed_at = "recovered", long_ago
    db.session.commit()
    result = runner.invoke(args=["data", "purge"])
    assert result.exit_code == 0, result.output
    assert _count(HealthCase) == 0 and _count(CaseContact) == 0
    assert _count(CaseTest) == 0 and _count(CaseClassification) == 0


def test_open_records_are_kept(client, scene, record_case, runner, app):
    case = record_case()
    client.post(f"/cases/{case.ref}/contacts", data={"visit": [scene["visits"]["binh"].id]})
    f1 = db.session.scalar(select(CaseContact))
    days = app.config["PORTAL_CASE_RETENTION_DAYS"]
    # The quarantine ended less than the retention period ago; the case was opened long ago but is open.
    f1.quarantine_ends_on = local_date(utcnow()) - timedelta(days=days - 1)
    case.created_at = utcnow() - timedelta(days=90)
    db.session.commit()
    result = runner.invoke(args=["data", "purge"])
    assert result.exit_code == 0, result.output
    assert _count(HealthCase) == 1 and _count(CaseContact) == 1
