// The chat page: renders paybot's replies, the masked summary and the secure card form.
// Every text from the payer or the bot goes into the page with textContent, never as markup.

import * as api from "./api.js";
import { containsCardNumber, maskDigits } from "./cards.js";
import { languageTag, locale, setLocale, t } from "./i18n.js";
import { CardFormError, sandboxCardForm } from "./sandbox.js";

const $ = (id) => document.getElementById(id);
const ui = {
  messages: $("messages"),
  typing: $("typing"),
  outcome: $("outcome"),
  outcomeTitle: $("outcome-title"),
  outcomeDetail: $("outcome-detail"),
  newPayment: $("new-payment"),
  cardForm: $("card-form"),
  cardError: $("card-error"),
  cardSubmit: $("card-submit"),
  chatForm: $("chat-form"),
  chatInput: $("chat-input"),
  send: $("send"),
  notice: $("chat-notice"),
  status: $("summary-status"),
  name: $("summary-name"),
  amount: $("summary-amount"),
  card: $("summary-card"),
  referenceRow: $("summary-reference-row"),
  reference: $("summary-reference"),
};

const TERMINAL = new Set(["completed", "failed", "cancelled", "expired"]);


const BRANDS = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  discover: "Discover",
  diners: "Diners Club",
  jcb: "JCB",
  unionpay: "UnionPay",
};
const STORAGE_KEY = "paybot.session";
const MAX_NEXT_ACTION_ROUNDS = 3;
// A session with typed card entry asks for the card in the chat itself, field by field.
const TYPED_CARD_FIELDS = new Set(["card_number", "expiry", "cvv"]);

const state = {
  sessionId: null,
  status: null,
  cardEntry: null,
  collected: {},
  currentField: null,
  busy: false,
  answeringReceipt: false, // the bot asks where to send the receipt (after the payment)
  cardUi: null,
  cardUiKey: null,
  // What the transcript shows, kept in sessionStorage so a reload keeps the conversation:
  // the bot's words and the payer's as displayed (card steps masked), never anything else.
  transcript: [],
};

const typedCardStep = () => TYPED_CARD_FIELDS.has(state.currentField);

// ---- transcript -----------------------------------------------------------------------------

function messageItem(role, text) {
  const item = document.createElement("li");
  item.className = `message from-${role}`;
  const who = document.createElement("span");
  who.className = "visually-hidden";
  who.textContent = t(role === "user" ? "chat.you" : role === "bot" ? "chat.bot" : "chat.note");
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  item.append(who, body);
  ui.messages.append(item);
  // The page scrolls as a whole (no nested scroll box on a phone): keep the newest message
  // and the message box in view.
  ui.chatForm.scrollIntoView({ block: "nearest" });
  return item;
}

function addMessage(role, text) {
  state.transcript.push({ role, text });
  remember();
  return messageItem(role, text);
}

// A message the server never took: marked, left out of the kept transcript, with one button
// that sends it again (once: the button goes as soon as it is pressed).
function markNotSent(item, retry) {
  item.classList.add("not-sent");
  const status = document.createElement("span");
  status.className = "send-status";
  status.textContent = t("chat.notSent");
  const again = document.createElement("button");
  again.type = "button";
  again.className = "retry";
  again.textContent = t("chat.sendAgain");
  again.addEventListener("click", () => {
    if (state.busy) return;
    status.remove();
    again.remove();
    item.classList.remove("not-sent");
    retry();
  });
  item.append(status, again);
}

function showNotice(text) {
  ui.notice.textContent = text;
}

function setBusy(busy) {
  state.busy = busy;
  ui.typing.hidden = !busy;
  ui.messages.setAttribute("aria-busy", String(busy));
  for (const button of [ui.send, ui.cardSubmit]) button.setAttribute("aria-disabled", String(busy));
}

// ---- summary --------------------------------------------------------------------------------

function formatAmount(minor, currency) {
  const code = (currency || "usd").toUpperCase();
  try {
    const format = new Intl.NumberFormat(languageTag(), { style: "currency", currency: code });
    return format.format(minor / 10 ** format.resolvedOptions().maximumFractionDigits);
  } catch {
    return `${(minor / 100).toFixed(2)} ${code}`;
  }
}

function describeCard(card) {
  if (!card || !card.last4) return null;
  const brand = BRANDS[card.brand] || (card.brand ? card.brand[0].toUpperCase() + card.brand.slice(1) : t("card.generic"));
  return t("card.ending", { brand, last4: card.last4 });
}

function setSummary(element, text) {
  element.textContent = text || t("summary.notGiven");
  element.classList.toggle("empty", !text);
}

function renderSummary(response) {
  const collected = response.collected || {};
  const payment = response.payment || null;
  state.collected = collected;
  setSummary(ui.name, collected.name);
  const amount = collected.amount ?? (payment && payment.amount);
  const currency = collected.currency || (payment && payment.currency);
  setSummary(ui.amount, amount != null ? formatAmount(amount, currency) : null);
  const paidWith = payment && payment.status === "succeeded" ? describeCard(payment) : null;
  setSummary(ui.card, describeCard(collected.card) || paidWith);
  ui.referenceRow.hidden = !collected.reference;
  ui.reference.textContent = collected.reference || "";
  ui.status.textContent = t(`status.${response.status}`);
  ui.status.dataset.status = response.status;
}

// ---- secure card form -----------------------------------------------------------------------

// Stripe mode without a publishable key is a server set-up mistake; the sandbox form would
// only send cards to an endpoint a Stripe server does not have, so show the problem instead.
const unavailableCardUi = {
  mode: "unavailable",
  fields: {},
  show() {
    $("sandbox-fields").hidden = true;
    $("stripe-element").hidden = true;
    throw new Error(t("card.unavailableContact"));
  },
  focus() {},
  clear() {},
  createPaymentMethod() {
    throw new CardFormError(t("card.unavailable"), null);
  },
  handleNextAction() {
    return t("card.unavailable");
  },
};

async function cardUiFor(entry) {
  const stripe = entry.mode === "stripe";
  const key = stripe ? `stripe:${entry.publishableKey || ""}` : "sandbox";
  if (state.cardUiKey !== key) {
    if (stripe && !entry.publishableKey) {
      state.cardUi = unavailableCardUi;
    } else if (stripe) {
      // Loaded only in stripe mode, so the sandbox page never fetches it.
      const { stripeCardForm } = await import("./stripe.js");
      state.cardUi = stripeCardForm(document, entry.publishableKey);
    } else {
      state.cardUi = sandboxCardForm(document);
    }
    state.cardUiKey = key;
  }
  return state.cardUi;
}

async function renderCardForm(response) {
  const wanted = !TERMINAL.has(response.status) && response.currentField === "payment_method";
  if (!wanted) {
    if (!ui.cardForm.hidden) {
      const hadFocus = ui.cardForm.contains(document.activeElement);
      ui.cardForm.hidden = true;
      if (state.cardUi) state.cardUi.clear();
      if (hadFocus && !TERMINAL.has(response.status)) ui.chatInput.focus();
    }
    return;
  }
  const cardUi = await cardUiFor(response.cardEntry || state.cardEntry || { mode: "sandbox" });
  const appearing = ui.cardForm.hidden;
  ui.cardForm.hidden = false;
  try {
    await cardUi.show(state.collected);
  } catch (err) {
    ui.cardError.textContent = err.message;
    return;
  }
  if (appearing) {
    ui.cardError.textContent = "";
    cardUi.focus();
  }
}

function showCardError(err) {
  ui.cardError.textContent = err.message;
  const input = err.field && state.cardUi && state.cardUi.fields[err.field];
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
}

// ---- terminal states ------------------------------------------------------------------------

function outcomeDetail(response) {
  const payment = response.payment || {};
  if (response.status === "completed") {
    const amount = formatAmount(payment.amount ?? state.collected.amount, payment.currency || state.collected.currency);
    const card = describeCard(payment) || describeCard(state.collected.card);
    return card ? t("outcome.paidWith", { amount, card }) : t("outcome.paid", { amount });
  }
  if (response.status === "expired") return t("outcome.idle");
  if (response.status === "cancelled") return t("outcome.nothingCharged");
  return payment.failureMessage && locale() === "en"
    ? `${payment.failureMessage} ${t("outcome.nothingCharged")}`
    : t("outcome.nothingCharged");
}

function renderOutcome(response) {
  const terminal = TERMINAL.has(response.status);
  // After the payment the bot may still ask where to send the receipt: the payer answers in the chat.
  const answering = response.receipt === "offered";
  ui.chatInput.disabled = terminal && !answering;
  ui.send.disabled = terminal && !answering;
  if (!terminal) {
    ui.outcome.hidden = true;
    return;
  }
  const appearing = ui.outcome.hidden;
  ui.outcomeTitle.textContent = t(`outcome.${response.status}`);
  ui.outcomeDetail.textContent = outcomeDetail(response);
  ui.outcome.dataset.status = response.status;
  ui.outcome.hidden = false;
  // Focus goes to "new payment" once nothing is asked any more (at once, or after the receipt's answer).
  const answered = state.answeringReceipt && !answering;
  state.answeringReceipt = answering;
  if (appearing || answered) (answering ? ui.chatInput : ui.newPayment).focus();
}

function showSessionGone() {
  forget();
  state.status = "expired";
  document.body.dataset.status = "expired";
  document.body.dataset.field = "";
  ui.chatInput.disabled = true;
  ui.send.disabled = true;
  ui.cardForm.hidden = true;
  ui.outcomeTitle.textContent = t("outcome.gone");
  ui.outcomeDetail.textContent = t("outcome.goneDetail");
  ui.outcome.dataset.status = "expired";
  ui.outcome.hidden = false;
  ui.newPayment.focus();
}

// ---- turns ----------------------------------------------------------------------------------

function remember() {
  if (!state.sessionId) return;
  try {
    const saved = { id: state.sessionId, cardEntry: state.cardEntry, transcript: state.transcript };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(saved));
  } catch {
    // Storage may be off (private mode); the page then simply cannot resume after a reload.
  }
}

function recall() {
  try {
    return JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "null");
  } catch {
    return null;
  }
}

function forget() {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // See remember().
  }
  state.sessionId = null;
  state.transcript = [];
}

async function render(response, { say = true } = {}) {
  if (response.sessionId) state.sessionId = response.sessionId;
  // The session's language (the merchant's, or the payer's when they switched): the page follows.
  if (response.locale) setLocale(response.locale);
  state.status = response.status;
  state.currentField = response.currentField || null;
  if (response.cardEntry) state.cardEntry = response.cardEntry;
  remember();
  // Where the conversation stands, for styling and for tests to wait on.
  document.body.dataset.status = response.status;
  document.body.dataset.field = response.currentField || "";
  if (response.response && say) addMessage("bot", response.response);
  renderComposer();
  renderSummary(response);
  renderOutcome(response);
  await renderCardForm(response);
}

// At the security-code step of a typed card the box hides what is typed, like a password field.
function renderComposer() {
  const secret = state.currentField === "cvv";
  ui.chatInput.type = secret ? "password" : "text";
  ui.chatInput.inputMode = typedCardStep() ? "numeric" : "text";
}

// 3-D Secure: the card UI plays its part (Stripe's page, or the sandbox dialog), then the server
// is told to look; it reads the outcome from the gateway, never from the browser.
async function completeNextAction(response) {
  const cardUi = await cardUiFor(state.cardEntry || { mode: "sandbox" });
  const amount = state.collected.amount ?? (response.payment && response.payment.amount);
  const amountText = amount != null ? formatAmount(amount, state.collected.currency) : "";
  ui.typing.hidden = true;
  const problem = await cardUi.handleNextAction(response, amountText);
  ui.typing.hidden = false;
  if (problem) showNotice(problem);
  return api.sendNextActionCompleted(state.sessionId);
}

// Runs one exchange with the server; true when it went through.
async function turn(call, renderOptions = {}) {
  if (state.busy) return false;
  setBusy(true);
  try {
    let response = await call();
    await render(response, renderOptions);
    for (let round = 0; response.status === "requires_action"; round += 1) {
      if (round === MAX_NEXT_ACTION_ROUNDS) {
        showNotice(t("notice.bankCheck"));
        break;
      }
      response = await completeNextAction(response);
      await render(response);
    }
    return true;
  } catch (err) {
    if (err instanceof CardFormError) showCardError(err);
    else if (err.status === 404) showSessionGone();
    else if (err.status === 429) showNotice(t("notice.tooMany"));
    else showNotice(err.message || t("notice.wrong"));
    return false;
  } finally {
    setBusy(false);
  }
}

// ---- events ---------------------------------------------------------------------------------

function sendText(text, item) {
  turn(() => api.sendMessage(state.sessionId, text)).then((sent) => {
    if (sent) return;
    // Not delivered: the bubble says so and offers to send it again; the box stays free.
    state.transcript = state.transcript.filter((entry) => entry !== item.entry);
    remember();
    if (!ui.chatInput.disabled) markNotSent(item, () => {
      state.transcript.push(item.entry);
      remember();
      sendText(text, item);
    });
  });
}

ui.chatForm.addEventListener("submit", (event) => {
  event.preventDefault();
  const text = ui.chatInput.value.trim();
  if (!text || state.busy || ui.chatInput.disabled) return;
  const typedCard = typedCardStep();
  if (!typedCard && containsCardNumber(text)) {
    // The number never leaves the browser: not sent, not shown, not kept in the box.
    ui.chatInput.value = "";
    const where = ui.cardForm.hidden
      ? t("notice.formComing")
      : t("notice.formAbove");
    showNotice(`${t("notice.noCardsHere")} ${where}`);
    if (!ui.cardForm.hidden && state.cardUi) state.cardUi.focus();
    return;
  }
  showNotice("");
  ui.chatInput.value = "";
  // At a typed card step the session asked for the card here: it goes to the server (which
  // holds it only encrypted), and the transcript shows it masked.
  const item = addMessage("user", typedCard ? maskDigits(text) : text);
  item.entry = state.transcript[state.transcript.length - 1];
  sendText(text, item);
});

ui.cardForm.addEventListener("submit", (event) => {
  event.preventDefault();
  if (state.busy || !state.cardUi) return;
  ui.cardError.textContent = "";
  showNotice("");
  turn(async () => {
    const paymentMethod = await state.cardUi.createPaymentMethod();
    state.cardUi.clear();
    addMessage("user", t("card.sent"));
    return api.sendPaymentMethod(state.sessionId, paymentMethod);
  });
});

ui.cardForm.addEventListener("input", (event) => {
  event.target.removeAttribute("aria-invalid");
});

ui.newPayment.addEventListener("click", () => {
  forget();
  ui.messages.replaceChildren();
  ui.outcome.hidden = true;
  ui.cardForm.hidden = true;
  if (state.cardUi) state.cardUi.clear();
  showNotice("");
  state.status = null;
  state.answeringReceipt = false;
  state.collected = {};
  delete document.body.dataset.status;
  delete document.body.dataset.field;
  ui.chatInput.disabled = false;
  ui.send.disabled = false;
  ui.chatInput.focus();
  start({ resume: false });
});

// ---- start ----------------------------------------------------------------------------------

// A payment link: /pay/<token>. The page opens the session behind it, then stands at / so a
// reload resumes the conversation like any other.
async function openPaymentLink() {
  const link = window.location.pathname.match(/^\/pay\/([A-Za-z0-9]+)$/);
  if (!link) return false;
  window.history.replaceState(null, "", "/");
  const opened = await turn(() => api.openLink(link[1]));
  if (!opened) {
    state.status = "expired";
    ui.outcomeTitle.textContent = "This payment link is not valid";
    ui.outcomeDetail.textContent = "Ask the merchant for a new link. Nothing was charged.";
    ui.outcome.dataset.status = "expired";
    ui.outcome.hidden = false;
    ui.chatInput.disabled = true;
    ui.send.disabled = true;
  } else if (!TERMINAL.has(state.status) && ui.cardForm.hidden) {
    ui.chatInput.focus();
  }
  return true;
}

async function start({ resume }) {
  if (resume && (await openPaymentLink())) return;
  // A merchant can link a payer to a session it created with presets: /?session=<id>.
  const params = new URLSearchParams(window.location.search);
  const linked = params.get("session");
  if (linked) window.history.replaceState(null, "", window.location.pathname);
  const saved = linked ? { id: linked } : resume ? recall() : null;
  if (saved && saved.id) {
    state.sessionId = saved.id;
    state.cardEntry = saved.cardEntry || null;
    const kept = Array.isArray(saved.transcript) ? saved.transcript : [];
    try {
      const response = await api.getSession(saved.id);
      if (response && response.status) {
        state.transcript = [];
        for (const { role, text } of kept) addMessage(role, String(text));
        // The kept transcript already ends with what the bot last said.
        await turn(async () => response, { say: kept.length === 0 });
        if (!TERMINAL.has(response.status) && ui.cardForm.hidden) ui.chatInput.focus();
        return;
      }
    } catch {
      // Gone or unreadable: start afresh below.
    }
    forget();
  }
  await turn(async () => {
    try {
      return await api.startSession();
    } catch (err) {
      // Servers with merchant keys keep POST /v1/sessions for merchants; the first chat
      // message then starts the session.
      if (err.status !== 401) throw err;
      return { status: "collecting", response: t("notice.hello") };
    }
  });
  if (!TERMINAL.has(state.status)) ui.chatInput.focus();
}

start({ resume: true });
