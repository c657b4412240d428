"""The chat page as the browser tests drive it (a page object), and a log of its requests."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page, Request, expect

VISA = "4242424242424242"
MASTERCARD = "5555555555554444"
DECLINED = "4000000000000002"
THREE_D_SECURE = "4000002500003155"
TEST_CARD_NUMBERS = (VISA, MASTERCARD, DECLINED, THREE_D_SECURE)
EXPIRY = "12/34"
CVC = "987"

MOBILE = {"width": 375, "height": 812}
CHAT_KEYS = {"sessionId", "message", "paymentMethod", "nextActionCompleted"}


def spaced(number: str) -> str:
    """'4242424242424242' -> '4242 4242 4242 4242', as people type it."""
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


@dataclass
class SentRequest:
    url: str
    method: str
    path: str
    body: str | None

    def json(self) -> Any:
        return json.loads(self.body or "null")


@dataclass
class RequestLog:
    requests: list[SentRequest] = field(default_factory=list)

    def record(self, request: Request) -> None:
        path = re.sub(r"^https?://[^/]+", "", request.url)
        self.requests.append(SentRequest(request.url, request.method, path, request.post_data))

    def to(self, path_prefix: str) -> list[SentRequest]:
        return [r for r in self.requests if r.path.split("?")[0].startswith(path_prefix)]

    def chat_turns(self) -> list[SentRequest]:
        return [r for r in self.requests if r.path.split("?")[0] in ("/v1/chat", "/chat")]

    def assert_chat_carries_no_card_data(self, *numbers: str, expiry: str = EXPIRY, cvc: str = CVC) -> None:
        """No request to the chat endpoint carries a card number, an expiry or a CVC."""
        for sent in self.chat_turns():
            body = sent.json()
            assert isinstance(body, dict), sent
            assert set(body) <= CHAT_KEYS, f"unexpected keys in a chat turn: {sorted(body)}"
            if "paymentMethod" in body:
                assert re.fullmatch(r"pm_\w+", body["paymentMethod"]), body
            message = str(body.get("message", ""))
            digits = re.sub(r"[\s-]", "", message)
            assert not re.search(r"\d{13,}", digits), f"a chat turn carried a card-like number: {message!r}"
            for number in numbers:
                assert number not in re.sub(r"\D", "", sent.body or ""), "a chat turn carried a card number"
            assert expiry not in message, f"a chat turn carried the expiry: {message!r}"
            assert cvc not in message, f"a chat turn carried the CVC: {message!r}"


class ChatPage:
    def __init__(self, page: Page, requests: RequestLog, artifacts: Path, dialogs: list[str]) -> None:
        self.page = page
        self.requests = requests
        self.artifacts = artifacts
        self.dialogs = dialogs
        self.body = page.locator("body")
        self.input = page.get_by_label("Message to paybot")
        self.messages = page.locator("#messages")
        self.bot_messages = page.locator("#messages .from-bot .text")
        self.user_messages = page.locator("#messages .from-user .text")
        self.notice = page.locator("#chat-notice")
        self.card_form = page.locator("#card-form")
        self.card_number = page.get_by_label("Card number")
        self.card_expiry = page.get_by_label("Expiry (MM/YY)")
        self.card_cvc = page.get_by_label("Security code (CVC)")
        self.card_submit = page.get_by_role("button", name="Use this card")
        self.card_error = page.locator("#card-error")
        self.outcome = page.locator("#outcome")
        self.new_payment = page.get_by_role("button", name="Start a new payment")
        self.auth_dialog = page.get_by_role("dialog", name="Confirm this payment with your bank")
        self.summary_status = page.locator("#summary-status")
        self.summary_name = page.locator("#summary-name")
        self.summary_amount = page.locator("#summary-amount")
        self.summary_card = page.locator("#summary-card")

    # ---- driving ---------------------------------------------------------------------------

    def open(self, path: str = "/") -> None:
        self.page.goto(path)
        self.wait_idle()
        expect(self.body).to_have_attribute("data-status", re.compile(r"\w+"))

    def wait_idle(self) -> None:
        expect(self.messages).to_have_attribute("aria-busy", "false")

    def say(self, text: str) -> str:
        """Type a message and send it with Enter; return the bot's answer."""
        before = self.bot_messages.count()
        self.input.fill(text)
        self.input.press("Enter")
        expect(self.bot_messages).to_have_count(before + 1)
        self.wait_idle()
        return self.bot_messages.last.inner_text()

    def expect_field(self, field_name: str) -> None:
        expect(self.body).to_have_attribute("data-field", field_name)

    def expect_status(self, status: str) -> None:
        expect(self.body).to_have_attribute("data-status", status)

    def give_name_and_amount(self, name: str = "Jane Doe", amount: str = "$50") -> None:
        self.expect_field("name")
        self.say(name)
        self.expect_field("amount")
        self.say(amount)
        self.expect_field("payment_method")
        expect(self.card_form).to_be_visible()

    def fill_card(self, number: str, expiry: str = EXPIRY, cvc: str = CVC) -> None:
        self.card_number.fill(spaced(number))
        self.card_expiry.fill(expiry)
        self.card_cvc.fill(cvc)

    def use_card(self, number: str, expiry: str = EXPIRY, cvc: str = CVC) -> None:
        """Fill the secure form and submit it; wait for the bot to take the card."""
        before = self.bot_messages.count()
        self.fill_card(number, expiry, cvc)
        self.card_submit.click()
        expect(self.bot_messages).to_have_count(before + 1)
        self.wait_idle()

    # ---- observing -------------------------------------------------------------------------

    def transcript(self) -> str:
        return self.messages.inner_text()

    def focused_id(self) -> str:
        return str(self.page.evaluate("document.activeElement && document.activeElement.id"))

    def payment_intents(self) -> list[dict[str, Any]]:
        """The sandbox gateway's charges for this page's session (GET /v1/sandbox/payment_intents)."""
        session_id = self.page.evaluate("JSON.parse(sessionStorage.getItem('paybot.session')).id")
        answer = self.page.request.get("/v1/sandbox/payment_intents", params={"sessionId": session_id})
        assert answer.ok, answer.text()
        return list(answer.json()["data"])

    def screenshots(self, stage: str) -> None:
        """Save the page at desktop width and at 375 px; at 375 px nothing may overflow sideways."""
        self.artifacts.mkdir(parents=True, exist_ok=True)
        desktop = self.page.viewport_size
        self.page.screenshot(path=self.artifacts / f"{stage}-desktop.png", full_page=True)
        self.page.set_viewport_size(MOBILE)
        try:
            overflow = self.page.evaluate("document.documentElement.scrollWidth")
            assert overflow <= MOBILE["width"], f"the page is {overflow}px wide at 375px"
            self.page.screenshot(path=self.artifacts / f"{stage}-375px.png", full_page=True)
        finally:
            if desktop:
                self.page.set_viewport_size(desktop)

    def expect_focused(self, locator: Locator) -> None:
        expect(locator).to_be_focused()
