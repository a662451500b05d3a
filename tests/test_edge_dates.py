"""Key tests again with "today" on the first and the last day of the year.

The rest of the suite runs on a pinned day in the middle of the year (tests/conftest.py). A
test that puts hours on "today" and on the year's first days, or asks leave ahead, can break
on January 1 or December 31 only; these run the synthetic year's checks and the page-query
tests on both days. The imported tests run here with this module's `today`.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.bench.test_synthetic_year import (  # noqa: F401
    loaded,
    test_every_employee_is_eligible_and_enrolled_on_every_date_they_have_hours,
    test_every_year_keeps_the_cap_and_the_match,
    test_hours_respect_increments_dates_and_daily_limits,
    test_loader_writes_every_employee_with_their_year,
    test_stored_balances_agree_with_the_ledger_and_the_entries,
)
from tests.conftest import TODAY, pin_today
from tests.web.conftest import dot_year, web_client  # noqa: F401
from tests.web.test_page_queries import (  # noqa: F401
    test_coordinator_and_workgroup_pages_queries_do_not_grow,
    test_home_page_queries,
    test_my_year_page_queries_do_not_grow,
)

EDGES = [dt.date(TODAY.year, 1, 1), dt.date(TODAY.year, 12, 31)]


@pytest.fixture(params=EDGES, ids=["january-1", "december-31"])
def today(request, monkeypatch) -> dt.date:
    """Overrides the pinned today for every test of this module."""
    return pin_today(monkeypatch, request.param)
