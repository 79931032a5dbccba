"""The full-seed section of `make bench` (bench/report.py): its CPU ratio divides by the bare page
loaded right after its own check-in runs when it was, and errors on those turns fail the run."""
from bench import report
from bench.loadgen import Run


def _run(mode, cpu_seconds, requests=1000, clients=8):
    run = Run(mode=mode, clients=clients, seconds=10, counts={"requests": requests, "window_requests": requests,
                                                              "posts_window": requests // 3})
    run.server_cpu = cpu_seconds  # 1,000 requests: ms per request = seconds in all
    return run


def _results(own_ceiling=None):
    checkins = _run("checkin", 1.8)
    db = {"kind": "sqlite", "version": "SQLite 3", "runs": {8: (checkins, checkins.successes)},
          "purge": {"quiet": _run("checkin", 1.0), "during": _run("checkin", 1.0), "during_posts": [],
                    "quiet_new": 0, "during_new": 0, "failed": False}}
    if own_ceiling is not None:
        db["ceiling"] = {8: own_ceiling}
    return {"machine": {"cores": 2}, "ceiling": {8: _run("plain", 0.33)}, "databases": [db]}


def _cpu_target(results):
    return next(line for line in report._targets(report._in_turn(results)) if "gunicorn CPU per check-in" in line)


def test_the_ratio_divides_by_the_bare_page_loaded_in_turn_with_the_check_ins():
    line = _cpu_target(_results(own_ceiling=_run("plain", 0.45)))
    assert "1.80 vs 0.45 ms (4.0×)" in line and line.endswith("| met |")


def test_without_turns_of_its_own_the_ratio_divides_by_the_run_at_the_start():
    line = _cpu_target(_results())
    assert "1.80 vs 0.33 ms (5.5×)" in line and "**not met**" in line


def test_errors_on_the_bare_pages_turns_fail_the_run():
    assert not [f for f in report.failures(_results(own_ceiling=_run("plain", 0.45))) if "ceiling" in f]
    failing = _run("plain", 0.45)
    failing.socket_errors = 3
    [failure] = [f for f in report.failures(_results(own_ceiling=failing)) if "ceiling" in f]
    assert failure.startswith("sqlite ceiling 8 clients: 3 errors")
