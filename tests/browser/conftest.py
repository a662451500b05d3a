"""Browser tests: Playwright for Python driving Debian's Chromium against the live server.

Playwright's own browser download is not used: `make browsers` installs /usr/bin/chromium.
Without it the tests skip. Playwright's sync API runs an event loop in the test's thread, so
Django's guard against database calls from async code is lifted for these tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The tracked screenshots in docs/screenshots/ are rewritten only when asked (`make screenshots`
# sets SCREENSHOTS=docs/screenshots); an ordinary test run writes to the ignored build/ folder,
# so testing leaves the tracked files as they were.
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / os.environ.get("SCREENSHOTS", "build/screenshots")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="package", autouse=True)
def _sync_orm_beside_playwright():
    """Lift the guard for these tests only, so it does not leak into the rest of the run."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="package")
def browser(_sync_orm_beside_playwright):
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: run `make browsers` to install Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def signed_in(browser, live_server):
    """signed_in(user, phone=False): a page of a fresh browser, signed in through the login
    page as `user` (whose password is the factories' PASSWORD)."""
    from tests.factories import PASSWORD

    contexts = []

    def make(user, *, phone: bool = False):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=PHONE if phone else DESKTOP,
            accept_downloads=True,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# --- Accessibility: axe-core in the page ---------------------------------------------------------

AXE_DIR = Path(__file__).resolve().parent / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what California requires of state sites.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(result =>
  result.violations.map(v => ({
    id: v.id, help: v.help, impact: v.impact,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary),
  })))"""


def _axe_source() -> str:
    """axe-core as pinned in tests/browser/axe/package-lock.json (`make browsers` installs it;
    a run without it installs it once with `npm ci`)."""
    if not AXE_JS.exists():
        import shutil
        import subprocess

        if shutil.which("npm") is None:
            pytest.fail("axe-core is missing and npm is not installed: run `make browsers`")
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=AXE_DIR,
            check=True,
            timeout=300,
        )
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def axe_source() -> str:
    return _axe_source()


@pytest.fixture
def check_accessibility(axe_source):
    """check_accessibility(page, what): run axe-core on the page as it is and fail on any WCAG
    2.1 A or AA violation, naming each rule and the elements it found. axe is evaluated
    through the DevTools protocol, which a Content-Security-Policy does not block."""

    def check(page, what: str = "") -> None:
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        violations = page.evaluate(AXE_RUN, AXE_TAGS)
        if violations:
            lines = [f"{what or page.url}: {len(violations)} WCAG A/AA violation(s)"]
            for v in violations:
                lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
                lines += [f"    {node}" for node in v["nodes"]]
            pytest.fail("\n".join(lines), pytrace=False)

    return check
