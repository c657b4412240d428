// The page's own words in each language paybot speaks. The server says which one a session uses
// (`locale` in every response); the page follows it, the static text included. Data only: a
// translator edits the strings, every key exists in both languages (tests/e2e checks it).

const STRINGS = {
  en: {
    "page.title": "Pay securely · paybot",
    "page.skip": "Skip to the message box",
    "page.heading": "Secure payment",
    "page.intro": "Chat with paybot to pay. Card details go only into the secure card form, never into the chat.",
    "summary.title": "Your payment",
    "summary.starting": "Starting…",
    "summary.name": "Name",
    "summary.amount": "Amount",
    "summary.card": "Card",
    "summary.reference": "Reference",
    "summary.notGiven": "Not given yet",
    "chat.title": "Conversation with paybot",
    "chat.newPayment": "Start a new payment",
    "chat.label": "Message to paybot",
    "chat.placeholder": "Type your message",
    "chat.send": "Send",
    "chat.you": "You: ",
    "chat.bot": "paybot: ",
    "chat.note": "Note: ",
    "chat.notSent": "Not sent.",
    "chat.sendAgain": "Send again",
    "card.title": "Card details",
    "card.hint": "Your card goes straight to the payment gateway. paybot and the chat only see its brand and last 4 digits.",
    "card.number": "Card number",
    "card.expiry": "Expiry (MM/YY)",
    "card.cvc": "Security code (CVC)",
    "card.sandboxNote": "Sandbox mode: nothing is charged. Stripe’s test cards work here, for example 4242 typed four times, any future expiry and any CVC.",
    "card.submit": "Use this card",
    "card.sent": "Card details sent through the secure form.",
    "card.ending": "{brand} ending {last4}",
    "card.generic": "Card",
    "card.unavailable": "Card payments are not set up on this server yet.",
    "card.unavailableContact": "Card payments are not set up on this server yet. Please contact the merchant.",
    "card.badNumber": "That card number doesn't look right. Check it and try again.",
    "card.badExpiry": "Enter the expiry as MM/YY, for example 12/30.",
    "card.pastExpiry": "That expiry date has passed. Check the card, or use another one.",
    "card.badCvc": "Enter the 3 or 4 digit security code from your card.",
    "auth.title": "Confirm this payment with your bank",
    "auth.detail": "Sandbox 3-D Secure check: no real bank is involved. Approve to let the payment go through, or fail the check to see what happens when a bank refuses.",
    "auth.approve": "Approve",
    "auth.fail": "Fail authentication",
    "status.collecting": "In progress",
    "status.awaiting_payment_method": "Waiting for your card",
    "status.confirming": "Waiting for your confirmation",
    "status.requires_action": "Bank check needed",
    "status.completed": "Paid",
    "status.failed": "Not paid",
    "status.cancelled": "Cancelled",
    "status.expired": "Expired",
    "outcome.completed": "Payment complete",
    "outcome.failed": "Payment not completed",
    "outcome.cancelled": "Payment cancelled",
    "outcome.expired": "This payment session expired",
    "outcome.gone": "This payment session is no longer available",
    "outcome.goneDetail": "Nothing was charged in this window. Start a new payment to continue.",
    "outcome.paidWith": "{amount} paid with {card}.",
    "outcome.paid": "{amount} paid.",
    "outcome.idle": "It was idle too long, so its details were deleted. Nothing was charged.",
    "outcome.nothingCharged": "Nothing was charged.",
    "notice.bankCheck": "The bank check did not finish. Type help, or start a new payment.",
    "notice.tooMany": "That was a lot of messages at once. Wait a moment, then try again.",
    "notice.wrong": "Something went wrong. Try again.",
    "notice.noCardsHere": "For your security, please don't type card numbers into the chat.",
    "notice.formComing": "When it's time to pay, a secure card form appears here.",
    "notice.formAbove": "Use the secure card form above.",
    "notice.hello": "Hello! Type a message to start your payment.",
  },
  es: {
    "page.title": "Pague de forma segura · paybot",
    "page.skip": "Ir al cuadro de mensajes",
    "page.heading": "Pago seguro",
    "page.intro": "Converse con paybot para pagar. Los datos de la tarjeta van solo al formulario seguro, nunca al chat.",
    "summary.title": "Su pago",
    "summary.starting": "Iniciando…",
    "summary.name": "Nombre",
    "summary.amount": "Monto",
    "summary.card": "Tarjeta",
    "summary.reference": "Referencia",
    "summary.notGiven": "Todavía no",
    "chat.title": "Conversación con paybot",
    "chat.newPayment": "Empezar un pago nuevo",
    "chat.label": "Mensaje para paybot",
    "chat.placeholder": "Escriba su mensaje",
    "chat.send": "Enviar",
    "chat.you": "Usted: ",
    "chat.bot": "paybot: ",
    "chat.note": "Nota: ",
    "chat.notSent": "No se envió.",
    "chat.sendAgain": "Enviar de nuevo",
    "card.title": "Datos de la tarjeta",
    "card.hint": "Su tarjeta va directo a la pasarela de pago. paybot y el chat solo ven la marca y los últimos 4 dígitos.",
    "card.number": "Número de tarjeta",
    "card.expiry": "Vencimiento (MM/AA)",
    "card.cvc": "Código de seguridad (CVC)",
    "card.sandboxNote": "Modo de prueba: no se cobra nada. Funcionan las tarjetas de prueba de Stripe, por ejemplo 4242 escrito cuatro veces, cualquier vencimiento futuro y cualquier CVC.",
    "card.submit": "Usar esta tarjeta",
    "card.sent": "Datos de la tarjeta enviados por el formulario seguro.",
    "card.ending": "{brand} terminada en {last4}",
    "card.generic": "Tarjeta",
    "card.unavailable": "Los pagos con tarjeta todavía no están configurados en este servidor.",
    "card.unavailableContact": "Los pagos con tarjeta todavía no están configurados en este servidor. Comuníquese con el comercio.",
    "card.badNumber": "Ese número de tarjeta no parece correcto. Revíselo e intente de nuevo.",
    "card.badExpiry": "Escriba el vencimiento como MM/AA, por ejemplo 12/30.",
    "card.pastExpiry": "Esa fecha de vencimiento ya pasó. Revise la tarjeta o use otra.",
    "card.badCvc": "Escriba el código de seguridad de 3 o 4 dígitos de su tarjeta.",
    "auth.title": "Confirme este pago con su banco",
    "auth.detail": "Verificación 3-D Secure de prueba: no interviene ningún banco real. Apruebe para que el pago se realice, o haga fallar la verificación para ver qué pasa cuando un banco la rechaza.",
    "auth.approve": "Aprobar",
    "auth.fail": "Hacer fallar la verificación",
    "status.collecting": "En curso",
    "status.awaiting_payment_method": "Esperando su tarjeta",
    "status.confirming": "Esperando su confirmación",
    "status.requires_action": "Falta la verificación del banco",
    "status.completed": "Pagado",
    "status.failed": "No pagado",
    "status.cancelled": "Cancelado",
    "status.expired": "Vencido",
    "outcome.completed": "Pago completo",
    "outcome.failed": "El pago no se completó",
    "outcome.cancelled": "Pago cancelado",
    "outcome.expired": "Esta sesión de pago venció",
    "outcome.gone": "Esta sesión de pago ya no está disponible",
    "outcome.goneDetail": "No se cobró nada en esta ventana. Empiece un pago nuevo para continuar.",
    "outcome.paidWith": "Se pagaron {amount} con {card}.",
    "outcome.paid": "Se pagaron {amount}.",
    "outcome.idle": "Estuvo inactiva demasiado tiempo y se borraron sus datos. No se cobró nada.",
    "outcome.nothingCharged": "No se cobró nada.",
    "notice.bankCheck": "La verificación del banco no terminó. Escriba ayuda, o empiece un pago nuevo.",
    "notice.tooMany": "Fueron muchos mensajes a la vez. Espere un momento e intente de nuevo.",
    "notice.wrong": "Algo salió mal. Intente de nuevo.",
    "notice.noCardsHere": "Por su seguridad, no escriba números de tarjeta en el chat.",
    "notice.formComing": "Cuando llegue el momento de pagar, aquí aparecerá un formulario seguro.",
    "notice.formAbove": "Use el formulario seguro de arriba.",
    "notice.hello": "¡Hola! Escriba un mensaje para empezar su pago.",
  },
};

const LANGUAGE_TAGS = { en: "en-US", es: "es-US" };
let current = "en";

export function locale() {
  return current;
}

export function languageTag() {
  return LANGUAGE_TAGS[current];
}

export function t(key, values = {}) {
  const text = (STRINGS[current] && STRINGS[current][key]) || STRINGS.en[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

// Switch the page to `next` ("en" | "es"): the document's language and every element that names
// its text with data-i18n (or its placeholder with data-i18n-placeholder).
export function setLocale(next, doc = document) {
  if (!STRINGS[next]) return;
  current = next;
  doc.documentElement.lang = next;
  doc.title = t("page.title");
  for (const element of doc.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of doc.querySelectorAll("[data-i18n-placeholder]")) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
  }
}

export const KEYS = Object.keys(STRINGS.en);
export const LOCALES = Object.keys(STRINGS);
export function keysOf(loc) {
  return Object.keys(STRINGS[loc]);
}
