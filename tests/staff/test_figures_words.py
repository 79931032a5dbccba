"""The lane figures in words a shop owner reads: scanners by who used them, the busiest hour as an hour."""
import re
from datetime import timedelta

from portal.clock import utcnow
from portal.extensions import db
from portal.staff.scanning import scan_pass

from ..factories import person, staff_at
from ..html import check_page
from ..passes.helpers import with_pass


def test_scanners_are_named_by_staff_and_the_busiest_hour_is_an_hour(client, make, login):
    venue = make.venue()
    staff = staff_at(make, venue)
    # Three scans inside this hour (Hồ Chí Minh City's offset is whole hours): scans a minute
    # before now counted two hours when the test ran in an hour's first minute.
    hour = utcnow().replace(minute=0, second=0, microsecond=0)
    for i in range(3):
        scan_pass(with_pass(person(f"Người {i}")), venue, staff, "aaaaaaaaaaaa", hour + timedelta(minutes=20, seconds=30 * i))
    db.session.commit()
    login(venue.owner)
    html = check_page(client.get(f"/staff/{venue.short_code}/figures"))
    assert "aaaaaaaaaaaa" not in html  # no lane id anyone has to decode
    assert staff.full_name in html
    busiest = re.search(r'<td class="busiest">(\d\d):00–(\d\d):00', html)
    assert busiest is not None and int(busiest.group(2)) == (int(busiest.group(1)) + 1)
    assert "3 lượt quét" in html  # the count comes after the hour, in words
    assert "trung vị" not in html.lower()


def test_a_scanner_without_a_known_person_is_numbered(app, make):
    from portal.staff.figures import DeviceFigures

    lane = DeviceFigures("bbbbbbbbbbbb", per_hour={8: 2, 9: 5, 10: 5})
    assert lane.busiest_hour == 9 and lane.peak_per_hour == 5
    assert DeviceFigures("cccccccccccc").busiest_hour is None
