"""Measure the product at a statewide year's size: loading, workbooks against their floors,
growth, and the API under load. Prints one line per figure and writes docs/BENCHMARKS.md.

    python manage.py bench --scale quick        # about a minute
    DATABASE_URL=postgres://... python manage.py bench   # the statewide year on PostgreSQL
"""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils import timezone

from agencies.models import Agency
from agencies.roster import columns
from bench import api, bombs, database, report
from bench.load import SCALES, YearLoader
from hours.models import LeaveRequest, PersonalHours

GROWTH = (0.1, 0.3, 1.0)
TARGET_MB, TARGET_P95_MS = 300, 50
# (time against the floor, tracemalloc peak in MB): the agency workbook streams its employees
# and requests, so it stays small whatever the agency's size.
WORKBOOK_TARGETS = {"adoption": (1.25, 300), "agency": (1.5, 15)}


def _ms(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.1f}"


class Command(BaseCommand):
    help = "Benchmark a synthetic statewide year: loading, workbooks, growth and the API."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="statewide")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
        parser.add_argument("--levels", default="1,4,8", help="API concurrency levels")
        parser.add_argument("--seconds", type=float, help="per endpoint and level")
        parser.add_argument("--repeat", type=int, help="timed builds per workbook (best kept)")
        parser.add_argument("--no-api", action="store_true", help="skip the API under load")
        parser.add_argument("--keep", action="store_true", help="keep the bench database")
        parser.add_argument(
            "--bombs-only", action="store_true", help="only refusing the spreadsheet bombs"
        )
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "docs" / "BENCHMARKS.md"),
            help="the Markdown file to update ('' to write nothing)",
        )

    def line(self, figure: str, value: str) -> None:
        self.stdout.write(f"{figure:<44} {value}")
        self.stdout.flush()

    def handle(self, *args, **options):
        if options["bombs_only"]:
            self.rows = {}
            self._bombs(options["output"])
            return
        scale = SCALES[options["scale"]]
        statewide = scale.name == "statewide"
        self.repeat = options["repeat"] or (1 if statewide else 3)
        seconds = options["seconds"] or (6.0 if statewide else 1.5)
        levels = [int(n) for n in options["levels"].split(",")]
        self.rows: dict[str, list] = {"load": [], "workbooks": [], "growth": [], "api": []}
        # The synthetic people get no email, whatever the configured backend.
        dummy = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        dummy.enable()
        bench_db = database.create()
        self.env = api.production_env(bench_db.env)
        try:
            self.line("database", f"{database.version()} ({bench_db.name})")
            call_command("migrate", verbosity=0, interactive=False)
            call_command("createcachetable", verbosity=0)
            self._run(scale, seconds=seconds, levels=levels, options=options)
        finally:
            if options["keep"]:
                self.line("bench database kept", bench_db.name)
            else:
                bench_db.drop()
            dummy.disable()

    # --- the run --------------------------------------------------------------------------------

    def _run(self, scale, *, seconds, levels, options) -> None:
        started = time.perf_counter()
        self.load_before = os.getloadavg()
        today = timezone.localdate()
        self.year = today.year
        loader = YearLoader(scale=scale, today=today)
        total = loader.load_fixed()
        self.line(
            "scale", f"{scale.name}: {scale.employees:,} employees, {scale.agencies} agencies"
        )
        loaded, query_counts = 0, []
        for share in GROWTH:
            stop = round(scale.employees * share)
            stats = loader.load_employees(loaded, stop)
            total.add(stats)
            loaded = stop
            entries = PersonalHours.objects.count() + LeaveRequest.objects.count()
            self.line(
                f"load {share:.0%}: rows per second",
                f"{stats.total / stats.seconds:,.0f} ({stats.total:,} rows in "
                f"{stats.seconds:.1f} s; {entries:,} hour entries so far)",
            )
            try:
                growth = self._measure("adoption", "workbook")
            except CommandError as error:
                self.line(f"growth {share:.0%}: FAILED", str(error).splitlines()[-1])
                continue
            self.rows["growth"].append((share, loaded, entries, growth))
            self.line(
                f"growth {share:.0%}: adoption workbook",
                f"{growth['seconds']:.2f} s, {growth['queries']} queries ({entries:,} entries)",
            )
            if not options["no_api"]:
                counts = api.query_counts(api.prepare_actors(employees=20, today=today))
                query_counts.append(counts)
                self.line(
                    f"growth {share:.0%}: queries per request",
                    ", ".join(f"{k} {v}" for k, v in counts.items()),
                )
        self.total = total
        self.line(
            "load: rows per second",
            f"{total.total / total.seconds:,.0f} ({total.total:,} rows in {total.seconds:.1f} s)",
        )
        for label, count in sorted(total.rows.items()):
            self.line(f"load: {label}", f"{count:,}")
        self.balances_after_load = self._check_balances()

        self._bombs(options["output"])
        self._workbooks()
        self.api_results, self.query_counts = [], query_counts
        if not options["no_api"]:
            self._api(seconds=seconds, levels=levels, workers=options["workers"], today=today)
            self.balances_after_api = self._check_balances()
        self.elapsed = time.perf_counter() - started
        self.load_after = os.getloadavg()
        self.line(
            "machine load average (1 min)",
            f"{self.load_before[0]:.1f} at the start, {self.load_after[0]:.1f} at the end",
        )
        self.line("bench: total time", f"{self.elapsed:.0f} s")
        if options["output"]:
            path = Path(options["output"])
            report.write_section(path, scale.name, self._markdown(scale, options))
            self.line("written", str(path))

    def _check_balances(self) -> str:
        out = io.StringIO()
        try:
            call_command("check_balances", stdout=out)
        except CommandError as error:
            raise CommandError(f"check_balances failed: {error}\n{out.getvalue()}") from error
        summary = " ".join(out.getvalue().split())
        self.line("check_balances", summary)
        return summary

    # --- spreadsheet bombs ----------------------------------------------------------------------

    def _bombs(self, output: str) -> None:
        """How fast, and in how little memory, the roster import refuses each bomb; written to
        its own section of docs/BENCHMARKS.md (it does not depend on the scale)."""
        self.rows["bombs"] = []
        for bomb in bombs.bombs():
            result = bombs.refuse(bomb)
            self.rows["bombs"].append((bomb, result))
            self.line(
                f"bomb {bomb.name}",
                f"{result['code']} in {result['seconds'] * 1000:.1f} ms, "
                f"{result['peak_mb']:.1f} MB traced ({len(bomb.data) / 1024:,.0f} KiB file, "
                f"{bomb.unzipped / 2**20:,.0f} MiB unzipped)",
            )
        if output:
            report.write_section(Path(output), "bombs", self._bombs_markdown())

    def _bombs_markdown(self) -> str:
        out = []
        bomb_rows = [
            [
                bomb.name,
                bomb.what,
                f"{len(bomb.data) / 1024:,.0f} KiB",
                f"{bomb.unzipped / 2**20:,.0f} MiB",
                result["code"],
                f"{result['seconds'] * 1000:.1f} ms",
                f"{result['peak_mb']:.1f} MB",
            ]
            for bomb, result in self.rows.get("bombs", [])
        ]
        out.append(
            "### Spreadsheet bombs: refusing them\n\n"
            "Each file is read as a roster upload (`agencies/roster/reading.py`); the time is "
            "the best of three, the memory tracemalloc's peak in a separate read.\n\n"
            + report.table(
                ["bomb", "what", "file", "unzipped", "answer", "time", "peak traced"],
                bomb_rows,
            )
        )

        limits = (
            f"Limits (`agencies/roster/columns.py`): {columns.MAX_SHEET_ROWS:,} rows a sheet, "
            f"{columns.MAX_CELLS_PER_ROW:,} cells a row, {columns.MAX_CELLS:,} cells in all, "
            f"{columns.MAX_SHARED_STRINGS:,} shared strings; unpacked, "
            f"{columns.MAX_SHEET_BYTES // 2**20} MiB a sheet, "
            f"{columns.MAX_SHARED_STRINGS_BYTES // 2**20} MiB of shared strings, "
            f"{columns.MAX_OTHER_PART_BYTES // 2**20} MiB any other part. Run "
            f"{timezone.localtime():%Y-%m-%d %H:%M %Z}; `python manage.py bench --bombs-only` "
            "measures this section alone."
        )
        return "\n\n".join([*out, limits])

    # --- workbooks ------------------------------------------------------------------------------

    def _measure(
        self, what: str, kind: str, *, agency: str = "", memory: bool = False, period: str = ""
    ) -> dict:
        command = [sys.executable, "-m", "bench.measure", what, kind, "--year", str(self.year)]
        command += ["--repeat", str(self.repeat)]
        if agency:
            command += ["--agency", agency]
        if period:
            command += ["--period", period]
        if memory:
            command.append("--memory")
        finished = subprocess.run(  # noqa: S603 (our own executable and arguments)
            command,
            cwd=settings.BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if finished.returncode:
            raise CommandError(f"{' '.join(command)} failed:\n{finished.stderr}")
        return json.loads(finished.stdout.strip().splitlines()[-1])

    def _workbooks(self) -> None:
        largest = Agency.objects.order_by("-headcount", "code").first()
        self.agency_code = largest.code
        # Leave accounting: the largest agency's first send of this month, which holds every
        # approved hour of the year so far (nothing has been sent before it).
        period = f"{timezone.localdate():%Y-%m}"
        for what, agency in (
            ("adoption", ""),
            ("agency", largest.code),
            ("leave_accounting", largest.code),
        ):
            month = period if what == "leave_accounting" else ""
            try:
                floor = self._measure(what, "floor", agency=agency, memory=True, period=month)
                book = self._measure(what, "workbook", agency=agency, memory=True, period=month)
            except CommandError as error:
                # Report it and go on to the API: one failed build should not lose the run.
                self.line(f"{what} workbook: FAILED", str(error).splitlines()[-1])
                continue
            self.rows["workbooks"].append((what, agency, book, floor))
            name = f"{what} workbook" + (f" ({agency})" if agency else "")
            if month:
                name = f"leave accounting export ({agency}, {month})"
            self.line(
                f"{name}: time",
                f"{book['seconds']:.2f} s, floor {floor['seconds']:.2f} s, "
                f"ratio {book['seconds'] / floor['seconds']:.2f}",
            )
            self.line(
                f"{name}: peak memory",
                f"{book['tracemalloc_peak_mb']:.1f} MB traced, "
                f"+{book['rss_delta_mb']:.1f} MB resident; floor "
                f"{floor['tracemalloc_peak_mb']:.1f} MB traced, +{floor['rss_delta_mb']:.1f} MB "
                f"resident; ratio {book['tracemalloc_peak_mb'] / floor['tracemalloc_peak_mb']:.2f}",
            )
            self.line(f"{name}: queries", f"{book['queries']} (floor {floor['queries']})")

    # --- the API --------------------------------------------------------------------------------

    def _api(self, *, seconds, levels, workers, today) -> None:
        pool = 300 if self.total.rows["agencies.Employee"] >= 3000 else 60
        actors = api.prepare_actors(employees=pool, today=today)
        server = api.Server(self.env, workers=workers)
        try:
            server.wait_ready()
            plan = api.build_plan(
                actors, port=server.port, seconds=seconds, limit=int(seconds * 400), levels=levels
            )
            self.api_results = api.drive(plan, self.env)
        finally:
            server.stop()
        health = {r["concurrency"]: r for r in self.api_results if r["scenario"] == "healthz"}
        for result in self.api_results:
            base = health[result["concurrency"]]
            result["p95_ratio"] = result["p95_ms"] / base["p95_ms"]
            result["rps_ratio"] = result["rps"] / base["rps"] if base["rps"] else float("nan")
            self.line(
                f"api {result['scenario']} c={result['concurrency']}",
                f"{result['rps']:.0f} req/s, p50 {_ms(result['p50_ms'])} ms, "
                f"p95 {_ms(result['p95_ms'])} ms, p99 {_ms(result['p99_ms'])} ms, "
                f"p95 x{result['p95_ratio']:.1f} healthz, {result['requests']} ok, "
                f"{result['failures']} failed",
            )
            for sample in result["failure_sample"]:
                self.line("  failure", sample)

    # --- docs/BENCHMARKS.md -------------------------------------------------------------------

    def _markdown(self, scale, options) -> str:
        from django.db import connection

        out = []
        machine = report.machine(database.version())
        title = {"statewide": "Statewide year", "quick": "Quick scale", "tiny": "Tiny scale"}
        out.append(
            f"## {title[scale.name]}: {scale.employees:,} enrolled employees, "
            f"{scale.agencies} agencies, {scale.entries:,} hour entries"
        )
        out.append(
            f"Run {timezone.localtime():%Y-%m-%d %H:%M %Z} for the year {self.year}, "
            f"{self.elapsed:.0f} s in all."
        )
        machine["load average (1 min)"] = (
            f"{self.load_before[0]:.1f} at the start, {self.load_after[0]:.1f} at the end "
            "(other work shared the cores)"
        )
        out.append(report.table(["machine", ""], [[k, v] for k, v in machine.items()]))
        url = "DATABASE_URL=postgres://USER@HOST:5432/DB " if connection.vendor != "sqlite" else ""
        command = f"{url}make bench SCALE={scale.name}"
        out.append("Reproduce with:\n\n```sh\nmake test\n" + command + "\n```")

        total = self.total
        load_rows = [
            ["rows per second", f"{total.total / total.seconds:,.0f}"],
            ["rows", f"{total.total:,} in {total.seconds:.1f} s"],
        ] + [[label, f"{count:,}"] for label, count in sorted(total.rows.items())]
        load_rows.append(["check_balances after loading", self.balances_after_load])
        if self.api_results:
            load_rows.append(["check_balances after the API run", self.balances_after_api])
        out.append("### Loading\n\n" + report.table(["figure", "value"], load_rows))

        rows = []
        for what, agency, book, floor in self.rows["workbooks"]:
            rows.append(
                [
                    what + (f" ({agency})" if agency else ""),
                    f"{book['seconds']:.2f} s",
                    f"{floor['seconds']:.2f} s",
                    f"{book['seconds'] / floor['seconds']:.2f}",
                    f"{book['tracemalloc_peak_mb']:.1f} MB",
                    f"{floor['tracemalloc_peak_mb']:.1f} MB",
                    f"+{book['rss_delta_mb']:.1f} MB",
                    f"+{floor['rss_delta_mb']:.1f} MB",
                    f"{book['queries']} ({floor['queries']})",
                    f"{book['bytes'] / 2**20:.1f} MB",
                ]
            )
        out.append(
            "### Workbooks against their floors\n\n"
            + report.table(
                [
                    "workbook",
                    "time",
                    "floor",
                    "ratio",
                    "peak traced",
                    "floor traced",
                    "resident growth",
                    "floor resident",
                    "queries (floor)",
                    "file",
                ],
                rows,
            )
        )

        growth, first = [], (self.rows["growth"] or [None])[0]
        for share, employees, entries, result in self.rows["growth"]:
            data_ratio = entries / first[2]
            time_ratio = result["seconds"] / first[3]["seconds"]
            growth.append(
                [
                    f"{share:.0%}",
                    f"{employees:,}",
                    f"{entries:,}",
                    f"{result['seconds']:.2f} s",
                    str(result["queries"]),
                    f"x{data_ratio:.1f}",
                    f"x{time_ratio:.1f}",
                ]
            )
        out.append(
            "### Growth: the adoption workbook as the year fills\n\n"
            + report.table(
                ["share", "employees", "entries", "time", "queries", "data", "time"], growth
            )
        )
        if self.query_counts and len(self.query_counts) == len(self.rows["growth"]):
            names = list(self.query_counts[0])
            counts = [
                [f"{share:.0%}", *[str(c.get(n, "")) for n in names]]
                for (share, *_), c in zip(self.rows["growth"], self.query_counts, strict=True)
            ]
            out.append(
                "SQL queries per API request at each size (Django test client):\n\n"
                + report.table(["share", *names], counts)
            )

        if self.api_results:
            rows = [
                [
                    api.LABELS[r["scenario"]],
                    str(r["concurrency"]),
                    f"{r['rps']:.0f}",
                    _ms(r["p50_ms"]),
                    _ms(r["p95_ms"]),
                    _ms(r["p99_ms"]),
                    f"{r['p95_ratio']:.1f}",
                    f"{r['rps_ratio']:.2f}",
                    f"{r['requests']} / {r['failures']}",
                ]
                for r in self.api_results
            ]
            out.append(
                f"### API under load ({options['workers']} gunicorn workers)\n\n"
                + report.table(
                    [
                        "endpoint",
                        "clients",
                        "req/s",
                        "p50 ms",
                        "p95 ms",
                        "p99 ms",
                        "p95 / healthz",
                        "req/s / healthz",
                        "ok / failed",
                    ],
                    rows,
                )
            )
        out.append("### Targets\n\n" + report.table(["target", "measured", "met"], self._targets()))
        return "\n\n".join(out)

    def _targets(self) -> list[list[str]]:
        rows = []
        for what, _agency, book, floor in self.rows["workbooks"]:
            if what not in WORKBOOK_TARGETS:
                continue  # measured next to its floor, with no target of its own
            ratio_target, traced_target = WORKBOOK_TARGETS[what]
            ratio = book["seconds"] / floor["seconds"]
            traced = book["tracemalloc_peak_mb"]
            peak = max(traced, book["rss_delta_mb"])
            rows.append(
                [
                    f"{what} workbook within {ratio_target}x its floor",
                    f"{ratio:.2f}x",
                    "yes" if ratio <= ratio_target else "no",
                ]
            )
            rows.append(
                [
                    f"{what} workbook under {traced_target} MB traced",
                    f"{traced:.1f} MB",
                    "yes" if traced < traced_target else "no",
                ]
            )
            if what == "adoption":
                rows.append(
                    [
                        f"adoption workbook under {TARGET_MB} MB peak",
                        f"{peak:.0f} MB",
                        "yes" if peak < TARGET_MB else "no",
                    ]
                )
        top = max((r["concurrency"] for r in self.api_results), default=None)
        for r in self.api_results:
            if r["concurrency"] != top or r["scenario"] == "healthz":
                continue
            rows.append(
                [
                    f"{api.LABELS[r['scenario']]} p95 < {TARGET_P95_MS} ms at {top} clients",
                    f"{_ms(r['p95_ms'])} ms",
                    "yes" if r["p95_ms"] < TARGET_P95_MS and not r["failures"] else "no",
                ]
            )
        queries = [r[3]["queries"] for r in self.rows["growth"]]
        rows.append(
            [
                "adoption workbook query count constant",
                " / ".join(map(str, queries)),
                "yes" if len(set(queries)) == 1 else "no",
            ]
        )
        if self.query_counts:
            same = all(counts == self.query_counts[0] for counts in self.query_counts)
            rows.append(
                [
                    "API query counts constant",
                    "same at every size" if same else "differ",
                    "yes" if same else "no",
                ]
            )
        return rows
