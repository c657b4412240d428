"""Stripe mode in the browser, with js.stripe.com and the chat API answered by the test.

js.stripe.com is unreachable here, so the test serves a stand-in for the Stripe.js calls the
page makes (Stripe(), elements(), create("payment"), mount, submit, createPaymentMethod,
handleNextAction, as Stripe documents them) and answers /v1/sessions and /v1/chat as a server
in stripe mode would. What it proves: the page's CSP lets Stripe.js load, the page drives
Stripe.js in the documented order with the documented options, only the pm_... id and the
next-action signal reach /v1/chat, and the sandbox endpoints are never touched.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Route, expect

from tests.e2e.chat_page import ChatPage

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PUBLISHABLE_KEY = "pk_test_paybot_e2e"
CLIENT_SECRET = "pi_3Stripe_secret_e2e"

FAKE_STRIPE_JS = """
window.__stripeCalls = [];
window.Stripe = function (key) {
  const log = (...call) => window.__stripeCalls.push(call);
  log("Stripe", key);
  let elementsGroup = null;
  return {
    elements(options) {
      log("elements", options);
      elementsGroup = {
        create(type, options) {
          log("create", type, options || null);
          return {
            mount(target) {
              log("mount", target.id);
              const frame = document.createElement("p");
              frame.textContent = "Stripe Payment Element stand-in";
              target.append(frame);
            },
            focus() { log("focus"); },
            clear() { log("clear"); },
            destroy() { log("destroy"); },
          };
        },
        async submit() { log("submit"); return {}; },
      };
      return elementsGroup;
    },
    async createPaymentMethod(options) {
      log("createPaymentMethod", options.elements === elementsGroup);
      return { paymentMethod: { id: "pm_stripe_e2e", card: { brand: "visa", last4: "3155" } } };
    },
    async handleNextAction(options) {
      log("handleNextAction", options);
      return { paymentIntent: { id: "pi_3Stripe", status: "requires_confirmation" } };
    },
  };
};
"""


def _reply(status: str, field: str | None, text: str, **extra: Any) -> dict[str, Any]:
    collected: dict[str, Any] = {"name": "Jane Doe", "amount": 5000, "currency": "usd"}
    if field != "payment_method":
        collected["card"] = {"brand": "visa", "last4": "3155", "expMonth": 12, "expYear": 2034}
    reply = {
        "sessionId": "ses_stripe_e2e",
        "response": text,
        "status": status,
        "currentField": field,
        "collected": collected,
        "payment": None,
        "cardEntry": {"mode": "stripe", "publishableKey": PUBLISHABLE_KEY}
        if field == "payment_method"
        else None,
        "nextAction": None,
    }
    return {**reply, **extra}


def _chat_reply(body: dict[str, Any]) -> dict[str, Any]:
    if body.get("paymentMethod"):
        return _reply("confirming", "confirmation", "Pay $50.00 with Visa ending 3155?")
    if body.get("message") == "yes":
        return _reply(
            "requires_action",
            None,
            "Your bank wants to confirm this payment.",
            nextAction={"type": "use_stripe_sdk", "clientSecret": CLIENT_SECRET},
            payment={"id": "pi_3Stripe", "status": "requires_action", "amount": 5000, "currency": "usd"},
        )
    if body.get("nextActionCompleted"):
        payment = {"id": "pi_3Stripe", "status": "succeeded", "amount": 5000, "currency": "usd"}
        return _reply(
            "completed", None, "Paid. Thank you!", payment={**payment, "brand": "visa", "last4": "3155"}
        )
    return _reply("awaiting_payment_method", "payment_method", "Please enter your card.")


def test_stripe_mode_drives_stripe_js_and_sends_only_the_payment_method_id(unopened_chat: ChatPage) -> None:
    chat = unopened_chat
    page = chat.page
    chat_bodies: list[dict[str, Any]] = []

    def stripe_js(route: Route) -> None:
        route.fulfill(status=200, content_type="application/javascript", body=FAKE_STRIPE_JS)

    def sessions(route: Route) -> None:
        greeting = _reply("awaiting_payment_method", "payment_method", "Hi Jane, please enter your card.")
        route.fulfill(status=201, content_type="application/json", body=json.dumps(greeting))

    def chat_turn(route: Route) -> None:
        body = json.loads(route.request.post_data or "{}")
        chat_bodies.append(body)
        route.fulfill(status=200, content_type="application/json", body=json.dumps(_chat_reply(body)))

    page.route("https://js.stripe.com/v3/", stripe_js)
    page.route("**/v1/sessions", sessions)
    page.route("**/v1/chat", chat_turn)
    chat.open()

    chat.expect_field("payment_method")
    expect(page.get_by_text("Stripe Payment Element stand-in")).to_be_visible()
    expect(page.locator("#sandbox-fields")).to_be_hidden()
    chat.screenshots("stripe-form")
    chat.card_submit.click()
    chat.expect_field("confirmation")
    # One message, two bot answers: "your bank wants to confirm", then, after Stripe's part, "paid".
    chat.input.fill("yes")
    chat.input.press("Enter")
    chat.expect_status("completed")
    expect(chat.bot_messages).to_have_count(4)
    expect(chat.outcome).to_contain_text("$50.00 paid with Visa ending 3155")

    calls = page.evaluate("window.__stripeCalls")
    names = [call[0] for call in calls]
    assert calls[0] == ["Stripe", PUBLISHABLE_KEY]
    assert calls[1] == [
        "elements",
        {
            "mode": "payment",
            "amount": 5000,
            "currency": "usd",
            "paymentMethodCreation": "manual",
            "paymentMethodTypes": ["card"],
        },
    ]
    assert calls[2] == ["create", "payment", None]
    assert calls[3] == ["mount", "stripe-element"]
    assert names.index("submit") < names.index("createPaymentMethod")
    assert ["createPaymentMethod", True] in calls
    assert ["handleNextAction", {"clientSecret": CLIENT_SECRET}] in calls

    assert [{k: v for k, v in b.items() if k != "sessionId"} for b in chat_bodies] == [
        {"paymentMethod": "pm_stripe_e2e"},
        {"message": "yes"},
        {"nextActionCompleted": True},
    ]
    assert all(b["sessionId"] == "ses_stripe_e2e" for b in chat_bodies)
    assert [r.url for r in chat.requests.requests if "stripe.com" in r.url] == ["https://js.stripe.com/v3/"]
    assert chat.requests.to("/v1/sandbox") == []
