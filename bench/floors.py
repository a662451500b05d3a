"""The floors the workbooks are measured against: hand-written SQL that aggregates in the
database, and openpyxl's write-only mode appending the same rows as plain values.

A floor produces the same sheets, with the same rows and columns, as the workbook it stands for,
but without the product's layers (models, per-cell styles, column fitting, charts). The SQL
computes every figure itself: the agencies' sums with window functions, the derived columns
with CASE expressions.
"""

from __future__ import annotations

import datetime as dt
import io

from django.db import connection
from openpyxl import Workbook

from policy import rules
from reports import workbooks

STATUS_LABELS = " ".join(
    f"WHEN '{value}' THEN '{label}'"
    for value, label in (
        ("pending", "Pending"),
        ("approved", "Approved"),
        ("denied", "Denied"),
        ("cancelled", "Cancelled"),
        ("reversed", "Reversed"),
        ("awaiting_supervisor", "Awaiting the supervisor"),
    )
)


# The Employees sheet's columns: after the agency's code and name on each row of the query.
EMPLOYEE_WIDTH = len(workbooks.EMPLOYEE_COLUMNS)


def _in(values) -> str:
    return ", ".join(f"'{value}'" for value in sorted(values))


def _least(a: str, b: str) -> str:
    return f"(CASE WHEN {a} < {b} THEN {a} ELSE {b} END)"


def _employees_sql(*, one_agency: bool) -> str:
    """Every employee with the year's figures and their agency's sums, in one query."""
    params = rules.DEFAULT_PARAMS
    cap, ratio, step = params.cap_hours, params.match_ratio, params.increment
    # The balance's paid_pending holds every requested hour; the sheet shows the part still
    # with a supervisor apart from the part with the coordinator.
    committed = "(x.paid_approved + x.paid_pending + x.paid_awaiting_supervisor)"
    available = _least(f"{cap} - {committed}", f"x.personal_verified / {ratio} - {committed}")
    if connection.vendor == "postgresql":
        floor_step = f"FLOOR({available} / {step}) * {step}"
    else:
        floor_step = f"CAST({available} / {step} AS INTEGER) * {step}"
    out = f"(CASE WHEN x.personal_verified >= x.paid_approved * {ratio} THEN 0 ELSE 1 END)"
    active = "(CASE WHEN x.paid_approved > 0 OR x.personal_verified > 0 THEN 1 ELSE 0 END)"
    where = "WHERE a.id = %(agency)s" if one_agency else ""
    agency = "PARTITION BY x.agency_id"
    # Only constants are interpolated; every value is a bound parameter.
    return f"""
    WITH x AS (
        SELECT a.id AS agency_id, a.code, a.name AS agency_name, a.headcount,
               e.employee_number, TRIM(u.first_name || ' ' || u.last_name) AS name,
               CASE WHEN e.bargaining_unit IN ({_in(rules.COVERED_BARGAINING_UNITS)})
                     AND e.appointment IN ({_in(rules.ELIGIBLE_APPOINTMENTS)})
                    THEN 'Yes' ELSE 'No' END AS eligible,
               EXISTS (SELECT 1 FROM agencies_enrollment n
                       JOIN agencies_pilot p ON p.id = n.pilot_id
                       WHERE n.employee_id = e.id AND p.agency_id = e.agency_id
                         AND n.commitment_starts_on <= %(last)s
                         AND n.commitment_ends_on >= %(first)s) AS on_roster,
               EXISTS (SELECT 1 FROM agencies_enrollment n
                       JOIN agencies_pilot p ON p.id = n.pilot_id
                       WHERE n.employee_id = e.id AND p.agency_id = e.agency_id
                         AND (n.status = 'active'
                              OR (n.withdrawn_on > %(first)s
                                  AND n.withdrawn_on > n.commitment_starts_on))
                         AND n.commitment_starts_on <= %(last)s
                         AND n.commitment_ends_on >= %(first)s) AS enrolled,
               EXISTS (SELECT 1 FROM agencies_enrollment n
                       JOIN agencies_pilot p ON p.id = n.pilot_id
                       WHERE n.employee_id = e.id AND p.agency_id = e.agency_id
                         AND n.status = 'active'
                         AND n.commitment_starts_on <= %(last)s
                         AND n.commitment_ends_on >= %(first)s) AS active_line,
               COALESCE(b.paid_approved, 0) AS paid_approved,
               COALESCE(b.paid_pending, 0) - COALESCE(w.hours, 0) AS paid_pending,
               COALESCE(w.hours, 0) AS paid_awaiting_supervisor,
               COALESCE(b.personal_verified, 0) AS personal_verified,
               COALESCE(b.personal_logged, 0) AS personal_logged
        FROM agencies_agency a
        JOIN agencies_employee e ON e.agency_id = a.id
        JOIN auth_user u ON u.id = e.user_id
        LEFT JOIN hours_balance b ON b.employee_id = e.id AND b.year = %(year)s
        LEFT JOIN (SELECT r.employee_id, SUM(r.hours) AS hours FROM hours_leaverequest r
                   WHERE r.status = 'awaiting_supervisor'
                     AND r.date BETWEEN %(first)s AND %(last)s
                   GROUP BY r.employee_id) w ON w.employee_id = e.id
        {where}
    )
    SELECT x.code, x.agency_name, x.employee_number, x.name, x.eligible,
           CASE WHEN x.active_line THEN 'Active' WHEN x.on_roster THEN 'Withdrawn'
                ELSE 'Not on roster' END,
           {cap}, x.paid_approved, x.paid_pending, x.paid_awaiting_supervisor,
           x.personal_verified, x.personal_logged,
           CASE WHEN {available} < 0 THEN 0 ELSE {floor_step} END,
           CASE WHEN {out} = 0 THEN 'Yes' ELSE 'No' END,
           x.headcount,
           SUM(CASE WHEN x.on_roster THEN 1 ELSE 0 END) OVER ({agency}),
           SUM(CASE WHEN x.enrolled THEN 1 ELSE 0 END) OVER ({agency}),
           SUM({active}) OVER ({agency}),
           SUM(x.paid_approved) OVER ({agency}),
           SUM(x.paid_pending) OVER ({agency}),
           SUM(x.paid_awaiting_supervisor) OVER ({agency}),
           SUM(x.personal_verified) OVER ({agency}),
           SUM(x.personal_logged) OVER ({agency}),
           SUM({out}) OVER ({agency})
    FROM x
    ORDER BY x.code, x.employee_number
    """  # noqa: S608


def _month(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(MONTH FROM {column})::int"
    return f"CAST(strftime('%%m', {column}) AS INTEGER)"


def _monthly_sql(*, one_agency: bool) -> str:
    agency = "AND e.agency_id = %(agency)s" if one_agency else ""
    # Only constants are interpolated; every value is a bound parameter.
    return f"""
    SELECT m, SUM(paid), SUM(personal) FROM (
        SELECT {_month("r.date")} AS m, r.hours AS paid, 0 AS personal
        FROM hours_leaverequest r JOIN agencies_employee e ON e.id = r.employee_id
        WHERE r.status = 'approved' AND r.date BETWEEN %(first)s AND %(last)s {agency}
        UNION ALL
        SELECT {_month("h.date")}, 0, h.hours
        FROM hours_personalhours h JOIN agencies_employee e ON e.id = h.employee_id
        WHERE h.status = 'verified' AND h.date BETWEEN %(first)s AND %(last)s {agency}
    ) t GROUP BY m ORDER BY m
    """  # noqa: S608


def _local_date(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"({column} AT TIME ZONE 'America/Los_Angeles')::date"
    return f"date({column})"


def _reversal(request_id: str) -> str:
    """The rest of a subquery over the request's latest reversal in the ledger."""
    return f"""FROM hours_ledgerentry l LEFT JOIN auth_user a ON a.id = l.actor_id
               WHERE l.kind = 'leave_request.reversed' AND l.subject_type = 'leaverequest'
                 AND l.subject_id = {request_id}
               ORDER BY l.at DESC LIMIT 1"""


def _requests_sql() -> str:
    # Only constants are interpolated; every value is a bound parameter.
    return f"""
    SELECT r.date, e.employee_number, TRIM(u.first_name || ' ' || u.last_name), r.hours,
           '{workbooks.LEAVE_LABEL}', CASE r.status {STATUS_LABELS} END,
           TRIM(v.first_name || ' ' || v.last_name), {_local_date("r.decided_at")},
           CASE WHEN r.status = 'reversed' THEN (
               SELECT TRIM(a.first_name || ' ' || a.last_name) {_reversal("r.id")}
           ) END,
           CASE WHEN r.status = 'reversed' THEN (
               SELECT {_local_date("l.at")} {_reversal("r.id")}
           ) END,
           o.name, r.reason, {_local_date("r.created_at")}
    FROM hours_leaverequest r
    JOIN agencies_employee e ON e.id = r.employee_id
    JOIN auth_user u ON u.id = e.user_id
    JOIN agencies_mentoringorganization o ON o.id = r.organization_id
    LEFT JOIN auth_user v ON v.id = r.approver_id
    WHERE e.agency_id = %(agency)s AND r.date BETWEEN %(first)s AND %(last)s
    ORDER BY r.date, e.employee_number, r.id
    """  # noqa: S608


def _verified_sql() -> str:
    # Only constants are interpolated; every value is a bound parameter.
    return """
    SELECT h.date, e.employee_number, TRIM(u.first_name || ' ' || u.last_name), h.hours,
           o.name, CASE h.verified_via WHEN 'organization_link' THEN 'Organization (its link)'
                                      ELSE 'Coordinator' END,
           h.verified_by_name, h.verified_on,
           CASE WHEN h.verified_via = 'organization_link' THEN '' ELSE h.reason END
    FROM hours_personalhours h
    JOIN agencies_employee e ON e.id = h.employee_id
    JOIN auth_user u ON u.id = e.user_id
    JOIN agencies_mentoringorganization o ON o.id = h.organization_id
    WHERE e.agency_id = %(agency)s AND h.status = 'verified'
      AND h.date BETWEEN %(first)s AND %(last)s
    ORDER BY h.date, e.employee_number, h.id
    """


def _rows(sql: str, params: dict):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(2000):
            yield from batch


def _table(ws, title: str, header: list[str], rows) -> None:
    ws.append([title])
    ws.append(["Generated now"])
    ws.append(header)
    for row in rows:
        ws.append(row)


def _headers(columns) -> list[str]:
    return [column.header for column in columns]


def _definitions(ws, sheets) -> None:
    rows = [[sheet, c.header, c.definition] for sheet, columns in sheets for c in columns]
    _table(ws, "Definitions", ["Sheet", "Column", "Definition"], rows)


def _summary_values(row) -> list:
    """An agency's Summary figures, from the window sums carried on each of its rows."""
    headcount, roster, enrolled, active, approved, pending, awaiting, verified, logged, out = row[
        EMPLOYEE_WIDTH + 2 :
    ]
    cap = rules.DEFAULT_PARAMS.cap_hours
    rate = enrolled / headcount if headcount else None
    share = float(approved) / float(cap * enrolled) if enrolled else None
    return [
        headcount,
        roster,
        enrolled,
        rate,
        active,
        approved,
        pending,
        awaiting,
        verified,
        logged,
        share,
    ] + [out]


def _bounds(year: int, agency_id: int | None = None) -> dict:
    return {
        "year": year,
        "first": dt.date(year, 1, 1),
        "last": dt.date(year, 12, 31),
        "agency": agency_id,
    }


def _save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def adoption_floor(year: int) -> bytes:
    """Summary (a row per agency and totals), Trend, Definitions, a sheet per agency."""
    params = _bounds(year)
    wb = Workbook(write_only=True)
    summary, trend, definitions = (wb.create_sheet(name) for name in workbooks.FIXED_SHEETS)
    summaries, sheet, code = [], None, None
    for row in _rows(_employees_sql(one_agency=False), params):
        if row[0] != code:
            code = row[0]
            sheet = wb.create_sheet(code)
            for line in (
                [f"Employees, {code}"],
                ["Generated"],
                _headers(workbooks.EMPLOYEE_COLUMNS),
            ):
                sheet.append(line)
            summaries.append([row[0], row[1], *_summary_values(row)])
        sheet.append(row[2 : EMPLOYEE_WIDTH + 2])
    totals = (
        ["Total", "All agencies"]
        + [sum(r[i] or 0 for r in summaries) for i in range(2, len(summaries[0]))]
        if summaries
        else []
    )
    _table(summary, "Adoption", _headers(workbooks.ADOPTION_COLUMNS), [*summaries, totals])
    monthly = _rows(_monthly_sql(one_agency=False), params)
    _table(trend, "Trend", _headers(workbooks.MONTHLY_COLUMNS), monthly)
    _definitions(
        definitions,
        [
            ("Summary", workbooks.ADOPTION_COLUMNS),
            ("Trend", workbooks.MONTHLY_COLUMNS),
            ("Each agency's sheet", workbooks.EMPLOYEE_COLUMNS),
        ],
    )
    return _save(wb)


def agency_floor(agency, year: int) -> bytes:
    """Summary, Employees, Monthly, Requests, Verified hours, Definitions for one agency."""
    params = _bounds(year, agency.pk)
    wb = Workbook(write_only=True)
    summary, employees, months, leave, verified, definitions = (
        wb.create_sheet(name)
        for name in ("Summary", "Employees", "Monthly", "Requests", "Verified hours", "Definitions")
    )
    figures = None
    employees.append([f"Employees, {agency.code}"])
    employees.append(["Generated"])
    employees.append(_headers(workbooks.EMPLOYEE_COLUMNS))
    for row in _rows(_employees_sql(one_agency=True), params):
        if figures is None:
            figures = _summary_values(row)
        employees.append(row[2 : EMPLOYEE_WIDTH + 2])
    monthly = _rows(_monthly_sql(one_agency=True), params)
    _table(months, "Monthly", _headers(workbooks.MONTHLY_COLUMNS), monthly)
    _table(leave, "Requests", _headers(workbooks.REQUEST_COLUMNS), _rows(_requests_sql(), params))
    by_way = [0, 0]  # summed as the rows stream, as the workbook does
    verified_rows = _rows(_verified_sql(), params)

    def counted():
        for row in verified_rows:
            by_way[row[5] != "Organization (its link)"] += row[3]
            yield row

    _table(verified, "Verified hours", _headers(workbooks.VERIFIED_HOURS_COLUMNS), counted())
    columns = workbooks.AGENCY_FIGURE_COLUMNS + workbooks.VERIFIED_BY_WAY_ROWS
    values = [*(figures or [None] * len(workbooks.AGENCY_FIGURE_COLUMNS)), *by_way]
    _table(
        summary,
        "Summary",
        _headers(workbooks.SUMMARY_COLUMNS),
        [[c.header, v, c.definition] for c, v in zip(columns, values, strict=True)],
    )
    _definitions(
        definitions,
        [
            ("Summary", columns),
            ("Employees", workbooks.EMPLOYEE_COLUMNS),
            ("Monthly", workbooks.MONTHLY_COLUMNS),
            ("Requests", workbooks.REQUEST_COLUMNS),
            ("Verified hours", workbooks.VERIFIED_HOURS_COLUMNS),
        ],
    )
    return _save(wb)


def leave_accounting_floor(agency, period: dt.date) -> bytes:
    """Lines, Totals, Definitions of what is still to be sent for one agency and month: one
    query for the lines (approved, never sent, dated up to the month's end), the totals summed
    while appending."""
    from accounting import periods
    from reports import leave_accounting

    wb = Workbook(write_only=True)
    lines, totals, definitions = (
        wb.create_sheet(name) for name in ("Lines", "Totals", "Definitions")
    )
    lines.append([f"Leave accounting, {agency.code}"])
    lines.append(["Generated"])
    lines.append(_headers(leave_accounting.LINE_COLUMNS))
    sql = """
        SELECT e.employee_number, TRIM(u.first_name || ' ' || u.last_name), r.date, r.hours,
               r.id, TRIM(a.first_name || ' ' || a.last_name), r.decided_at
        FROM hours_leaverequest r
        JOIN agencies_employee e ON e.id = r.employee_id
        JOIN auth_user u ON u.id = e.user_id
        LEFT JOIN auth_user a ON a.id = r.approver_id
        WHERE e.agency_id = %(agency)s AND r.status = 'approved' AND r.date <= %(last)s
          AND NOT EXISTS (SELECT 1 FROM accounting_batchline b
                          WHERE b.request_id = r.id AND b.undoes_id IS NULL)
        ORDER BY e.employee_number, r.date, r.id
    """
    params = {"agency": agency.pk, "last": periods.last_day(period)}
    by_employee: dict[tuple, object] = {}
    for number, name, day, hours, request_id, approver, decided in _rows(sql, params):
        month = dt.date(day.year, day.month, 1)
        lines.append(
            [
                None,
                number,
                name,
                day,
                hours,
                "Mentoring leave",
                month,
                "No",
                request_id,
                approver,
                decided.date() if decided else None,
                "",
            ]
        )
        by_employee[(number, name)] = by_employee.get((number, name), 0) + hours
    _table(
        totals,
        "Totals",
        _headers(leave_accounting.TOTAL_COLUMNS),
        [[number, name, hours] for (number, name), hours in by_employee.items()],
    )
    _definitions(
        definitions,
        [("Lines", leave_accounting.LINE_COLUMNS), ("Totals", leave_accounting.TOTAL_COLUMNS)],
    )
    return _save(wb)
