"""The tracer's pages: open a case, find the person, list visits and contacts; bad input."""
from datetime import timedelta

from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.tracing.models import Case

from ..html import check_page


def _case():
    return db.session.scalar(select(Case))


def test_a_tracer_lands_on_tracing_and_opens_a_case(client, login, tracer):
    response = login(tracer)
    assert response.headers["Location"].endswith("/tracing/")
    html = check_page(client.get("/tracing/"))
    assert "Bắt đầu truy vết" in html or "Start a trace" in html
    response = client.post("/tracing/cases/new", data={"reference": "F0-2021-0917-003", "purpose": "Tìm F1"})
    assert response.status_code == 302
    case = _case()
    assert response.headers["Location"].endswith(f"/tracing/cases/{case.ref}/")
    html = check_page(client.get(response.headers["Location"]))
    assert "F0-2021-0917-003" in html and len(case.ref) >= 22  # a random reference, not the id


def test_a_trace_needs_a_reference_and_a_purpose(client, login, tracer):
    login(tracer)
    html = check_page(client.post("/tracing/cases/new", data={"reference": "", "purpose": "  "}), 422)
    assert "error-summary" in html and "Nhập mã ca bệnh" in html and "Nhập mục đích" in html
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 0


def test_a_phone_number_in_the_reference_is_refused(client, login, tracer):
    login(tracer)
    html = check_page(client.post("/tracing/cases/new", data={"reference": "F0 0912 345 678", "purpose": "Tìm F1"}), 422)
    assert "nhật ký" in html  # "…is kept in the audit log"
    assert db.session.scalar(select(func.count()).select_from(Case)) == 0


def test_look_up_by_phone_in_any_format_then_visits(client, open_case, people, make):
    venue = make.venue(name="Chợ Thủ Dầu Một")
    f0 = people.person("Nguyễn Văn Ca", phone="0912 000 777")
    start = people.now - timedelta(days=3)
    people.visit(f0, venue, start, start + timedelta(minutes=45))
    case_url = open_case()
    response = client.post(case_url + "lookup", data={"phone": "+84 912-000-777"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/visits")
    html = check_page(client.get(response.headers["Location"]))
    assert "Nguyễn Văn Ca" in html and "0912 000 777" in html and "Chợ Thủ Dầu Một" in html


def test_look_up_by_id_number(client, open_case, people):
    people.person("Trần Thị Cước", id_number="079 185 001 234", created=people.now - timedelta(days=1))
    case_url = open_case()
    response = client.post(case_url + "lookup", data={"id_number": "079185001234"})
    assert response.status_code == 302
    assert "Trần Thị Cước" in check_page(client.get(response.headers["Location"]))


def test_a_profile_older_than_retention_without_recent_visits_counts_as_unknown(client, open_case, people, make):
    person = people.person("Người Cũ", phone="0912 000 555", created=people.now - timedelta(days=60))
    people.visit(person, make.venue(), people.now - timedelta(days=29))
    html = check_page(client.post(open_case() + "lookup", data={"phone": "0912000555"}))
    assert "Không có ai" in html and _case().visitor_id is None


def test_malformed_and_unknown_phones_say_so_and_the_unknown_one_is_audited(client, open_case):
    case_url = open_case()
    html = check_page(client.post(case_url + "lookup", data={"phone": "12ab"}), 422)
    assert "0912 345 678" in html and _case().visitor_id is None
    html = check_page(client.post(case_url + "lookup", data={"phone": "0912 999 888"}))
    assert "Không có ai" in html
    html = check_page(client.post(case_url + "lookup", data={"phone": " ", "id_number": ""}), 422)
    assert "error-summary" in html and "Nhập số điện thoại hoặc số CMND/CCCD" in html
    html = check_page(client.post(case_url + "lookup", data={"id_number": "12 34"}), 422)
    assert "9 hoặc 12 chữ số" in html
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "lookup")).all()
    assert [(e.query, e.row_count) for e in entries] == [("by=phone", 0)]


def test_visits_and_contacts_need_a_person_first(client, open_case):
    case_url = open_case()
    for page in ("visits", "contacts", "contacts.csv"):
        response = client.get(case_url + page)
        assert response.status_code == 302 and response.headers["Location"].endswith(case_url[-40:])


def _traced(client, open_case, people, make):
    venue = make.venue(name="Siêu thị Sóng Thần")
    f0 = people.person("Ca Bệnh", phone="0912 000 001")
    start = people.now - timedelta(days=2)
    people.visit(f0, venue, start, start + timedelta(minutes=60))
    contact = people.person("Phạm Tiếp Xúc", phone="0912 000 002")
    child = people.dependent(contact, "Phạm Bé")
    people.visit(contact, venue, start + timedelta(minutes=10), start + timedelta(minutes=40), dependents=[child])
    stranger = people.person("Người Lạ", phone="0912 000 003")
    people.visit(stranger, venue, start + timedelta(minutes=55), start + timedelta(minutes=90))
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": "0912000001"})
    return case_url


def test_contacts_page_groups_by_venue_with_overlap_and_dependents(client, open_case, people, make):
    case_url = _traced(client, open_case, people, make)
    html = check_page(client.get(case_url + "contacts"))
    assert "Siêu thị Sóng Thần" in html
    assert "Phạm Tiếp Xúc" in html and "Phạm Bé" in html and "0912 000 002" in html
    assert "Người Lạ" not in html  # 5 minutes overlap
    assert "<td>30</td>" in html
    html = check_page(client.get(case_url + "contacts?rule=hour"))
    assert "Người Lạ" in html


def test_contacts_bad_windows_get_clear_messages_and_no_audit(client, open_case, people, make):
    case_url = _traced(client, open_case, people, make)
    before = db.session.scalar(select(func.count()).select_from(AuditEntry))
    today = people.now.date()
    cases = {
        f"date_from={today}&date_to={today - timedelta(days=3)}": "Ngày đầu phải",
        f"date_from={today}&date_to={today + timedelta(days=2)}": "tương lai",
        f"date_from={today - timedelta(days=40)}&date_to={today}": "28",
        "date_from=31/02/2021&date_to=x": "14/09/2021",
        "minutes=0": "1 đến 720",
        "minutes=abc": "1 đến 720",
        "rule=anything": "quy tắc",
    }
    for query, message in cases.items():
        html = check_page(client.get(case_url + "contacts?" + query), 422)
        assert "error-summary" in html and message in html, query
        assert "Phạm Tiếp Xúc" not in html
        response = client.get(case_url + "contacts.csv?" + query)
        assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_dates_typed_the_vietnamese_way_work(client, open_case, people, make):
    case_url = _traced(client, open_case, people, make)
    today = people.now.date()
    html = check_page(client.get(case_url + f"visits?date_from={(today - timedelta(days=5)):%d/%m/%Y}"
                                 f"&date_to={today:%d/%m/%Y}"))
    assert "Siêu thị Sóng Thần" in html


def test_unknown_case_reference_is_404(client, login, tracer):
    login(tracer)
    check_page(client.get("/tracing/cases/nope/"), 404)
    check_page(client.get("/tracing/cases/" + "x" * 300 + "/contacts"), 404)


def test_one_person_on_two_phones_is_traced_as_one(client, open_case, people, make):
    market, shop = make.venue(name="Chợ Hai Máy"), make.venue(name="Tiệm Hai Máy")
    start = people.now - timedelta(days=2)
    first = people.person("Lý Hai Máy", phone="0912 000 222", created=start)
    second = people.person("Lý Hai Máy", phone="0912 000 222", created=start)  # a new phone, a new profile
    people.visit(first, market, start, start + timedelta(minutes=60))
    people.visit(second, shop, start + timedelta(hours=2), start + timedelta(hours=3))
    other = people.person("Người Ở Tiệm", phone="0912 000 223")
    people.visit(other, shop, start + timedelta(hours=2), start + timedelta(hours=3))
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": "0912000222"})
    html = check_page(client.get(case_url + "visits"))
    assert "Chợ Hai Máy" in html and "Tiệm Hai Máy" in html and "2 điện thoại" in html
    html = check_page(client.get(case_url + "contacts"))
    assert "Người Ở Tiệm" in html and html.count("Lý Hai Máy") == 0


def test_the_default_window_and_minimum_overlap_come_from_the_settings(make_app, make, people, tracer):
    app = make_app(PORTAL_TRACE_DAYS=3, PORTAL_CONTACT_MINUTES=40)
    client = app.test_client()
    venue, old_place = make.venue(name="Quán Gần Đây"), make.venue(name="Quán Năm Ngày Trước")
    f0 = people.person("Ca Bệnh", phone="0912 000 444", created=people.now - timedelta(days=10))
    start = people.now - timedelta(days=1)
    people.visit(f0, old_place, people.now - timedelta(days=5), people.now - timedelta(days=5, minutes=-30))
    people.visit(f0, venue, start, start + timedelta(minutes=60))
    thirty = people.person("Ba Mươi Phút", phone="0912 000 445")
    people.visit(thirty, venue, start + timedelta(minutes=30), start + timedelta(minutes=90))
    client.post("/auth/login", data={"phone": tracer.phone, "password": "correct horse battery"})
    case_url = client.post("/tracing/cases/new", data={"reference": "F0-CFG", "purpose": "Tìm"}).headers["Location"]
    client.post(case_url + "lookup", data={"phone": "0912000444"})
    html = check_page(client.get(case_url + "visits"))
    assert "Quán Gần Đây" in html and "Quán Năm Ngày Trước" not in html
    html = check_page(client.get(case_url + "contacts"))
    assert 'value="40"' in html and "Ba Mươi Phút" not in html
    assert "Ba Mươi Phút" in check_page(client.get(case_url + "contacts?minutes=30"))
