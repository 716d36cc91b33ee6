"""Playwright drives Debian's chromium (never `playwright install`): no browser, no pass."""

import os
import shutil
from pathlib import Path

import pytest

from conftest import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself (fixtures) are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


# Every page runs under the site's Content-Security-Policy (issue 15 §23): each page of a
# context reports the violations it sees, and a test with any fails.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def _new_page(browser, locale: str, **options):
    violations: list[str] = []
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale=locale, **options)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("console", lambda m: _collect(m, violations))
    page.set_default_timeout(15000)
    return context, page, violations


def _collect(message, violations: list[str]) -> None:
    text = message.text
    if "Content Security Policy" in text or text.startswith("CSP violation"):
        violations.append(text)


def csp_page(browser, locale: str, **options):
    """A page that collects CSP violations, for fixtures of test modules: (context, page,
    violations); assert that violations is empty after the test."""
    return _new_page(browser, locale, **options)


@pytest.fixture
def page(browser):
    context, page, violations = _new_page(browser, "en-US")
    yield page
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def zh_page(browser):
    """A page whose browser asks for Chinese (Accept-Language: zh-CN)."""
    context, page, violations = _new_page(browser, "zh-CN")
    yield page
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def cjk_font_installed() -> bool:
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    import subprocess

    out = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False)  # noqa: S603
    return bool(out.stdout.strip())


def sign_in(page, live_server, username: str) -> None:
    """`username` signs in through the login page (an earlier user's session dropped first),
    and the dashboard shows."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_test_id("dashboard").wait_for()
