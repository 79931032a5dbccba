"""Profile the check-in hot path in-process with pyinstrument, on a seeded benchmark database.

`python -m bench.profile --database URL --data-key KEY --secret KEY --venues FILE --devices FILE`
prints where the time of the check-in POST (and of the venue page and confirmation) goes.
"""
import argparse
import re
import time

FORM = re.compile(r'<form class="act" method="post" action="([^"]+)">(.*?)</form>', re.S)
HIDDEN = re.compile(r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"'
                    r'|<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"')


def _fields(html):
    match = FORM.search(html)
    if not match:
        return None, {}
    fields = {}
    for found in HIDDEN.finditer(match.group(2)):
        name, value = (found.group(1), found.group(2)) if found.group(1) else (found.group(3), found.group(4))
        fields[name] = value
    return match.group(1), fields


def profile(app, venues, devices, count=300, interval=0.0005):
    """Run `count` complete check-ins; returns {kind: (pyinstrument Profiler, wall and CPU seconds
    per call)}. With interval=0 nothing is profiled: only the times are taken."""
    from pyinstrument import Profiler

    profilers = {kind: Profiler(interval=interval) for kind in ("page", "post", "confirm")}
    spent = {kind: 0.0 for kind in profilers}
    cpu = {kind: 0.0 for kind in profilers}
    client = app.test_client()
    for i in range(count):
        client.set_cookie("vr_device", devices[i % len(devices)])
        path = "/v/" + venues[(i * 7919) % len(venues)]
        for kind in ("page", "post", "confirm"):
            started, started_cpu = time.perf_counter(), time.process_time()
            if interval:
                profilers[kind].start()
            if kind == "page":
                response = client.get(path)
                action, fields = _fields(response.get_data(as_text=True))
            elif kind == "post":
                response = client.post(action, data=fields)
                location = response.headers.get("Location", "")
            else:
                response = client.get(location)
            if interval:
                profilers[kind].stop()
            spent[kind] += time.perf_counter() - started
            cpu[kind] += time.process_time() - started_cpu
            if kind == "page" and not action:
                raise RuntimeError(f"no check-in form on {path} ({response.status_code})")
            if kind == "post" and response.status_code != 303:
                raise RuntimeError(f"check-in POST answered {response.status_code}")
    return {kind: (profilers[kind], spent[kind] / count, cpu[kind] / count) for kind in profilers}


def render(results, kinds=("post",)):
    """Time per request of each kind, then the profiles of `kinds` as text (library frames folded)."""
    parts = [f"{kind}: {wall * 1000:.2f} ms per request in-process, {cpu * 1000:.2f} ms of it CPU"
             for kind, (_profiler, wall, cpu) in results.items()]
    for kind in kinds:
        profiler = results[kind][0]
        parts.append(f"\nwhere the {kind} spends its time:")
        parts.append(profiler.output_text(unicode=False, color=False, show_all=False, timeline=False,
                                          short_mode=True)
                     if _supports_short_mode() else profiler.output_text(unicode=False, color=False))
    return "\n".join(parts)


def _supports_short_mode():
    import inspect

    from pyinstrument import Profiler

    return "short_mode" in inspect.signature(Profiler.output_text).parameters


def main():
    """Command line: profile check-ins against a seeded database."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--data-key", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--venues", required=True)
    parser.add_argument("--devices", required=True)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--interval", type=float, default=0.0005, help="0: time only, no profile")
    args = parser.parse_args()
    from portal import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "PORTAL_DATA_KEY": args.data_key,
                      "SECRET_KEY": args.secret, "PORTAL_CHECKIN_LIMIT": "1000000 per minute",
                      "PORTAL_CHECKIN_IP_LIMIT": "1000000 per minute",
                      "PORTAL_LOOKUP_LIMIT": "1000000 per minute", "PORTAL_LOG_LEVEL": "WARNING"})
    with open(args.venues) as handle:
        venues = handle.read().split()
    with open(args.devices) as handle:
        devices = handle.read().split()
    results = profile(app, venues, devices, args.count, args.interval)
    print(render(results, ("post", "page", "confirm") if args.interval else ()))


if __name__ == "__main__":
    main()
