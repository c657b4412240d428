"""A payment link in Debian's Chromium: /pay/<token> opens the merchant's session with its greeting, and
the payer pays through it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.chat_page import VISA, ChatPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_opening_a_payment_link_greets_with_the_merchants_presets_and_pays(
    unopened_chat: ChatPage, page: Page
) -> None:
    body = {"amount": 12000, "reference": "INV-2041", "description": "Water bill, March"}
    created = page.request.post("/v1/sessions", data=body)
    assert created.status == 201, created.text()
    link = urlsplit(created.json()["url"]).path
    assert link.startswith("/pay/")

    chat = unopened_chat
    chat.open(link)
    greeting = chat.bot_messages.first.inner_text()
    for fact in ("$120.00", "INV-2041", "Water bill, March"):
        assert fact in greeting
    expect(chat.summary_amount).to_have_text("$120.00")
    expect(page.locator("#summary-reference")).to_have_text("INV-2041")
    assert urlsplit(page.url).path == "/"  # the token does not linger in the address bar

    chat.say("Jane Doe")
    chat.use_card(VISA)
    chat.say("yes")
    chat.expect_status("completed")
    assert page.request.get(f"/v1/sessions/{created.json()['sessionId']}").json()["status"] == "completed"
    # No receiptEmail: the page stays open for the bot's offer of a receipt, and closes once answered.
    expect(chat.bot_messages.last).to_contain_text("receipt by email")
    expect(chat.input).to_be_enabled()
    chat.say("jane@example.com")
    expect(chat.bot_messages.last).to_contain_text("j***@example.com")
    expect(chat.input).to_be_disabled()


def test_an_unknown_payment_link_says_so(unopened_chat: ChatPage, page: Page) -> None:
    unopened_chat.open("/pay/" + "Q" * 24)
    expect(unopened_chat.outcome).to_contain_text("This payment link is not valid")
    expect(unopened_chat.input).to_be_disabled()
