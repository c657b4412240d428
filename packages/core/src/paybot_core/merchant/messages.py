"""What paybot writes to a payer outside the conversation: the payment link, the receipt.

In the session's language (English and Spanish); amounts as the conversation states them. Card
facts are masked (brand and last 4), as everywhere.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from ..conversation.state import SessionState
from ..money import format_money
from ..ports import OutgoingMessage

_LINK = {
    "en": {
        "subject": "Your payment link from {merchant}",
        "sms": "{merchant}: pay {what} securely at {url}",
        "intro": "{merchant} asks you to pay {what}.",
        "action": "Pay securely here: {url}",
        "expires": "The link works until {when}.",
        "amount_open": "your payment",
    },
    "es": {
        "subject": "Su enlace de pago de {merchant}",
        "sms": "{merchant}: pague {what} de forma segura en {url}",
        "intro": "{merchant} le pide pagar {what}.",
        "action": "Pague de forma segura aquí: {url}",
        "expires": "El enlace funciona hasta el {when}.",
        "amount_open": "su pago",
    },
}
_RECEIPT = {
    "en": {
        "subject": "Receipt from {merchant}: {amount}",
        "title": "Payment received",
        "thanks": "Thank you for your payment.",
        "left": "Still to pay: {left}.",
        "ending": "ending",
    },
    "es": {
        "subject": "Recibo de {merchant}: {amount}",
        "title": "Pago recibido",
        "thanks": "Gracias por su pago.",
        "left": "Queda por pagar: {left}.",
        "ending": "terminada en",
    },
}


_RECEIPT_LINES = {
    "en": ("Merchant", "Amount", "Reference", "Description", "Card", "Payment id", "Date"),
    "es": ("Comercio", "Importe", "Referencia", "Descripción", "Tarjeta", "Id del pago", "Fecha"),
}


def locale_of(state: SessionState) -> str:
    return state.locale if state.locale in _LINK else "en"


def _what(state: SessionState, words: dict[str, str]) -> str:
    what = (
        format_money(state.amount, state.currency, locale_of(state))
        if state.amount is not None
        else words["amount_open"]
    )
    if state.presets.reference:
        what += f" ({state.presets.reference})"
    return what


def link_message(
    state: SessionState, url: str, merchant: str, *, sms: str | None = None, email: str | None = None
) -> OutgoingMessage:
    words = _LINK[locale_of(state)]
    what = _what(state, words)
    if sms is not None:
        return OutgoingMessage(
            to=sms, kind="sms", text=words["sms"].format(merchant=merchant, what=what, url=url)
        )
    assert email is not None
    intro = [words["intro"].format(merchant=merchant, what=what)]
    if state.presets.description:
        intro.append(state.presets.description)
    action = words["action"].format(url=url)
    expires = []
    if state.link is not None:
        when = datetime.fromtimestamp(state.link.expires_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
        expires.append(words["expires"].format(when=when))
    text = "\n\n".join([*intro, action, *expires]) + "\n"
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in intro)
    paragraphs += f'<p><a href="{html.escape(url, quote=True)}">{html.escape(action)}</a></p>'
    paragraphs += "".join(f"<p>{html.escape(line)}</p>" for line in expires)
    return OutgoingMessage(
        to=email,
        kind="email",
        subject=words["subject"].format(merchant=merchant),
        text=text,
        html=f"<!doctype html><html><body>{paragraphs}</body></html>",
    )


def receipt_message(state: SessionState, email: str, merchant: str, paid_at: float) -> OutgoingMessage:
    """The receipt of the session's successful payment."""
    payment = state.payment
    assert payment is not None and payment.status == "succeeded"
    locale = locale_of(state)
    words = _RECEIPT[locale]
    amount = format_money(payment.amount, payment.currency, locale)
    card = f"{(payment.brand or 'card').title()} {words['ending']} {payment.last4}" if payment.last4 else ""
    values = (
        merchant,
        amount,
        state.presets.reference or "",
        state.presets.description or "",
        card,
        payment.id,
        datetime.fromtimestamp(paid_at, UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    rows = [(label, value) for label, value in zip(_RECEIPT_LINES[locale], values, strict=True) if value]
    # A partial payment says what stays due (the payment's own amount is what was paid).
    due = state.presets.amount if state.presets.partial else None
    notes = [words["thanks"]]
    if due is not None and due > payment.amount:
        notes.append(words["left"].format(left=format_money(due - payment.amount, payment.currency, locale)))
    text = "\n".join([words["title"], "", *(f"{label}: {value}" for label, value in rows), "", *notes])
    cells = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
    paragraphs = "".join(f"<p>{html.escape(note)}</p>" for note in notes)
    page = (
        f"<!doctype html><html><body><h1>{html.escape(words['title'])}</h1><table>{cells}</table>"
        f"{paragraphs}</body></html>"
    )
    return OutgoingMessage(
        to=email,
        kind="email",
        subject=words["subject"].format(merchant=merchant, amount=amount),
        text=text + "\n",
        html=page,
    )


def as_mime(message: OutgoingMessage, sender: str, message_id: str, now: float) -> bytes:
    """An email as RFC 5322 bytes: plain text, and HTML as the alternative when there is one."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject or ""
    email["Date"] = formatdate(now, usegmt=True)
    email["Message-ID"] = make_msgid(idstring=message_id, domain="paybot.local")
    email.set_content(message.text)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    return bytes(email)
