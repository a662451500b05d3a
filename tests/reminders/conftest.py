"""A pinned "today" for the digests and reminders (they read it through policy.dates)."""

from __future__ import annotations

import datetime as dt

import pytest

from policy import dates


@pytest.fixture
def on(monkeypatch):
    """on(month, day): pin today to that day of this year; returns the date."""

    def pin(month: int, day: int) -> dt.date:
        pinned = dt.date(dt.date.today().year, month, day)
        monkeypatch.setattr(dates, "today", lambda: pinned)
        return pinned

    return pin


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://mentoring.example.ca.gov"
