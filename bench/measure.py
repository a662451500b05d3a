"""Time and memory of one workbook or floor, in a fresh process.

    python -m bench.measure adoption workbook --year 2026 [--repeat 2] [--memory]
    python -m bench.measure agency floor --year 2026 --agency DOT
    python -m bench.measure leave_accounting workbook --year 2026 --agency DOT --period 2026-11

Run by `manage.py bench` with the bench database in the environment. The resident figure is
the resident set's high-water mark (VmHWM), reset just before the first build, less the
resident set at that moment: what the build needed. The tracemalloc peak (Python allocations)
is taken in a second build, because tracing slows the code it traces. Prints one line of JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import tracemalloc


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> None:
    """Start the resident-set high-water mark afresh (Linux: "5" to clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def _resident_mb() -> float:
    return _status_mb("VmRSS") or 0.0


def _peak_mb() -> float:
    """The process's resident high-water mark. VmHWM belongs to this process image; ru_maxrss
    would also count the parent's peak, which Linux carries across fork and exec."""
    peak = _status_mb("VmHWM")
    if peak is None:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return peak


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.measure")
    parser.add_argument("what", choices=["adoption", "agency", "leave_accounting"])
    parser.add_argument("kind", choices=["workbook", "floor"])
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--agency", default="")
    parser.add_argument("--period", default="", help="YYYY-MM, for leave_accounting.")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leave_tracker.settings.base")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from agencies.models import Agency
    from bench import floors
    from reports import workbooks

    if args.what == "adoption":
        build = {
            "workbook": lambda: workbooks.build_adoption_workbook(args.year),
            "floor": lambda: floors.adoption_floor(args.year),
        }[args.kind]
    elif args.what == "leave_accounting":
        import datetime as dt

        from accounting import selectors as accounting
        from reports import leave_accounting

        agency = Agency.objects.get(code=args.agency)
        year, month = map(int, args.period.split("-"))
        period = dt.date(year, month, 1)
        build = {
            "workbook": lambda: leave_accounting.build_xlsx(
                accounting.unsent_export(agency=agency, period=period)
            ),
            "floor": lambda: floors.leave_accounting_floor(agency, period),
        }[args.kind]
    else:
        agency = Agency.objects.get(code=args.agency)
        build = {
            "workbook": lambda: workbooks.build_agency_workbook(agency, args.year),
            "floor": lambda: floors.agency_floor(agency, args.year),
        }[args.kind]

    connection.ensure_connection()
    _reset_peak()
    baseline = _resident_mb()
    times, size = [], 0
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        size = len(build())
        times.append(time.perf_counter() - started)
    query_count = len(queries)
    rss_delta = _peak_mb() - baseline
    for _ in range(args.repeat - 1):
        started = time.perf_counter()
        build()
        times.append(time.perf_counter() - started)
    result = {
        "seconds": min(times),
        "seconds_all": times,
        "queries": query_count,
        "rss_delta_mb": round(rss_delta, 1),
        "bytes": size,
    }
    if args.memory:
        tracemalloc.start()
        build()
        result["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
