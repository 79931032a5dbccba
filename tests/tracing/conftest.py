"""Fixtures for tracing tests: a tracer, people with visits, and a case helper."""
import pytest

from ..factories import People


@pytest.fixture
def people(app):
    """Encrypted visitors and their visits; `people.now` is this minute (UTC)."""
    return People()


@pytest.fixture
def tracer(make):
    """A tracer account."""
    return make.user(role="tracer", name="Bác sĩ Truy Vết")


@pytest.fixture
def open_case(client, login, tracer):
    """Log the tracer in and open a case; returns the case page URL."""

    def do(reference="F0-2021-0917-003", purpose="Tìm người tiếp xúc gần của ca dương tính"):
        login(tracer)
        response = client.post("/tracing/cases/new", data={"reference": reference, "purpose": purpose})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response.headers["Location"]

    return do
