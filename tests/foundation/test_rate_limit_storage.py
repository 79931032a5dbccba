"""The per-process rate-limit counters (`portal-memory://`): same counting as `limits`' memory
storage, with expired keys swept once a second by one daemon thread."""
import threading

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from portal.extensions import ProcessMemoryStorage


@pytest.fixture
def clock(monkeypatch):
    """time.time() as seen by the storage, moved by hand."""
    import limits.storage.memory as memory

    now = [1_000_000.0]
    monkeypatch.setattr(memory.time, "time", lambda: now[0])
    return now


def test_the_url_names_this_storage():
    storage = storage_from_string("portal-memory://")
    assert isinstance(storage, ProcessMemoryStorage)


def test_counts_and_refuses_over_the_limit(clock):
    strategy = FixedWindowRateLimiter(ProcessMemoryStorage())
    limit = parse("3 per minute")
    assert [strategy.hit(limit, "device:a") for _ in range(4)] == [True, True, True, False]
    assert strategy.hit(limit, "device:b") is True  # another key counts on its own


def test_an_expired_window_counts_from_zero_before_any_sweep(clock):
    storage = ProcessMemoryStorage()
    strategy = FixedWindowRateLimiter(storage)
    limit = parse("2 per minute")
    assert strategy.hit(limit, "k") and strategy.hit(limit, "k")
    assert strategy.hit(limit, "k") is False
    clock[0] += 61
    assert strategy.hit(limit, "k") is True


def test_the_sweep_runs_once_a_second_on_one_daemon_thread(monkeypatch, clock):
    started = []

    class RecordingTimer(threading.Timer):
        def start(self):
            started.append(self)  # not started: the test looks at what would run

        def is_alive(self):
            return self in started

    monkeypatch.setattr(threading, "Timer", RecordingTimer)
    storage = ProcessMemoryStorage()
    started.clear()
    for _ in range(50):
        storage.incr("k", 60)
    assert len(started) == 1  # not one thread per 10 ms of counting
    assert started[0].interval == ProcessMemoryStorage.SWEEP_SECONDS == 1.0
    assert started[0].daemon is True


def test_the_sweep_frees_expired_counters(clock):
    storage = ProcessMemoryStorage()
    storage.incr("old", 10)
    storage.incr("fresh", 100)
    clock[0] += 50
    storage._MemoryStorage__expire_events()
    assert "old" not in storage.storage and storage.storage["fresh"] == 1


def test_the_portal_counts_in_it_unless_redis_is_configured():
    from portal.config import Defaults

    assert isinstance(storage_from_string(Defaults.PORTAL_RATELIMIT_STORAGE_URL), ProcessMemoryStorage)
