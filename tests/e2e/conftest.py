"""Browser tests: Debian's Chromium driven by Playwright against `paybot serve` on loopback.

One server and one browser serve the whole session; every test gets a fresh browser context
(its own cookies and storage), so tests stay independent and the suite stays quick.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.e2e.chat_page import TEST_CARD_NUMBERS, ChatPage, RequestLog
from tests.support.servers import paybot_server

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = Path("/usr/bin/chromium")
# The machine's network is closed: nothing in Chromium may try to phone home, and a fresh
# profile per launch (Playwright's default for launch()) keeps runs independent.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 860}

# The server runs the offline defaults: sandbox gateway, rules parser, embedded store.
SERVER_ENV = {
    "PAYBOT_PAYMENT_GATEWAY": "sandbox",
    "PAYBOT_LANGUAGE_MODEL": "rules",
    "PAYBOT_SESSION_STORE": "sqlite",
    "PAYBOT_DEFAULT_CARD_ENTRY": "secure",
    # Sessions use the secure form unless a merchant asks for typed entry (one test does).
    "PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true",
}


# Package scope, not session: Playwright's sync API keeps its event loop marked as running on the
# main thread while it is started, which breaks later tests that run an event loop themselves
# (Mangum's handler does). It stops when the last browser test of this package is done.
@pytest.fixture(scope="package")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server under test: `paybot serve` in sandbox mode, or PAYBOT_E2E_BASE_URL if set."""
    external = os.environ.get("PAYBOT_E2E_BASE_URL")
    if external:
        yield external.rstrip("/")
        return
    data_dir = tmp_path_factory.mktemp("paybot-e2e")
    log_path = ARTIFACTS / "server.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path.unlink(missing_ok=True)
    with paybot_server(data_dir, env=SERVER_ENV, log_path=log_path) as url:
        yield url
    # After every browser test ran: no card number the tests typed may sit in the server's
    # log or in any file of its stores (session store, audit log).
    files = [log_path, *sorted(p for p in data_dir.rglob("*") if p.is_file())]
    leaks = [
        f"{path.name} holds {number[:4]}...{number[-4:]}"
        for path in files
        for number in TEST_CARD_NUMBERS
        if _card_number_pattern(number).search(path.read_bytes())
    ]
    assert leaks == [], leaks


def _card_number_pattern(number: str) -> re.Pattern[bytes]:
    """The number with or without spaces or dashes between its digits."""
    return re.compile(rb"[ -]?".join(re.escape(digit.encode()) for digit in number))


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh (make test does)")
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=base_url, viewport=DESKTOP, locale="en-US", timezone_id="UTC")
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def requests(page: Page) -> RequestLog:
    """Every request the page makes, with its body, recorded as it is sent."""
    log = RequestLog()
    page.on("request", log.record)
    return log


@pytest.fixture
def unopened_chat(page: Page, requests: RequestLog, request: pytest.FixtureRequest) -> Iterator[ChatPage]:
    """The chat page, not opened yet; fails the test on any script error, CSP violation or JS dialog."""
    problems: list[str] = []
    dialogs: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: _console_problem(message.type, message.text, problems))

    def on_dialog(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield ChatPage(page, requests, ARTIFACTS / request.node.name, dialogs)
    assert problems == [], problems
    assert dialogs == [], f"a JavaScript dialog opened: {dialogs}"


@pytest.fixture
def chat(unopened_chat: ChatPage) -> ChatPage:
    """The chat page, opened on a new session."""
    unopened_chat.open()
    return unopened_chat


def _console_problem(kind: str, text: str, problems: list[str]) -> None:
    # The browser logs every 4xx answer as "Failed to load resource"; the sandbox's 402 for a
    # bad card is expected. Everything else at error level (CSP violations included) is a bug.
    if kind == "error" and "Failed to load resource" not in text:
        problems.append(f"console error: {text}")
