"""Create the demo data piece by piece: each piece is looked up first, so a second load adds nothing.

A database loaded by an older demo (its ward official in Phường An Nhơn) is moved onto the
former Bình Dương wards on the next load: wards and venue wards are set, never duplicated.
Functions flush and never commit; the command commits once.
"""
import secrets
import unicodedata
from datetime import timedelta

from sqlalchemy import select

from ..auth.models import User, UserWard, VenueStaff
from ..auth.services import create_user
from ..checkin.models import Visit
from ..checkin.services import check_in, check_out
from ..clock import day_start, local_date, utcnow
from ..divisions.services import wards_of
from ..extensions import db
from ..staff import crossings
from ..staff import services as staff
from ..text import normalise_phone
from ..venues.models import Venue
from ..venues.services import register_venue
from ..visitors.services import register_visitor
from . import data

KINDS = ("phường", "xã")


class DemoError(ValueError):
    """The demo cannot be loaded; the message says what to do."""


def _key(name):
    """A ward name compared the way people read it: composed, any case and spacing, kind left out."""
    words = unicodedata.normalize("NFC", name).casefold().split()
    return " ".join(words[1:] if words and words[0] in KINDS else words)


def demo_wards(province_code):
    """{key of data.WARDS: Division}, found by name among the province's loaded wards."""
    loaded = {_key(ward.name): ward for ward in wards_of(province_code)}
    if not loaded:
        raise DemoError("load the divisions first: flask divisions load")
    found = {key: loaded.get(_key(name)) for key, name in data.WARDS.items()}
    missing = [data.WARDS[key] for key, ward in found.items() if ward is None]
    if missing:
        raise DemoError(f"province {province_code} has no ward named {', '.join(missing)}")
    return found


def _user(phone):
    return db.session.scalar(select(User).where(User.phone == normalise_phone(phone)))


def _password():
    return secrets.token_urlsafe(9)


def _accounts(created):
    """Every demo account that works without a venue: {phone: User}."""
    users = {}
    for role, name, phone in data.ACCOUNTS:
        if phone in data.ASSIGNMENTS:
            continue  # staff and checkpoint officers come with their venue (_assignments)
        user = _user(phone)
        if user is None:
            password = _password()
            user = create_user(role=role, full_name=name, phone=phone, password=password)
            created.append((role, phone, password))
        users[phone] = user
    return users


def _official_wards(users, wards):
    """Give each demo official exactly the demo wards (an older demo's wards are replaced)."""
    for phone, keys in data.OFFICIAL_WARDS.items():
        user = users[phone]
        wanted = {wards[key].code for key in keys}
        for link in [link for link in user.wards if link.division_code not in wanted]:
            user.wards.remove(link)
        have = {link.division_code for link in user.wards}
        for code in sorted(wanted - have):
            user.wards.append(UserWard(division_code=code))
    db.session.flush()


def _populations(wards, now):
    """The demo wards' populations, where none was imported yet (an imported one is kept)."""
    from ..reports.models import WardPopulation

    for key, people in data.POPULATIONS.items():
        if db.session.get(WardPopulation, wards[key].code) is None:
            db.session.add(WardPopulation(ward_code=wards[key].code, population=people, imported_at=now))
    db.session.flush()


def _inspector_scopes(users, wards, province_code):
    """Give each demo inspector exactly their demo scope."""
    from ..inspection.scopes import set_scope

    for phone, (department, categories, keys) in data.INSPECTOR_SCOPES.items():
        set_scope(users[phone], department, categories, [wards[key].code for key in keys], province_code)


def _venues(users, wards, province_code):
    """Every demo venue: {(registrant's phone, name): Venue}."""
    venues = {}
    for phone, rows in data.VENUES.items():
        registrant = users[phone]
        for name, category, number, address, ward_key in rows:
            ward = wards[ward_key]
            venue = db.session.scalar(select(Venue).where(Venue.owner_id == registrant.id, Venue.name == name))
            if venue is None:
                # As the registration form does: the owner (or, for a checkpoint, the admin).
                venue = register_venue(registrant, dict(
                    name=name, category=category, registration_number=number, address=address,
                    ward_code=ward.code, contact_phone=phone, default_stay_minutes=60,
                ), province_code)
            elif venue.ward_code != ward.code:
                venue.ward_code = ward.code
            venues[(phone, name)] = venue
    db.session.flush()
    return venues


def _assignments(venues, created):
    """The staff account (added by its venue's owner) and the checkpoint officer (by the admin)."""
    for role, name, phone in data.ACCOUNTS:
        if phone not in data.ASSIGNMENTS:
            continue
        venue = venues[data.ASSIGNMENTS[phone]]
        user = _user(phone)
        if user is not None and db.session.get(VenueStaff, (user.id, venue.id)) is not None:
            continue
        if role == "staff":
            password = _password()
            user, new = staff.add_staff(venue.owner, venue, name, phone, password)
        else:
            new = user is None
            if new:
                password = _password()
                user = staff.create_officer(name, phone, password)
            staff.assign_officer(user, venue)
        if new:
            created.append((role, phone, password))
    db.session.flush()


def _lanes(venues, now):
    """The demo checkpoint's lanes, one each way, as its administrator adds them on /staff/checkpoints."""
    for key, lanes in data.LANES.items():
        venue = venues[key]
        have = {lane.name for lane in crossings.lanes_of(venue)}
        for name, direction in lanes:
            if name not in have:
                crossings.add_lane(venue, name, direction, now)
    db.session.flush()


def _visits(venues, now):
    """A week of visits at the demo's businesses, unless they have visits already."""
    places = [venue for venue in venues.values() if venue.category != "checkpoint"]
    if db.session.scalar(select(Visit.id).where(Visit.venue_id.in_([v.id for v in places])).limit(1)):
        return
    people = [register_visitor(name, normalise_phone(phone), year, now - timedelta(days=data.VISIT_DAYS))
              for name, phone, year in data.VISITORS]
    today = local_date(now)
    for back in range(data.VISIT_DAYS, 0, -1):
        start = day_start(today - timedelta(days=back))
        for i, person in enumerate(people):
            venue = places[(i + back) % len(places)]
            # One visit per person a day, between 7:00 and 18:59 local time.
            at = start + timedelta(hours=7 + (2 * i + back) % 12, minutes=(7 * i) % 60)
            visit = check_in(person, venue, at, method="staff" if venue.category == "market" else "self")
            if (i + back) % 5 == 0:  # forgot to check out: closed at the usual length of a visit
                check_out(visit, visit.due_out_at + timedelta(minutes=1))
            else:
                check_out(visit, at + timedelta(minutes=20 + (11 * i + 7 * back) % 60))
    for i, person in enumerate(people[:3]):  # inside right now
        check_in(person, places[i], now - timedelta(minutes=10 + 10 * i))
    db.session.flush()


def load_demo(province_code, now=None):
    """Create whatever part of the demo is missing; [(role, phone, password)] of new accounts."""
    now = now or utcnow()
    wards = demo_wards(province_code)
    created = []
    users = _accounts(created)
    _official_wards(users, wards)
    _inspector_scopes(users, wards, province_code)
    _populations(wards, now)
    venues = _venues(users, wards, province_code)
    _assignments(venues, created)
    _lanes(venues, now)
    _visits(venues, now)
    return created
