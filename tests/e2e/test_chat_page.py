"""The web chat in Debian's Chromium against `paybot serve` in sandbox mode."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.chat_page import (
    CVC,
    DECLINED,
    EXPIRY,
    MASTERCARD,
    THREE_D_SECURE,
    VISA,
    ChatPage,
    RequestLog,
    spaced,
)
from tests.e2e.conftest import ARTIFACTS, DESKTOP, SERVER_ENV
from tests.support.servers import paybot_server

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_happy_path_pays_without_card_data_in_any_chat_request(chat: ChatPage) -> None:
    chat.expect_status("collecting")
    chat.give_name_and_amount("Jane Doe", "$50")
    expect(chat.summary_name).to_have_text("Jane Doe")
    expect(chat.summary_amount).to_have_text("$50.00")
    expect(chat.card_number).to_be_focused()
    chat.screenshots("card-form")

    chat.use_card(VISA)
    chat.expect_field("confirmation")
    expect(chat.card_form).to_be_hidden()
    expect(chat.summary_card).to_have_text("Visa ending 4242")
    # The form forgets what was typed as soon as the gateway has the card.
    for field in (chat.card_number, chat.card_expiry, chat.card_cvc):
        expect(field).to_have_value("")

    chat.say("yes")
    chat.expect_status("completed")
    expect(chat.outcome).to_be_visible()
    expect(chat.outcome).to_contain_text("Payment complete")
    expect(chat.outcome).to_contain_text("$50.00 paid with Visa ending 4242")
    expect(chat.summary_status).to_have_text("Paid")
    # No receiptEmail: the bot offers a receipt, and the chat stays open for the answer.
    expect(chat.bot_messages.last).to_contain_text("receipt by email")
    expect(chat.input).to_be_focused()
    chat.say("no thanks")
    expect(chat.input).to_be_disabled()
    expect(chat.new_payment).to_be_focused()
    assert [pi["status"] for pi in chat.payment_intents()] == ["succeeded"]
    chat.screenshots("completed")

    # The card went to the sandbox gateway's endpoint, and only there.
    tokenized = chat.requests.to("/v1/sandbox/payment_methods")
    assert len(tokenized) == 1
    assert tokenized[0].json() == {"number": VISA, "expMonth": 12, "expYear": 2034, "cvc": CVC}
    others = [r for r in chat.requests.requests if r not in tokenized]
    assert not [r for r in others if r.body and (VISA in r.body or CVC in r.body)]
    kinds = [set(t.json()) - {"sessionId"} for t in chat.requests.chat_turns()]
    assert kinds == [
        {"message"},
        {"message"},
        {"paymentMethod"},
        {"message"},
        {"message"},
    ]  # then the receipt's no
    chat.requests.assert_chat_carries_no_card_data(VISA)
    assert "4242" in chat.transcript()  # the bot states the masked card at confirmation
    assert not re.search(r"\d{13,}", re.sub(r"[\s-]", "", chat.transcript()))


def test_decline_then_a_good_card(chat: ChatPage) -> None:
    chat.give_name_and_amount("Ana Lima", "120")

    # An expiry in the past: the sandbox gateway refuses to tokenize (402), shown by the form.
    chat.fill_card(VISA, expiry="01/20")
    chat.card_submit.click()
    expect(chat.card_error).to_be_visible()
    expect(chat.card_error).not_to_be_empty()
    expect(chat.card_expiry).to_have_attribute("aria-invalid", "true")
    expect(chat.card_expiry).to_be_focused()
    assert [set(t.json()) - {"sessionId"} for t in chat.requests.chat_turns()] == [{"message"}, {"message"}]
    chat.screenshots("card-error")

    chat.use_card(DECLINED)
    chat.expect_field("confirmation")
    chat.say("yes")
    # Declined: back to the card form for another card, nothing charged, session still open.
    chat.expect_field("payment_method")
    expect(chat.card_form).to_be_visible()
    expect(chat.card_number).to_be_focused()
    expect(chat.outcome).to_be_hidden()
    [declined] = chat.payment_intents()
    assert declined["status"] != "succeeded"
    assert declined["failureCode"] == "card_declined"
    chat.screenshots("declined")

    chat.use_card(MASTERCARD)
    chat.expect_field("confirmation")
    expect(chat.summary_card).to_have_text("Mastercard ending 4444")
    chat.say("yes")
    chat.expect_status("completed")
    expect(chat.outcome).to_contain_text("Mastercard ending 4444")
    intents = chat.payment_intents()
    assert [pi["status"] == "succeeded" for pi in intents] == [False, True]
    assert [pi["last4"] for pi in intents] == ["0002", "4444"]
    chat.requests.assert_chat_carries_no_card_data(VISA, DECLINED, MASTERCARD)
    chat.screenshots("paid-after-decline")


@pytest.mark.parametrize(("button", "paid"), [("Approve", True), ("Fail authentication", False)])
def test_three_d_secure(chat: ChatPage, button: str, paid: bool) -> None:
    chat.give_name_and_amount("Kim Park", "$75.50")
    chat.use_card(THREE_D_SECURE)
    chat.expect_field("confirmation")
    chat.input.fill("yes")
    chat.input.press("Enter")

    expect(chat.auth_dialog).to_be_visible()
    expect(chat.auth_dialog).to_contain_text("$75.50")
    expect(chat.page.get_by_role("button", name="Approve")).to_be_focused()
    chat.screenshots("3ds-dialog")
    chat.page.get_by_role("button", name=button).click()
    expect(chat.auth_dialog).to_be_hidden()
    chat.wait_idle()

    completed = [t for t in chat.requests.chat_turns() if t.json().get("nextActionCompleted")]
    assert len(completed) == 1
    authenticate = chat.requests.to("/v1/sandbox/payment_intents/")
    assert len(authenticate) == 1
    assert authenticate[0].json() == {"outcome": "approve" if paid else "fail"}
    statuses = [pi["status"] for pi in chat.payment_intents()]
    if paid:
        chat.expect_status("completed")
        expect(chat.outcome).to_contain_text("$75.50 paid with Visa ending 3155")
        assert statuses == ["succeeded"]
    else:
        expect(chat.body).not_to_have_attribute("data-status", re.compile("completed|requires_action"))
        assert "succeeded" not in statuses
        assert chat.body.get_attribute("data-status") in ("awaiting_payment_method", "failed")
    chat.requests.assert_chat_carries_no_card_data(THREE_D_SECURE)
    chat.screenshots("3ds-approved" if paid else "3ds-failed")


def test_card_number_typed_in_the_chat_box_never_leaves_the_browser(chat: ChatPage, page: Page) -> None:
    chat.expect_field("name")
    turns_before = len(chat.requests.chat_turns())
    chat.input.fill(f"my card is {spaced(VISA)}")
    chat.input.press("Enter")
    expect(chat.notice).to_contain_text("don't type card numbers")
    expect(chat.input).to_have_value("")
    assert len(chat.requests.chat_turns()) == turns_before
    assert VISA not in re.sub(r"\D", "", chat.transcript())

    chat.give_name_and_amount()
    chat.input.fill("-".join(spaced(MASTERCARD).split()))
    chat.input.press("Enter")
    expect(chat.notice).to_contain_text("secure card form")
    expect(chat.card_number).to_be_focused()
    chat.screenshots("card-number-in-chat")
    chat.requests.assert_chat_carries_no_card_data(VISA, MASTERCARD)

    # A client that skips the page's check gets nowhere either: the server refuses the number.
    session_id = page.evaluate("JSON.parse(sessionStorage.getItem('paybot.session')).id")
    answer = page.request.post("/v1/chat", data={"sessionId": session_id, "message": spaced(VISA)})
    assert answer.ok, answer.text()
    reply = answer.json()
    assert VISA not in re.sub(r"\D", "", answer.text())
    assert reply["currentField"] == "payment_method"
    assert not reply["collected"].get("card")


def test_markup_in_a_name_is_shown_as_text(chat: ChatPage, page: Page) -> None:
    markup = "<img src=x onerror=alert(1)>"
    chat.say(markup)
    expect(chat.user_messages.last).to_have_text(markup)
    expect(page.locator("#messages img")).to_have_count(0)
    assert page.locator("img").count() == 0
    chat.screenshots("markup-name")
    assert chat.dialogs == []  # the chat fixture also fails the test on any dialog


def test_merchant_preset_reference_with_markup_is_shown_as_text(chat: ChatPage, page: Page) -> None:
    markup = "<b>INV-1</b><img src=x onerror=alert(2)>"
    created = page.request.post("/v1/sessions", data={"amount": 2500, "reference": markup})
    assert created.status == 201, created.text()
    chat.open(f"/?session={created.json()['sessionId']}")
    expect(page.locator("#summary-reference")).to_have_text(markup)
    expect(chat.summary_amount).to_have_text("$25.00")
    assert page.locator("img, b").count() == 0
    assert "session=" not in page.url  # the id does not linger in the address bar
    chat.screenshots("merchant-preset")


def test_cancel_then_start_a_new_payment(chat: ChatPage) -> None:
    chat.say("Noah Nolan")
    chat.expect_field("amount")
    expect(chat.summary_name).to_have_text("Noah Nolan")
    chat.say("cancel")
    chat.expect_status("cancelled")
    expect(chat.outcome).to_contain_text("Payment cancelled")
    expect(chat.summary_status).to_have_text("Cancelled")
    expect(chat.input).to_be_disabled()
    expect(chat.new_payment).to_be_focused()
    chat.screenshots("cancelled")

    old_session = chat.page.evaluate("JSON.parse(sessionStorage.getItem('paybot.session')).id")
    chat.new_payment.click()
    chat.wait_idle()
    chat.expect_status("collecting")
    chat.expect_field("name")
    expect(chat.bot_messages).to_have_count(1)
    expect(chat.user_messages).to_have_count(0)
    expect(chat.summary_name).to_have_text("Not given yet")
    expect(chat.input).to_be_enabled()
    expect(chat.input).to_be_focused()
    assert chat.page.evaluate("JSON.parse(sessionStorage.getItem('paybot.session')).id") != old_session


def test_keyboard_only_completion(chat: ChatPage, page: Page) -> None:
    keyboard = page.keyboard
    expect(chat.input).to_be_focused()
    keyboard.type("Lee Chen")
    keyboard.press("Enter")
    chat.expect_field("amount")
    expect(chat.input).to_be_focused()
    keyboard.type("40")
    keyboard.press("Enter")
    chat.expect_field("payment_method")

    # The card form takes focus, and Tab walks it in reading order.
    expect(chat.card_number).to_be_focused()
    keyboard.type(spaced(VISA))
    keyboard.press("Tab")
    expect(chat.card_expiry).to_be_focused()
    keyboard.type(EXPIRY)
    keyboard.press("Tab")
    expect(chat.card_cvc).to_be_focused()
    keyboard.type(CVC)
    keyboard.press("Tab")
    expect(chat.card_submit).to_be_focused()
    keyboard.press("Enter")
    chat.expect_field("confirmation")

    expect(chat.input).to_be_focused()
    keyboard.type("yes")
    keyboard.press("Enter")
    chat.expect_status("completed")
    expect(chat.input).to_be_focused()  # the receipt's offer is answered from the keyboard too
    keyboard.type("no")
    keyboard.press("Enter")
    expect(chat.new_payment).to_be_focused()
    chat.screenshots("keyboard-completed")
    keyboard.press("Enter")
    chat.expect_field("name")
    expect(chat.input).to_be_focused()
    chat.requests.assert_chat_carries_no_card_data(VISA)


def test_reload_resumes_the_session(chat: ChatPage, page: Page) -> None:
    chat.give_name_and_amount("Mary-Jane O'Brien", "$12.34")
    page.reload()
    chat.wait_idle()
    chat.expect_field("payment_method")
    expect(chat.summary_name).to_have_text("Mary-Jane O'Brien")
    expect(chat.summary_amount).to_have_text("$12.34")
    expect(chat.card_form).to_be_visible()


def test_reload_keeps_the_conversation_as_shown(chat: ChatPage, page: Page) -> None:
    chat.give_name_and_amount("Jane Doe", "$50")
    shown = chat.messages.locator(".message").all_inner_texts()
    page.reload()
    chat.wait_idle()
    chat.expect_field("payment_method")
    expect(chat.messages.locator(".message")).to_have_count(len(shown))
    assert chat.messages.locator(".message").all_inner_texts() == shown
    chat.say("what is this for?")
    expect(chat.messages.locator(".message")).to_have_count(len(shown) + 2)


def test_a_message_that_could_not_be_sent_is_marked_with_a_retry_that_sends_once(
    chat: ChatPage, page: Page
) -> None:
    page.route("**/v1/chat", lambda route: route.abort("connectionrefused"))
    chat.input.fill("Jane Doe")
    chat.input.press("Enter")
    expect(chat.notice).to_contain_text("Can't reach paybot")
    failed = chat.messages.locator(".from-user.not-sent")
    expect(failed).to_contain_text("Jane Doe")
    expect(failed).to_contain_text("Not sent")
    expect(chat.input).to_have_value("")
    chat.expect_field("name")
    page.unroute("**/v1/chat")
    sent_before = len(chat.requests.chat_turns())
    retry = failed.get_by_role("button", name="Send again")
    retry.dblclick()
    chat.expect_field("amount")
    expect(chat.summary_name).to_have_text("Jane Doe")
    expect(chat.user_messages).to_have_count(1)
    expect(chat.messages.locator(".not-sent")).to_have_count(0)
    turns = chat.requests.chat_turns()[sent_before:]
    assert [turn.json()["message"] for turn in turns] == ["Jane Doe"]
    page.reload()
    chat.wait_idle()
    expect(chat.user_messages).to_have_text(["Jane Doe"])


def test_three_invalid_answers_end_the_session_as_failed(chat: ChatPage) -> None:
    for attempt in range(3):
        chat.say(f"12345{attempt}")
    chat.expect_status("failed")
    expect(chat.outcome).to_contain_text("Payment not completed")
    expect(chat.outcome).to_contain_text("Nothing was charged")
    expect(chat.summary_status).to_have_text("Not paid")
    expect(chat.input).to_be_disabled()
    expect(chat.new_payment).to_be_focused()
    chat.screenshots("failed")


def test_an_idle_session_expires(browser: Browser, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    env = {**SERVER_ENV, "PAYBOT_SESSION_TTL_SECONDS": "1"}
    with paybot_server(tmp_path, env=env) as base_url:
        context = browser.new_context(base_url=base_url, viewport=DESKTOP, locale="en-US")
        try:
            page = context.new_page()
            chat = ChatPage(page, RequestLog(), ARTIFACTS / request.node.name, [])
            chat.open()
            chat.say("Jane Doe")
            chat.expect_field("amount")
            page.wait_for_timeout(1500)
            chat.say("$50")
            chat.expect_status("expired")
            expect(chat.outcome).to_contain_text("This payment session expired")
            expect(chat.summary_status).to_have_text("Expired")
            expect(chat.new_payment).to_be_focused()
            chat.screenshots("expired")
            chat.new_payment.press("Enter")
            chat.expect_status("collecting")
        finally:
            context.close()


def test_typed_card_entry_takes_the_card_in_the_chat_and_shows_it_masked(
    unopened_chat: ChatPage, page: Page
) -> None:
    chat = unopened_chat
    created = page.request.post("/v1/sessions", data={"amount": 5000, "cardEntry": "typed"})
    assert created.ok, created.text()
    chat.open(f"/?session={created.json()['sessionId']}")
    chat.say("Jane Doe")
    chat.expect_field("card_number")
    chat.say(spaced(VISA))
    chat.expect_field("expiry")
    chat.say(EXPIRY)
    chat.expect_field("cvv")
    expect(chat.input).to_have_attribute("type", "password")
    chat.say(CVC)
    chat.expect_field("confirmation")
    expect(chat.input).to_have_attribute("type", "text")
    expect(chat.card_form).to_be_hidden()
    expect(chat.summary_card).to_have_text("Visa ending 4242")
    chat.say("yes")
    chat.expect_status("completed")
    assert [i["status"] for i in chat.payment_intents()] == ["succeeded"]
    # On screen and in the page's storage, what the payer typed at the card steps is masked.
    stored = page.evaluate("JSON.parse(sessionStorage.getItem('paybot.session')).transcript")
    typed = [entry["text"] for entry in stored if entry["role"] == "user"]
    assert typed[1:4] == ["•••• •••• •••• ••••", "••/••", "•••"]
    assert chat.user_messages.all_inner_texts() == typed
    shown = chat.transcript() + str(page.evaluate("JSON.stringify(sessionStorage)"))
    assert VISA not in re.sub(r"[\s-]", "", shown)
    assert EXPIRY not in shown


def test_the_card_number_is_grouped_as_typed(chat: ChatPage) -> None:
    chat.give_name_and_amount()
    chat.card_number.press_sequentially(VISA)
    expect(chat.card_number).to_have_value(spaced(VISA))
    chat.card_number.fill("")
    chat.card_number.press_sequentially("378282246310005")  # American Express: 4-6-5
    expect(chat.card_number).to_have_value("3782 822463 10005")
    # An edit in the middle keeps the caret after the digit typed.
    chat.card_number.fill("")
    chat.card_number.press_sequentially("42424242")
    chat.card_number.press("Home")
    for _ in range(2):
        chat.card_number.press("ArrowRight")
    chat.card_number.press_sequentially("99")
    expect(chat.card_number).to_have_value("4299 4242 42")
    assert chat.card_number.evaluate("e => e.selectionStart") == 4


def test_a_past_expiry_is_named_as_past(chat: ChatPage) -> None:
    chat.give_name_and_amount()
    chat.fill_card(VISA, expiry="01/20")
    chat.card_submit.click()
    expect(chat.card_error).to_have_text(re.compile("expiry date has passed"))
    expect(chat.card_expiry).to_be_focused()


def test_every_resource_the_page_loads_is_there(page: Page) -> None:
    missing: list[str] = []
    page.on("response", lambda r: missing.append(f"{r.status} {r.url}") if r.status == 404 else None)
    page.goto("/")
    expect(page.locator("body")).to_have_attribute("data-field", "name")
    page.wait_for_load_state("networkidle")
    assert missing == []
    icon = page.request.get("/favicon.ico")
    assert icon.ok and icon.headers["content-type"] == "image/svg+xml"


@pytest.mark.parametrize("width", [375, 320])
def test_card_fields_line_up_on_a_phone(chat: ChatPage, page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 812})
    chat.give_name_and_amount()
    line = float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('label')).lineHeight)"))
    boxes = {}
    for field in ("card-number", "card-expiry", "card-cvc"):
        label = page.locator(f"label[for={field}]").bounding_box()
        box = page.locator(f"#{field}").bounding_box()
        assert label and box
        assert label["height"] <= line * 1.2, f"the label of {field} wraps at {width}px"
        assert abs(label["x"] - box["x"]) < 1 and box["y"] >= label["y"] + label["height"] - 1
        boxes[field] = box
    expiry, cvc = boxes["card-expiry"], boxes["card-cvc"]
    side_by_side = cvc["x"] > expiry["x"] + expiry["width"]
    if side_by_side:
        assert abs(expiry["y"] - cvc["y"]) < 1 and abs(expiry["height"] - cvc["height"]) < 1
    else:
        assert abs(expiry["x"] - cvc["x"]) < 1 and abs(expiry["width"] - cvc["width"]) < 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width


_CONTRAST = """
(element) => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => {
    const channel = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  // The ring is drawn outside the element (outline-offset), over what lies behind it.
  let behind = element.parentElement;
  while (behind) {
    const color = getComputedStyle(behind).backgroundColor;
    const parts = rgb(color);
    if (parts.length === 3 || (parts.length === 4 && parts[3] > 0)) break;
    behind = behind.parentElement;
  }
  const ringStyle = getComputedStyle(element);
  const ring = rgb(ringStyle.outlineColor);
  const back = behind ? rgb(getComputedStyle(behind).backgroundColor) : [255, 255, 255];
  const [hi, lo] = [luminance(ring), luminance(back)].sort((a, b) => b - a);
  return {
    id: element.id || element.className || element.tagName,
    width: parseFloat(ringStyle.outlineWidth),
    style: ringStyle.outlineStyle,
    ratio: (hi + 0.05) / (lo + 0.05),
  };
}
"""


def _rings_met_by_tabbing(page: Page, stops: int = 30) -> list[dict]:
    rings = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        # Past the last control, focus leaves the page for a moment (the body has it).
        if page.evaluate("document.activeElement !== document.body"):
            rings.append(page.evaluate(f"({_CONTRAST})(document.activeElement)"))
    return rings


def test_the_focus_ring_has_3_to_1_contrast_on_every_background(chat: ChatPage, page: Page) -> None:
    page.route("**/v1/chat", lambda route: route.abort("connectionrefused"))
    chat.input.fill("Jane Doe")
    chat.input.press("Enter")
    expect(chat.messages.locator(".not-sent")).to_have_count(1)
    page.unroute("**/v1/chat")
    rings = _rings_met_by_tabbing(page)
    chat.messages.get_by_role("button", name="Send again").click()
    chat.expect_field("amount")
    chat.say("$50")
    rings += _rings_met_by_tabbing(page)  # the card form
    chat.use_card(VISA)
    chat.say("yes")
    chat.expect_status("completed")
    rings += _rings_met_by_tabbing(page, stops=6)  # the outcome box
    seen = {ring["id"] for ring in rings}
    assert {"retry", "card-number", "card-submit", "new-payment", "chat-input"} <= seen, seen
    weak = [ring for ring in rings if ring["style"] == "none" or ring["width"] < 2 or ring["ratio"] < 3]
    assert weak == []
