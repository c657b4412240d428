"""The chat page in Spanish, in Chromium: a payer who writes in Spanish gets the page's own text,
the summary and the outcome in Spanish, and the page's two string tables say the same things."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.chat_page import CVC, EXPIRY, VISA, ChatPage, spaced

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def say(chat: ChatPage, page: Page, text: str) -> str:
    """As ChatPage.say, by the box's id: its label is in the page's language."""
    before = chat.bot_messages.count()
    box = page.locator("#chat-input")
    box.fill(text)
    box.press("Enter")
    expect(chat.bot_messages).to_have_count(before + 1)
    chat.wait_idle()
    return chat.bot_messages.last.inner_text()


def test_a_spanish_payer_gets_the_page_in_spanish(chat: ChatPage, page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("lang", "en")
    answer = say(chat, page, "Hola, quiero pagar")
    assert answer.startswith("Con gusto le ayudo.")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#chat-input")).to_have_attribute("placeholder", "Escriba su mensaje")
    expect(chat.summary_status).to_have_text("En curso")
    expect(page.locator("#summary-name")).to_have_text("Todavía no")
    expect(page.locator("h1")).to_have_text("Pago seguro")

    say(chat, page, "me llamo Ana Gómez")
    say(chat, page, "cincuenta dólares")
    chat.expect_field("payment_method")
    expect(chat.summary_amount).to_have_text("$50.00")
    expect(page.locator("label[for=card-number]")).to_have_text("Número de tarjeta")
    page.locator("#card-number").fill(spaced(VISA))
    page.locator("#card-expiry").fill(EXPIRY)
    page.locator("#card-cvc").fill(CVC)
    before = chat.bot_messages.count()
    page.locator("#card-submit").click()
    expect(chat.bot_messages).to_have_count(before + 1)
    chat.wait_idle()
    expect(chat.summary_card).to_have_text("Visa terminada en 4242")

    say(chat, page, "sí")
    chat.expect_status("completed")
    expect(chat.outcome).to_contain_text("Pago completo")
    expect(chat.outcome).to_contain_text("Se pagaron $50.00 con Visa terminada en 4242.")
    expect(chat.summary_status).to_have_text("Pagado")


def test_every_page_string_exists_in_both_languages(chat: ChatPage, page: Page) -> None:
    keys = page.evaluate(
        "async () => { const m = await import('/static/i18n.js');"
        " return Object.fromEntries(m.LOCALES.map((l) => [l, m.keysOf(l).sort()])); }"
    )
    assert keys["es"] == keys["en"] and len(keys["en"]) > 50
    # Every element that names its text has a key in the table.
    named = page.evaluate("[...document.querySelectorAll('[data-i18n]')].map((e) => e.dataset.i18n)")
    assert set(named) <= set(keys["en"])
