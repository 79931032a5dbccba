"""Contacts are per venue whatever gate people used; visits and exports name the entrance."""
import csv
import io
from datetime import timedelta

from portal.checkin.services import check_in, check_out
from portal.clock import utcnow
from portal.extensions import db
from portal.venues.entrances import add_entrance

from ..html import check_page


def _stay(person, venue, start, end, entrance=None):
    visit = check_in(person, venue, start, entrance=entrance)
    check_out(visit, end)
    db.session.commit()
    return visit


def _traced(client, open_case, people, make):
    """A case in at the north gate, a contact in at the south gate, one through the main poster."""
    venue = make.venue(name="Bệnh viện Đa khoa Bình Dương", category="health")
    north = add_entrance(venue, "Cổng Bắc", utcnow())
    south = add_entrance(venue, "Khoa Cấp cứu", utcnow())
    db.session.commit()
    start = people.now - timedelta(days=1)
    case = people.person("Ca Bệnh", phone="0912 300 000")
    _stay(case, venue, start, start + timedelta(minutes=60), north)
    _stay(people.person("Lê Cổng Nam", phone="0912 300 001"), venue, start + timedelta(minutes=10),
          start + timedelta(minutes=50), south)
    _stay(people.person("Võ Cửa Chính", phone="0912 300 002"), venue, start + timedelta(minutes=20),
          start + timedelta(minutes=40))
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": "0912300000"})
    return case_url


def test_contacts_at_every_entrance_of_the_venue_are_found_and_named(client, open_case, people, make):
    case_url = _traced(client, open_case, people, make)
    html = check_page(client.get(case_url + "visits"))
    assert "Bệnh viện Đa khoa Bình Dương" in html and "Lối vào: Cổng Bắc" in html
    html = check_page(client.get(case_url + "contacts"))
    assert html.count("<h2>Bệnh viện Đa khoa Bình Dương") == 1  # one venue, whatever the gates
    assert "Lê Cổng Nam" in html and "Võ Cửa Chính" in html
    assert "Lối vào: Khoa Cấp cứu" in html and "(Lối vào: Cổng Bắc)" in html
    assert "<td>40</td>" in html and "<td>20</td>" in html


def test_the_contact_export_has_an_entrance_column(client, open_case, people, make):
    case_url = _traced(client, open_case, people, make)
    text = client.get(case_url + "contacts.csv").get_data().decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[:4] == ["Địa điểm", "Mã địa điểm", "Phường/xã", "Lối vào"]
    by_name = {row[header.index("Họ tên")]: row for row in rows}
    assert by_name["Lê Cổng Nam"][3] == "Khoa Cấp cứu"
    assert by_name["Võ Cửa Chính"][3] == ""  # came in by the main poster
    client.set_cookie("lang", "en")
    header = next(csv.reader(io.StringIO(client.get(case_url + "contacts.csv").get_data().decode("utf-8-sig"))))
    assert header[3] == "Entrance"


def test_without_entrances_the_export_keeps_its_columns(client, open_case, people, make):
    venue = make.venue(name="Quán Cà Phê Một Cổng")
    start = people.now - timedelta(days=1)
    _stay(people.person("Ca Bệnh", phone="0912 300 010"), venue, start, start + timedelta(minutes=60))
    _stay(people.person("Khách Quen", phone="0912 300 011"), venue, start, start + timedelta(minutes=30))
    case_url = open_case()
    client.post(case_url + "lookup", data={"phone": "0912300010"})
    header = next(csv.reader(io.StringIO(client.get(case_url + "contacts.csv").get_data().decode("utf-8-sig"))))
    assert "Lối vào" not in header and len(header) == 14
