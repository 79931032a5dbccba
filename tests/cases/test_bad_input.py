"""Bad input on every form of the register: a clear 4xx answer, nothing saved, never a 500."""
from sqlalchemy import func, select

from portal.cases.models import CaseClassification, CaseContact, CaseTest, HealthCase
from portal.extensions import db

JUNK = ["", "x", "-1", "9" * 40, "2026-13-45", "<script>", "ü" * 300, "1e9"]


def _counts():
    return [db.session.scalar(select(func.count()).select_from(m))
            for m in (HealthCase, CaseClassification, CaseContact, CaseTest)]


def test_junk_never_breaks_a_page(client, scene, record_case):
    case = record_case()
    client.post(f"/cases/{case.ref}/contacts", data={"visit": [scene["visits"]["binh"].id]})
    f1 = db.session.scalar(select(CaseContact))
    before = _counts()
    for junk in JUNK:
        answers = [
            client.post(f"/cases/{case.ref}/classify", data={"risk_level": junk, "care_place": junk,
                                                              "status": junk}),
            client.get(f"/cases/{case.ref}/contacts", query_string={"date_from": junk, "date_to": junk,
                                                                    "rule": junk, "minutes": junk}),
            client.post(f"/cases/{case.ref}/contacts", data={"visit": [junk], "residence": junk}),
            client.post(f"/cases/f/{f1.ref}/tests", data={"test-tested_on": junk, "test-kind": junk,
                                                           "test-result": junk}),
            client.post(f"/cases/f/{f1.ref}/positive", data={"positive-tested_on": junk, "positive-kind": junk,
                                                              "positive-risk_level": junk,
                                                              "positive-care_place": junk}),
            client.post(f"/cases/f/{f1.ref}/residence", data={"residence-residence": junk}),
            client.post("/cases/new", data={"phone": junk, "id_number": junk, "pass_number": junk,
                                            "full_name": junk, "birth_year": junk, "ward": junk,
                                            "positive_on": junk, "risk_level": junk, "care_place": junk}),
            client.get(f"/cases/{junk or 'x'}/"),
            client.get(f"/cases/f/{junk or 'x'}/"),
        ]
        for response in answers:
            assert 400 <= response.status_code < 500, (junk, response.request.path, response.status_code)
    assert _counts() == before
