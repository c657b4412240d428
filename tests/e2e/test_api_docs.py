"""The API reference pages in Chromium: served from the package, every operation listed, no CSP violation."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _operations(base_url: str) -> list[tuple[str, str, str]]:
    """(method, path, operationId) of every operation in the served schema."""
    schema = httpx.get(f"{base_url}/openapi.json").json()
    return [
        (method.upper(), path, operation["operationId"])
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


@pytest.fixture
def watched(page: Page, base_url: str) -> Iterator[Page]:
    """The page, failing the test on a script error, a console error or a request that leaves the
    server under test without the page's CSP stopping it.

    ReDoc's sidebar always renders an <img> of its vendor's logo from their CDN; the docs CSP
    blocks it (Chromium logs that block as a console error, and ReDoc then hides the image).
    So an off-origin request is allowed only as one the CSP blocked, and a console error only as
    the report of such a block.
    """
    problems: list[str] = []
    blocked: list[str] = []
    origin = urlsplit(base_url).netloc

    def off_origin(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme not in ("data", "blob") and parts.netloc != origin

    def reports_a_block(text: str) -> bool:
        return "violates the following Content Security Policy" in text and any(
            url in text for url in blocked
        )

    errors: list[str] = []

    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda r: blocked.append(r.url) if r.failure == "csp" else None)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url) if off_origin(r.url) else None)
    yield page
    assert [url for url in requested if url not in blocked] == [], "requests left the machine"
    problems += [f"console error: {text}" for text in errors if not reports_a_block(text)]
    assert problems == [], problems


def test_swagger_ui_lists_every_operation(watched: Page, base_url: str) -> None:
    response = watched.goto("/docs")
    assert response is not None
    assert (
        "'unsafe-inline'"
        not in response.headers["content-security-policy"].split("script-src")[1].split(";")[0]
    )
    operations = _operations(base_url)
    blocks = watched.locator(".opblock")
    expect(blocks).to_have_count(len(operations))
    listed = [
        (
            block.locator(".opblock-summary-method").inner_text(),
            block.locator("[data-path]").get_attribute("data-path"),
        )
        for block in blocks.all()
    ]
    assert sorted(listed) == sorted((method, path) for method, path, _ in operations)


def test_redoc_lists_every_operation(watched: Page, base_url: str) -> None:
    watched.goto("/redoc")
    operations = _operations(base_url)
    sections = watched.locator("[data-section-id*='/operation/']")
    expect(sections).to_have_count(len(operations))
    shown = {
        section.split("/operation/")[1]
        for section in sections.evaluate_all("s => s.map(e => e.dataset.sectionId)")
    }
    assert shown == {operation_id for _, _, operation_id in operations}
