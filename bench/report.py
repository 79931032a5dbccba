"""The benchmark's Markdown: machine, tables, targets, profiles; written into docs/benchmarks.md."""
import os
import platform
import shutil
import subprocess
import time

TOTAL_VISITS = 73_000_000  # 28 days of a province's check-ins (docs/capacity.md)
CPU_TARGET = 5.0  # issue #18: gunicorn CPU per check-in request ≤ 5 × the bare Flask page's


def machine():
    """Cores, memory, CPU model, kernel, load average: what the figures depend on."""
    model, memory = "unknown CPU", 0
    try:
        with open("/proc/cpuinfo") as handle:
            model = next((line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), model)
        with open("/proc/meminfo") as handle:
            memory = int(next(line.split()[1] for line in handle if line.startswith("MemTotal"))) * 1024
    except OSError:
        pass
    wrk = subprocess.run([shutil.which("wrk") or "wrk", "-v"], capture_output=True, text=True).stdout
    return {"cores": os.cpu_count(), "memory": memory, "model": model, "kernel": platform.release(),
            "python": platform.python_version(), "load": os.getloadavg(),
            "wrk": (wrk.split()[1] if len(wrk.split()) > 1 else "?")}


def commit(root):
    """The commit measured, marked when the portal had uncommitted changes."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True).stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "portal", "bench", "migrations", "wsgi.py")
    return head + (" (with uncommitted changes)" if dirty else "")


def _gunicorn():
    from portal import gunicorn_conf as conf

    return f"{conf.workers} × {conf.worker_class} worker{'s' if conf.workers != 1 else ''}" + (
        f", {conf.threads} threads each" if conf.threads > 1 else "")


def _ms(value):
    return "–" if value != value else f"{value:.1f}"


def _n(value):
    return f"{value:,.0f}"


def _rows(results):
    ceiling = results["ceiling"]
    rows = []
    for clients, run in ceiling.items():
        rows.append(f"| bare Flask (ceiling) | – | {clients} | – | {_n(run.request_rate())} | "
                    f"{_ms(run.pct('page', 50))} | {_ms(run.pct('page', 95))} | {_ms(run.pct('page', 99))} | – | "
                    f"{run.errors} | 1.00 | – |")
    for db in results["databases"]:
        for clients, (run, recorded) in db["runs"].items():
            ratio = run.request_rate() / max(ceiling[clients].request_rate(), 1)
            check = "✓" if recorded == run.successes else "✗"
            rows.append(f"| portal check-in | {db['version']} | {clients} | **{_n(run.rate())}** | "
                        f"{_n(run.request_rate())} | {_ms(run.pct('post', 50))} | {_ms(run.pct('post', 95))} | "
                        f"**{_ms(run.pct('post', 99))}** | {_ms(run.pct('flow', 99))} | {run.errors} | "
                        f"**{ratio:.2f}** | {_n(recorded)} = {_n(run.successes)} {check} |")
    return rows


def _cpu(results):
    lines = ["| server | database | clients | gunicorn CPU per request (ms) | per check-in, 3 requests (ms) | "
             "wrk CPU per request (µs) | cores busy (gunicorn + wrk, of " + str(results["machine"]["cores"]) + ") |",
             "|---|---|---:|---:|---:|---:|---:|"]
    runs = [("bare Flask (ceiling)", "–", clients, run) for clients, run in results["ceiling"].items()]
    for db in results["databases"]:
        runs += [("portal check-in", db["version"], clients, run) for clients, (run, _n) in db["runs"].items()]
    for name, version, clients, run in runs:
        per_checkin = "–" if run.mode == "plain" else f"{run.server_cpu_per_request() * 3:.2f}"
        busy = (run.server_cpu + run.loader_cpu) / max(run.seconds, 1e-9)
        lines.append(f"| {name} | {version} | {clients} | {run.server_cpu_per_request():.2f} | {per_checkin} | "
                     f"{run.loader_cpu_per_request():.0f} | {busy:.2f} |")
    return lines


def _verdict(value, target, higher_is_better=True, inclusive=False):
    met = value >= target if higher_is_better else (value <= target if inclusive else value < target)
    if met:
        return "met"
    return f"**not met**: {value / target:.2f}× the target"


def _targets(results):
    ceiling8 = results["ceiling"][8].request_rate()
    page_cpu = results["ceiling"][8].server_cpu_per_request()
    lines = ["| target | measured | verdict |", "|---|---:|---|"]
    for db in results["databases"]:
        run = db["runs"][8][0]
        rate, p99 = run.rate(), run.pct("post", 99)
        cpu = run.server_cpu_per_request() / max(page_cpu, 1e-9)
        lines.append(f"| {db['version'].split()[0]}: gunicorn CPU per check-in request ≤ {CPU_TARGET:g}× the bare "
                     f"Flask page's, 8 clients (issue #18) | {run.server_cpu_per_request():.2f} vs {page_cpu:.2f} ms "
                     f"({cpu:.1f}×) | {_verdict(cpu, CPU_TARGET, False, inclusive=True)} |")
        if db["kind"] == "sqlite":
            ratio = run.request_rate() / max(ceiling8, 1)
            lines += [
                f"| SQLite: ≥ 1,000 check-in POSTs/s at 8 clients | {_n(rate)}/s | {_verdict(rate, 1000)} |",
                f"| SQLite: POST p99 < 50 ms at 8 clients | {_ms(p99)} ms | {_verdict(p99, 50, False)} |",
                f"| SQLite: no errors | {run.errors} | {'met' if run.errors == 0 else '**not met**'} |",
                f"| SQLite: check-in requests/s ≥ 50% of bare Flask | {ratio:.0%} | {_verdict(ratio, 0.5)} |",
            ]
        else:
            lines += [
                f"| PostgreSQL: ≥ 600 check-in POSTs/s | {_n(rate)}/s | {_verdict(rate, 600)} |",
                f"| PostgreSQL: POST p99 < 100 ms | {_ms(p99)} ms | {_verdict(p99, 100, False)} |",
            ]
        purge = db["purge"]
        quiet = purge["quiet"].pct("post", 99)
        during = _pct(purge["during_posts"], 99)
        lines.append(f"| {db['version'].split()[0]}: POST p99 during the purge ≤ 2× without | "
                     f"{_ms(during)} vs {_ms(quiet)} ms ({during / quiet:.1f}×) | "
                     f"{_verdict(during / quiet, 2, False) if quiet else '–'} |")
    return lines


def _pct(values, q):
    from .loadgen import percentile

    return percentile(values, q)


def _purge(results):
    lines = ["| database | check-ins paced at | POST p50 / p95 / p99 without purge (ms) | "
             "during the purge (ms) | visits purged | in | rows/s | 1 M rows would take | "
             "visits recorded = successful |",
             "|---|---:|---|---|---:|---:|---:|---:|---|"]
    for db in results["databases"]:
        p = db["purge"]
        during = p["during_posts"]
        ok = p["quiet_new"] == p["quiet"].successes and p["during_new"] == p["during"].successes
        speed = p["purged"] / max(p["seconds"], 1e-9)
        lines.append(
            f"| {db['version']} | {p['rate']}/s, 8 clients | {_ms(p['quiet'].pct('post', 50))} / "
            f"{_ms(p['quiet'].pct('post', 95))} / {_ms(p['quiet'].pct('post', 99))} | "
            f"{_ms(_pct(during, 50))} / {_ms(_pct(during, 95))} / {_ms(_pct(during, 99))} "
            f"({len(during):,} check-ins) | {_n(p['purged'])} of {_n(p['backlog'])} | {p['seconds']:.0f} s"
            f"{'' if p['finished'] else ' (stopped)'} | {_n(speed)} | "
            f"{(1_000_000 / speed / 60 if speed else float('nan')):.1f} min | "
            f"{_n(p['quiet_new'] + p['during_new'])} = {_n(p['quiet'].successes + p['during'].successes)} "
            f"{'✓' if ok else '✗'} |")
    return lines


def _sizes(results):
    lines = ["| database | visits | visits table + its indexes | bytes per visit | 28 days (73 M visits) |",
             "|---|---:|---:|---:|---:|"]
    for db in results["databases"]:
        per, size, count = db["size"]
        lines.append(f"| {db['version']} | {_n(count)} | {size / 2**20:,.0f} MiB | {per:,.0f} | "
                     f"{per * TOTAL_VISITS / 2**30:,.1f} GiB |")
    return lines


def _in_turn(results):
    """`results` with, for a section of one database, the bare page's runs taken in turn with that
    database's check-ins (bench_checkins) as its ceiling, where it has them."""
    databases = results["databases"]
    if len(databases) == 1 and databases[0].get("ceiling"):
        return dict(results, ceiling=databases[0]["ceiling"], in_turn=True)
    return results


def render(results):
    """The generated section for the run's databases, as Markdown."""
    results = _in_turn(results)
    m = results["machine"]
    names = " and ".join(db["version"].split()[0] for db in results["databases"])
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(results["started"]))
    command = "make bench" + (" DATABASE_URL=postgresql://…" if results.get("postgresql_url") else "")
    out = [
        f"## Latest run on {names}", "",
        f"- **Date** {when} · **commit** `{results['commit']}` · **took** {results['elapsed'] / 60:.1f} min (`{command}`)",
        f"- **Machine** {m['cores']} cores ({m['model']}), {m['memory'] / 2**30:.1f} GiB memory, Linux "
        f"{m['kernel']}, Python {m['python']}; load average at the start "
        f"{m['load'][0]:.2f} / {m['load'][1]:.2f} / {m['load'][2]:.2f}",
        f"- **Server** gunicorn, {_gunicorn()} (portal/gunicorn_conf.py); **load** wrk {m['wrk']} with "
        f"bench/load.lua, one connection per client, on the same machine over 127.0.0.1; "
        f"{results['seconds']:g} s per run",
        "", "### Check-ins against the bare Flask ceiling", "",
        "A check-in is three requests: the venue page, the POST, the confirmation it redirects to. "
        "Latencies in ms; *check-ins/s* counts POSTs answered with the redirect; *÷ ceiling* divides "
        "all check-in requests per second by the bare Flask page's requests per second at the same "
        "number of clients" + (", the bare page loaded for as long right after each check-in run" if
                               results.get("in_turn") else "") + ".", "",
        "| server | database | clients | check-ins/s | requests/s | POST p50 | POST p95 | POST p99 | "
        "check-in p99 (3 requests) | errors | ÷ ceiling | visits recorded = successful check-ins |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        *_rows(results), "",
        "CPU time over each run, from /proc: what one request costs the server, and what the load "
        "generator takes from the same cores.", "", *_cpu(results),
        "", "### Targets", "", *_targets(results),
        "", "### Retention purge while check-ins continue", "",
        "`flask data purge` (chunks of at most 10,000 rows a transaction) removes the month-old "
        "visits, and the profiles and devices of the people who have none left, while check-ins run at "
        "the design peak (350/s) or at half the measured 8-client rate, whichever is lower. The purge "
        "is watched for at most 90 s, then stopped (its committed chunks stay deleted); its speed "
        "gives the time for the whole backlog.", "",
        *_purge(results), "", "### Size on disk per visit", "", *_sizes(results), "",
    ]
    for db in results["databases"]:
        info = db["info"]
        out.append(f"Seeded {db['version']} in {db['seed_seconds']:.0f} s: {_n(info['venues'])} venues over "
                   f"the province's wards, {_n(info['visitors'])} visitors with remembered devices, "
                   f"{_n(info['recent_visits'] + info['old_visits'])} visits ({_n(info['old_visits'])} of them "
                   f"older than 28 days).")
    out.append("")
    for db in results["databases"]:
        if db.get("profile"):
            out += [f"### Profile of the check-in on {db['version']} (pyinstrument, in-process)", "",
                    "```", db["profile"].strip(), "```", ""]
    return "\n".join(out)


KIND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def render_scale(name, text, note, when, kind="sqlite"):
    """One scale benchmark's section (kept in the document until that benchmark runs again on
    the same kind of database)."""
    body = text if text else "Not measured yet."
    return f"### `python -m bench.{name}` on {KIND_NAMES[kind]} ({note}, {when})\n\n{body}\n"


def _block(name):
    return f"<!-- make bench: {name} from here -->", f"<!-- make bench: {name} up to here -->"


def _replace(document, name, text, keep_old=False):
    start, end = _block(name)
    if start in document and end in document:
        if keep_old:
            return document
        head, rest = document.split(start, 1)
        return f"{head}{start}\n{text}\n{end}{rest.split(end, 1)[1]}"
    return f"{document.rstrip()}\n\n{start}\n{text}\n{end}\n"


def write(path, runs, scale=(), when="", scale_kind="sqlite"):
    """Replace the generated sections of the document (create it when missing): `runs` is
    [(database kind, Markdown)], `scale` the scale benchmarks run on `scale_kind`. A database or
    scale benchmark that did not run this time keeps its section from the last run that had it."""
    document = "# Benchmarks\n"
    if os.path.exists(path):
        with open(path) as handle:
            document = handle.read()
    for kind, text in runs:
        document = _replace(document, f"latest run on {kind}", text)
    for name, output, note, *kind in scale:  # an entry may name its own database kind
        kind = kind[0] if kind else scale_kind
        document = _replace(document, f"{name} on {kind}", render_scale(name, output, note, when, kind),
                            keep_old=not output)
    with open(path, "w") as handle:
        handle.write(document)


def write_sections(path, sections):
    """Replace (or add at the end) the generated sections {name: Markdown} of the document."""
    if not sections:
        return
    with open(path) as handle:
        document = handle.read()
    for name, text in sections.items():
        document = _replace(document, name, text)
    with open(path, "w") as handle:
        handle.write(document)


def failures(results):
    """Correctness checks of the run (errors, visits = successful check-ins); not timing."""
    found = []
    pages = [("", results.get("ceiling", {}))] + [(f"{db['kind']} ", db.get("ceiling", {}))
                                                   for db in results["databases"]]
    for kind, runs in pages:
        for clients, run in runs.items():
            if run.errors:
                found.append(f"{kind}ceiling {clients} clients: {run.errors} errors {run.error_kinds} "
                             f"{run.example_error[:200]}")
    for db in results["databases"]:
        for clients, (run, recorded) in db["runs"].items():
            if run.errors:
                found.append(f"{db['kind']} {clients} clients: {run.errors} errors {run.error_kinds} "
                             f"{run.example_error[:200]}")
            if recorded != run.successes:
                found.append(f"{db['kind']} {clients} clients: {recorded} visits for {run.successes} check-ins")
        p = db["purge"]
        if p["quiet_new"] != p["quiet"].successes or p["during_new"] != p["during"].successes:
            found.append(f"{db['kind']} purge: visits recorded differ from successful check-ins")
        if p["failed"]:
            found.append(f"{db['kind']} purge failed: {p['output'][-300:]}")
    return found
