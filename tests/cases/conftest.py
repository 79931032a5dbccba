"""Fixtures for the case register: health accounts, a traced person with contacts, helpers."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.cases import services
from portal.cases.models import HealthCase
from portal.extensions import db

from ..factories import People


@pytest.fixture
def people(app):
    return People()


@pytest.fixture
def tracer(make):
    return make.user(role="tracer", name="Bác sĩ Truy Vết")


@pytest.fixture
def wards(make):
    return make.wards(2)


@pytest.fixture
def scene(make, people, wards):
    """A case person and three others at one venue of ward A: Bình and Cường overlap the case for
    45 and 30 minutes, Dũng for 5 (no contact)."""
    venue = make.venue(ward_code=wards[0].code, name="Chợ Bến Thành")
    start = people.now - timedelta(hours=3)
    case = people.person(name="Trần Văn Ca", phone="0912000101")
    binh = people.person(name="Nguyễn Thị Bình", phone="0912000102")
    cuong = people.person(name="Lê Văn Cường", phone="0912000103")
    dung = people.person(name="Phạm Văn Dũng", phone="0912000104")
    people.visit(case, venue, start, start + timedelta(minutes=60))
    visits = {
        "binh": people.visit(binh, venue, start + timedelta(minutes=10), start + timedelta(minutes=55)),
        "cuong": people.visit(cuong, venue, start + timedelta(minutes=30), start + timedelta(minutes=90)),
        "dung": people.visit(dung, venue, start + timedelta(minutes=55), start + timedelta(minutes=100)),
    }
    return {"venue": venue, "start": start, "case": case, "binh": binh, "cuong": cuong, "dung": dung,
            "visits": visits, "people": people}


def case_form(ward_, **overrides):
    """A valid case form for the person with phone 0912000101."""
    data = {"phone": "0912 000 101", "ward": ward_.code, "positive_on": "", "risk_level": "yellow",
            "care_place": "home"}
    data.update(overrides)
    return data


@pytest.fixture
def record_case(client, login, tracer, wards, app):
    """Log the tracer in and record a case through the page; returns the HealthCase."""

    def do(**overrides):
        from portal.clock import local_date, utcnow

        login(tracer)
        data = case_form(wards[0], positive_on=local_date(utcnow()).isoformat(), **overrides)
        response = client.post("/cases/new", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return db.session.scalar(select(HealthCase).order_by(HealthCase.id.desc()).limit(1))

    return do


def settings(app):
    return services.settings_from(app.config)
