"""No N+1 on the main list pages: a page of twenty rows runs as many statements as a page of one.

Each row hangs off its own related rows (its own venue in its own ward, its own official, its own
case), so a relationship loaded row by row would add statements as the page grows.
"""
import secrets
from datetime import timedelta

import pytest

from portal.audit.models import AuditEntry
from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.registry.models import FollowUp, MatchProposal
from portal.reports.models import ZoneLevel
from portal.text import normalise_phone
from portal.tracing.models import Case, Exposure

from .. import factories
from ..statements import statements

ROWS = 20


class World:
    """Rows for the pages, each pointing to rows of its own."""

    def __init__(self, make):
        self.make = make
        self.wards = make.wards(ROWS + 1)
        self.owner = make.owner(name="Chủ Nhiều Nơi")
        self.count = 0

    def user(self, role):
        """An account no one logs in with: a row, without paying for a password hash."""
        self.count += 1
        user = User(role=role, full_name=f"Cán Bộ Số {self.count}", phone=normalise_phone(factories.next_phone()),
                    password_hash="-", session_version=0)
        db.session.add(user)
        db.session.flush()
        return user

    def venue(self, i, ward=None):
        """The i-th venue, in the i-th ward unless told."""
        ward = ward or self.wards[i % len(self.wards)]
        return self.make.venue(owner=self.owner, name=f"Địa Điểm Số {i}", ward_code=ward.code)

    def case(self, creator, i=0):
        case = Case(ref=secrets.token_urlsafe(16), reference=f"F0-{i:03d}", purpose="Tìm F1",
                    created_by_id=creator.id)
        db.session.add(case)
        db.session.flush()
        return case


@pytest.fixture
def world(make):
    return World(make)


def _cases(world, login, start, n):
    if start == 0:
        world.tracer = world.make.user(role="tracer", name="Bác Sĩ Đọc")
        login(world.tracer)
    for i in range(start, start + n):
        world.case(world.user("tracer"), i)
    db.session.commit()
    return "/tracing/", [f"F0-{i:03d}" for i in range(start + n)]


def _exposures(world, login, start, n):
    if start == 0:
        world.tracer = world.make.user(role="tracer", name="Bác Sĩ Đọc")
        login(world.tracer)
        world.the_case = world.case(world.tracer)
    now = utcnow()
    for i in range(start, start + n):
        venue = world.venue(i)
        db.session.add(Exposure(ref=secrets.token_urlsafe(16), case_id=world.the_case.id, venue_id=venue.id,
                                starts_at=now - timedelta(hours=3), ends_at=now - timedelta(hours=2), advice="test",
                                created_by_id=world.tracer.id))
    db.session.commit()
    return f"/tracing/cases/{world.the_case.ref}/", [f"Địa Điểm Số {i}" for i in range(start + n)]


def _person_visits(world, login, start, n):
    if start == 0:
        world.tracer = world.make.user(role="tracer", name="Bác Sĩ Đọc")
        login(world.tracer)
        world.person = factories.visitor(name="Người Được Tìm")
        world.the_case = world.case(world.tracer)
        world.the_case.visitor_id = world.person.id
    now = utcnow()
    for i in range(start, start + n):
        factories.visit(world.venue(i), world.person, now - timedelta(hours=2 * i + 2), timedelta(minutes=30), "self")
    db.session.commit()
    return f"/tracing/cases/{world.the_case.ref}/visits", [f"Địa Điểm Số {i}" for i in range(start + n)]


def _audit_log(world, login, start, n):
    if start == 0:
        login(world.make.user(role="province_admin", name="Quản Trị Tỉnh"))
    for i in range(start, start + n):
        actor = world.user("tracer")
        case = world.case(actor, i)
        db.session.add(AuditEntry(actor_id=actor.id, actor_role="tracer", case_id=case.id, action="lookup",
                                  query="by=phone", row_count=1, at=utcnow() - timedelta(minutes=i)))
    db.session.commit()
    return "/audit/", [f"F0-{i:03d}" for i in range(start + n)]


def _me(world, client, start, n):
    if start == 0:
        token = secrets.token_urlsafe(32)
        world.person = factories.person(name="Người Xem Lại", device_token=token)
        client.set_cookie("vr_device", token)
    now = utcnow()
    for i in range(start, start + n):
        factories.visit(world.venue(i), world.person, now - timedelta(hours=2 * i + 2), timedelta(minutes=30), "self")
    return "/me", [f"Địa Điểm Số {i}" for i in range(start + n)]


def _official(world, login, start):
    if start == 0:
        login(world.make.user(role="province_admin", name="Quản Trị Tỉnh"))


def _proposals(world, login, start, n):
    _official(world, login, start)
    ward = world.wards[0]
    for i in range(start, start + n):
        venue = world.venue(i, ward)
        place = factories.establishment(ward, name=f"Cơ Sở Số {i}")
        db.session.add(MatchProposal(establishment_id=place.id, venue_id=venue.id, score=80))
    db.session.commit()
    return f"/registry/wards/{ward.code}/proposals", [f"Cơ Sở Số {i}" for i in range(start + n)]


def _not_used(world, login, start, n):
    _official(world, login, start)
    ward = world.wards[0]
    for i in range(start, start + n):
        world.venue(i, ward)
    return f"/reports/wards/{ward.code}/not-used", [f"Địa Điểm Số {i}" for i in range(start + n)]


def _not_registered(world, login, start, n):
    _official(world, login, start)
    ward = world.wards[0]
    for i in range(start, start + n):
        factories.establishment(ward, name=f"Cơ Sở Số {i}")
    return f"/reports/wards/{ward.code}/not-registered", [f"Cơ Sở Số {i}" for i in range(start + n)]


def _follow_ups(world, login, start, n):
    _official(world, login, start)
    ward = world.wards[0]
    if start == 0:
        world.place = factories.establishment(ward, name="Cơ Sở Được Nhắc")
    for i in range(start, start + n):
        official = world.user("ward_official")
        db.session.add(FollowUp(ward_code=ward.code, establishment_id=world.place.id, action="reminded",
                                action_on=utcnow().date() - timedelta(days=i), note=f"Lần nhắc {i}",
                                official_id=official.id))
    db.session.commit()
    return f"/registry/establishments/{world.place.registration_number}/", [f"Lần nhắc {i}" for i in range(start + n)]


def _zone_history(world, login, start, n):
    _official(world, login, start)
    ward = world.wards[0]
    for i in range(start, start + n):
        official = world.user("province_admin")
        db.session.add(ZoneLevel(ward_code=ward.code, level=1 + i % 4, effective_on=utcnow().date() - timedelta(days=i),
                                 note=f"Quyết định {i}", set_by_id=official.id))
    db.session.commit()
    return f"/reports/zones/{ward.code}", [f"Quyết định {i}" for i in range(start + n)]


def _owner_venues(world, login, start, n):
    if start == 0:
        login(world.owner)
    for i in range(start, start + n):
        world.venue(i)
    return "/venues/", [f"Địa Điểm Số {i}" for i in range(start + n)]


PAGES = {
    "tracer's cases": _cases,
    "case's exposure windows": _exposures,
    "tracer's visits of a person": _person_visits,
    "audit log": _audit_log,
    "visitor's /me": _me,
    "ward's match proposals": _proposals,
    "ward list not used": _not_used,
    "ward list not registered": _not_registered,
    "establishment's follow-ups": _follow_ups,
    "ward's zone history": _zone_history,
    "owner's venues": _owner_venues,
}


def _count(client, url, expected):
    with statements() as seen:
        response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:500]
    missing = [text for text in expected if text not in html]
    assert not missing, missing
    return len(seen)


@pytest.mark.parametrize("page", list(PAGES))
def test_a_longer_list_runs_no_more_statements(client, login, world, page):
    grow = PAGES[page]
    who = client if page == "visitor's /me" else login
    url, expected = grow(world, who, 0, 1)
    one = _count(client, url, expected)
    url, expected = grow(world, who, 1, ROWS - 1)
    assert _count(client, url, expected) == one
