"""The machine, and docs/BENCHMARKS.md: one section per scale, replaced on each run."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

import django

INTRO = """# Benchmarks

Measured by `manage.py bench` (`make bench`), never by a timed test. Each run creates its own
database (the configured one's name with `_bench` added, on the PostgreSQL server of
`DATABASE_URL`, or a temporary SQLite file), loads a synthetic year into it with bulk inserts
through the real models and constraints, measures, and drops it. Each scale's section below
is rewritten by its own run; the rest of this file is left as it is.

What is measured:

- **Loading**: rows per second for the whole year (users, employees, enrollments, personal
  hours, leave requests, balances and their ledger entries), then `check_balances`.
- **Workbooks**: time and peak memory to build the adoption workbook and one agency workbook
  (the largest agency), each in a fresh process, next to its **floor** measured in the same
  run: hand-written SQL that aggregates in the database (window functions for the agencies'
  sums, CASE for the derived columns; the adoption floor is two statements, employees and
  months; the agency floor three, adding the requests) and openpyxl's write-only mode
  appending the same sheets and rows as plain values. Time is the best of the timed builds;
  memory is the tracemalloc peak of a separate build and the growth of the process's resident
  set during the first build (its high-water mark, VmHWM, reset before the build).
- **Growth**: the adoption workbook after loading 10%, 30% and 100% of the employees (with
  their entries), with its time and SQL query count at each size.
- **API**: gunicorn (DEBUG off, loopback, 4 workers) against the bench database, driven by
  `python -m bench.http` in a separate process, one thread per concurrent client, at
  concurrency 1, 4 and 8, each endpoint next to `/healthz` in the same run. Query counts per
  request come from Django's test client at each growth step.
- **Spreadsheet bombs**: time and peak traced memory for the roster import to refuse each of
  six bombs (`bench/bombs.py`), the review's two at full size among them; a section of its own,
  the same at every scale (`python manage.py bench --bombs-only` measures only that).
"""


def machine(database: str) -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        text = Path("/proc/cpuinfo").read_text()
        found = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
        cpu = found.group(1).strip() if found else cpu
    except OSError:
        pass
    memory = "unknown"
    try:
        found = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
        if found:
            memory = f"{int(found.group(1)) / 2**20:.1f} GiB"
    except OSError:
        pass
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "database": database,
    }


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def write_section(path: Path, scale: str, body: str) -> None:
    begin, end = f"<!-- bench:{scale}:begin -->", f"<!-- bench:{scale}:end -->"
    block = f"{begin}\n{body.strip()}\n{end}"
    text = path.read_text() if path.exists() else INTRO
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
