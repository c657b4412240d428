// Sandbox mode: a card form of the same shape as Stripe's, whose data goes only to the sandbox
// gateway (POST /v1/sandbox/payment_methods), and the sandbox's stand-in for a bank's 3-D Secure page.

import { ApiError, authenticateSandboxPayment, createSandboxPaymentMethod } from "./api.js";
import { digitsOnly, groupCardNumber, luhnValid, parseExpiry } from "./cards.js";
import { t } from "./i18n.js";

// A problem with what the payer typed into the card form, tied to the field to fix.
export class CardFormError extends Error {
  constructor(message, field) {
    super(message);
    this.name = "CardFormError";
    this.field = field;
  }
}

const FIELD_FOR_CODE = {
  incorrect_number: "number",
  invalid_number: "number",
  invalid_expiry_month: "expiry",
  invalid_expiry_year: "expiry",
  invalid_cvc: "cvc",
};

// The PaymentIntent's id is the client secret's part before "_secret_", as with Stripe.
export function paymentIntentId(response) {
  const secret = (response.nextAction && response.nextAction.clientSecret) || "";
  const cut = secret.indexOf("_secret_");
  if (cut > 0) return secret.slice(0, cut);
  return (response.payment && response.payment.id) || null;
}

// Opens the dialog; resolves "approve" or "fail" (Escape counts as failing, like closing
// Stripe's 3-D Secure window).
function askForAuthentication(dialog, amountText) {
  const approve = dialog.querySelector("#auth-approve");
  const fail = dialog.querySelector("#auth-fail");
  dialog.querySelector("#auth-amount").textContent = amountText ? `Amount: ${amountText}` : "";
  return new Promise((resolve) => {
    const finish = (outcome) => {
      approve.removeEventListener("click", onApprove);
      fail.removeEventListener("click", onFail);
      dialog.removeEventListener("cancel", onFail);
      if (dialog.open) dialog.close();
      resolve(outcome);
    };
    const onApprove = () => finish("approve");
    const onFail = (event) => {
      if (event.type === "cancel") event.preventDefault();
      finish("fail");
    };
    approve.addEventListener("click", onApprove);
    fail.addEventListener("click", onFail);
    dialog.addEventListener("cancel", onFail);
    dialog.showModal();
    approve.focus();
  });
}

// Regroups the card number as it is typed or pasted ("4242 4242 ..."), keeping the caret after
// the same digit it followed, so editing in the middle works as in any card form.
function groupAsTyped(input) {
  const caret = input.selectionStart ?? input.value.length;
  const digitsBeforeCaret = input.value.slice(0, caret).replace(/\D/g, "").length;
  const digits = input.value.replace(/\D/g, "").slice(0, 19);
  const grouped = groupCardNumber(digits);
  if (grouped === input.value) return;
  input.value = grouped;
  let at = 0;
  for (let seen = 0; at < grouped.length && seen < digitsBeforeCaret; at += 1) {
    if (/\d/.test(grouped[at])) seen += 1;
  }
  input.setSelectionRange(at, at);
}

// True when the card's expiry month is over (a card is good through the end of its month).
function expired({ expMonth, expYear }, now = new Date()) {
  return expYear < now.getFullYear() || (expYear === now.getFullYear() && expMonth < now.getMonth() + 1);
}

export function sandboxCardForm(doc) {
  const number = doc.getElementById("card-number");
  const expiry = doc.getElementById("card-expiry");
  const cvc = doc.getElementById("card-cvc");
  const dialog = doc.getElementById("auth-dialog");
  const fields = { number, expiry, cvc };
  number.addEventListener("input", () => groupAsTyped(number));

  return {
    mode: "sandbox",
    fields,
    show() {
      doc.getElementById("sandbox-fields").hidden = false;
      doc.getElementById("stripe-element").hidden = true;
    },
    focus() {
      number.focus();
    },
    clear() {
      for (const input of Object.values(fields)) {
        input.value = "";
        input.removeAttribute("aria-invalid");
      }
    },
    async createPaymentMethod() {
      const digits = digitsOnly(number.value);
      if (!/^\d{13,19}$/.test(digits) || !luhnValid(digits)) {
        throw new CardFormError(t("card.badNumber"), "number");
      }
      const exp = parseExpiry(expiry.value);
      if (!exp) throw new CardFormError(t("card.badExpiry"), "expiry");
      if (expired(exp)) throw new CardFormError(t("card.pastExpiry"), "expiry");
      const code = cvc.value.trim();
      if (!/^\d{3,4}$/.test(code)) {
        throw new CardFormError(t("card.badCvc"), "cvc");
      }
      try {
        const method = await createSandboxPaymentMethod({
          number: digits,
          expMonth: exp.expMonth,
          expYear: exp.expYear,
          cvc: code,
        });
        return method.id;
      } catch (err) {
        if (err instanceof ApiError && err.status === 402) {
          throw new CardFormError(err.message, FIELD_FOR_CODE[err.code] || "number");
        }
        throw err;
      }
    },
    // Plays the bank's part; the server then reads the outcome from the sandbox gateway.
    async handleNextAction(response, amountText) {
      const id = paymentIntentId(response);
      if (!id) return "paybot did not say which payment needs the bank check.";
      const outcome = await askForAuthentication(dialog, amountText);
      try {
        await authenticateSandboxPayment(id, outcome);
      } catch (err) {
        return err.message;
      }
      return null;
    },
  };
}
