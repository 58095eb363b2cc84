"""Browser tests: Playwright driving Debian's Chromium against a real zhenxing server.

Chromium is the system's (``apt-get install chromium``, which ``make test``
does), launched by path: Playwright's own browser download is never used, so
the tests need no network. Without ``/usr/bin/chromium`` (or
``$ZHENXING_CHROMIUM``) they are skipped, saying so.

Every page a test opens is watched: a JavaScript error, a failed request or
a Content-Security-Policy violation fails the test, so a page that relied on
an inline script or style, or a vendored file that did not load, cannot pass
unnoticed. Screenshots go to ``artifacts/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.serve.browser.server import Site, build_ledger

CHROMIUM = os.environ.get("ZHENXING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"

# Watches the page for Content-Security-Policy violations (test instrumentation, injected by the
# browser's debugging protocol, which the page's CSP does not govern).
_WATCH_CSP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


def _chromium() -> str:
    path = shutil.which(CHROMIUM) or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    if path is None:
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium; make test installs it)")
    return path


@pytest.fixture(scope="session")
def live(start_server: Callable[..., Any], tmp_path_factory: pytest.TempPathFactory) -> Site:
    """A real server (``tests/serve/conftest.py``) over a fresh demo ledger plus a hostile document."""
    db, token = build_ledger(tmp_path_factory.mktemp("browser-ledger"))
    server = start_server(db=db)
    return Site(server.url, db, token)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Watch:
    """What went wrong in the page while a test ran: errors, failed requests, CSP violations, dialogs."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.expected: list[str] = []

    def expect(self, *statuses: int) -> None:
        """HTTP errors the test provokes on purpose (a refused upload, a refused form): not failures."""
        self.expected.extend(f"status of {s} " for s in statuses)

    def attach(self, page: Any) -> None:
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("console", self._console)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        page.on("dialog", self._dialog)

    def _console(self, message: Any) -> None:
        if message.type == "error" and not any(e in message.text for e in self.expected):
            self.errors.append(f"console: {message.text}")

    def _failed(self, request: Any) -> None:
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:  # a navigation that replaced a pending request, a download
            return
        self.errors.append(f"request failed: {request.url} {failure}")

    def _response(self, response: Any) -> None:
        if response.status >= 500:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def new_page(
    browser: Any, live: Site, *, locale: str = "en-US", accept_downloads: bool = False
) -> tuple[Any, Any, Watch]:
    context = browser.new_context(
        base_url=live.url,
        locale=locale,
        viewport={"width": 1360, "height": 900},
        accept_downloads=accept_downloads,
        extra_http_headers={"Accept-Language": locale if locale.startswith("zh") else "en-US,en;q=0.9"},
    )
    context.add_init_script(_WATCH_CSP)
    page = context.new_page()
    page.set_default_timeout(15_000)
    watch = Watch()
    watch.attach(page)
    return context, page, watch


def csp_violations(page: Any) -> list[str]:
    return list(page.evaluate("window.__csp || []"))


@pytest.fixture
def page(browser: Any, live: Site) -> Iterator[Any]:
    """A fresh browser tab (English, no cookies); fails the test on page errors or CSP violations."""
    context, tab, watch = new_page(browser, live, accept_downloads=True)
    tab.watch = watch
    yield tab
    try:
        violations = csp_violations(tab)
    except Exception:  # the page is gone (a download, a closed tab): its watch still reports
        violations = []
    context.close()
    assert not watch.errors, watch.errors
    assert not violations, violations
    assert not watch.dialogs, watch.dialogs


def sign_in(page: Any, live: Site) -> None:
    """Sign in through the sign-in page with the write token."""
    page.goto("/signin")
    page.fill("input[name=token]", live.token)
    page.click("#signin-form button[type=submit]")
    page.wait_for_url(lambda url: "/signin" not in url)


def screenshot(page: Any, name: str, *, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
