"""The side-by-side comparison's verdicts (bench/compare.py): the CPU ratio divides by the bare page
loaded in the same turns when it was, and errors on the bare page's turns fail the run."""
from bench import compare
from bench.loadgen import Run


def _side(cpus, errors=0):
    requests = 3000
    return {"rates": [300.0] * len(cpus), "rate": 300.0, "p50": 8.0, "p99": 20.0,
            "cpu_per_request": sum(cpus) / len(cpus), "cpus": cpus, "errors": errors, "error_kinds": {},
            "example_error": "", "recorded": requests, "successes": requests, "database_cpu_per_request": None,
            "seed_seconds": 1.0, "version": "SQLite 3"}


def _results(ceiling=None):
    db = {"kind": "sqlite", "notes": [], "version": "SQLite 3",
          "sides": {"old": _side([4.0, 4.0]), "new": _side([1.2, 1.6])}}
    if ceiling is not None:
        db["ceiling"] = ceiling
    return {"rev": "ef72e7f", "rounds": 2, "seconds": 10, "sizes": compare.SMALL, "databases": [db]}


def _start_ceiling(cpu_ms):
    run = Run(mode="plain", clients=8, seconds=10, counts={"requests": 1000})
    run.server_cpu = cpu_ms  # 1,000 requests: ms per request = seconds in all
    return run


def test_the_cpu_ratio_uses_the_bare_page_of_the_same_turns_turn_by_turn():
    interleaved = compare.ceiling_summary([_start_ceiling(0.3), _start_ceiling(0.4)])
    assert round(interleaved["cpu_per_request"], 3) == 0.35 and interleaved["cpus"] == [0.3, 0.4]
    text = compare.render(_results(interleaved), ceiling=_start_ceiling(0.2))
    line = next(row for row in text.splitlines() if "gunicorn CPU per check-in request" in row)
    assert "1.40 vs 0.35 ms (4.0×; turn by turn 4.0, 4.0)" in line and line.endswith("| met |")
    assert "in the same turns" in text and "then the bare Flask page for a turn of its own" in text


def test_without_interleaved_turns_the_ratio_uses_the_run_given():
    text = compare.render(_results(), ceiling=_start_ceiling(0.2))
    line = next(row for row in text.splitlines() if "gunicorn CPU per check-in request" in row)
    assert "1.40 vs 0.20 ms (7.0×)" in line and "**not met**" in line
    assert "in the same turns" not in text


def test_errors_on_the_bare_pages_turns_fail_the_run():
    assert compare.failures(_results(compare.ceiling_summary([_start_ceiling(0.3)]))) == []
    failing = _start_ceiling(0.3)
    failing.socket_errors = 2
    [failure] = compare.failures(_results(compare.ceiling_summary([failing])))
    assert "bare page's turns had 2 errors" in failure


def test_a_sides_run_never_hands_a_device_out_twice():
    for seconds, rounds in ((10, 3), (10, 6), (2, 1)):
        sizes = compare.sized(compare.SMALL, seconds, rounds)
        handed = compare.device_budget(3) + rounds * compare.device_budget(seconds)  # warm-up, then the turns
        assert sizes["visitors"] >= handed and sizes["venues"] == compare.SMALL["venues"]
    assert compare.sized(compare.SMALL, 2, 1)["visitors"] == compare.SMALL["visitors"]  # never fewer


def test_the_loads_venues_have_nobody_the_seed_left_inside(tmp_path):
    """A check-in of a person the seed left inside that very venue records no visit, which the
    count check would read as a lost one: the load's venue sample leaves such venues out."""
    import sqlite3

    from bench.database import Database
    from bench.server import free_port

    database = Database(str(tmp_path), free_port(), sizes={
        "venues": 60, "owners": 2, "visitors": 200, "old_visitors": 2, "old_visits": 2})
    database.create()
    try:
        with open(database.venues_file) as handle:
            sample = set(handle.read().split())
        with sqlite3.connect(database.url.removeprefix("sqlite:///")) as conn:
            tokens = {token for (token,) in conn.execute("SELECT token FROM venues")}
            occupied = {token for (token,) in conn.execute(
                "SELECT token FROM venues WHERE id IN (SELECT venue_id FROM visits WHERE checked_out_at IS NULL)")}
    finally:
        database.close()
    assert occupied and tokens - occupied  # the seed left people inside some venues, not all
    assert sample == tokens - occupied
