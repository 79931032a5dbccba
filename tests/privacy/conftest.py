"""Fixtures shared with the tracing tests: people with visits and a tracer."""
import pytest

from ..tracing.people import People


@pytest.fixture
def people(app):
    """Encrypted visitors and their visits; `people.now` is this minute (UTC)."""
    return People()


@pytest.fixture
def tracer(make):
    return make.user(role="tracer", name="Bác sĩ Truy Vết")
