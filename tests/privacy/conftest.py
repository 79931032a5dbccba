"""The tracing tests' fixtures: people with visits (`people`) and a tracer account (`tracer`)."""
from ..tracing.conftest import people, tracer  # noqa: F401
