import { ApiError, authenticateSandboxPayment, createSandboxPaymentMethod } from "./api.js";
import { digitsOnly, luhnValid, parseExpiry } from "./cards.js";
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
export function paymentIntentId(response) {
const secret = (response.nextAction && response.nextAction.clientSecret) || "";
const cut = secret.indexOf("_secret_");
if (cut > 0) return secret.slice(0, cut);
return (response.payment && response.payment.id) || null;
}
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
export function sandboxCardForm(doc) {
const number = doc.getElementById("card-number");
const expiry = doc.getElementById("card-expiry");
const cvc = doc.getElementById("card-cvc");
const dialog = doc.getElementById("auth-dialog");
const fields = { number, expiry, cvc };
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
throw new CardFormError("That card number doesn't look right. Check it and try again.", "number");
}
const exp = parseExpiry(expiry.value);
if (!exp) throw new CardFormError("Enter the expiry as MM/YY, for example 12/30.", "expiry");
const code = cvc.value.trim();
if (!/^\d{3,4}$/.test(code)) {
throw new CardFormError("Enter the 3 or 4 digit security code from your card.", "cvc");
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
