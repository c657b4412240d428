// Stripe mode: Stripe.js from js.stripe.com (as Stripe requires), the Payment Element in
// manual payment-method creation, and Stripe's own 3-D Secure handling. Card details go from
// Stripe's iframe to Stripe; the page only ever holds the resulting pm_... id.

import { CardFormError } from "./sandbox.js";

const STRIPE_JS = "https://js.stripe.com/v3/";
let loading = null;

function loadStripeJs() {
  if (window.Stripe) return Promise.resolve(window.Stripe);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = STRIPE_JS;
      script.async = true;
      script.addEventListener("load", () => {
        if (window.Stripe) resolve(window.Stripe);
        else reject(new Error("Stripe's card form did not start. Reload the page and try again."));
      });
      script.addEventListener("error", () => {
        loading = null;
        script.remove();
        reject(new Error("Couldn't load Stripe's secure card form. Check your connection and try again."));
      });
      document.head.append(script);
    });
  }
  return loading;
}

export function stripeCardForm(doc, publishableKey) {
  const container = doc.getElementById("stripe-element");
  let stripe = null;
  let elements = null;
  let element = null;
  let mounted = null;

  async function client() {
    if (!stripe) stripe = (await loadStripeJs())(publishableKey);
    return stripe;
  }

  return {
    mode: "stripe",
    fields: {},
    // Mounts the Payment Element for this amount (re-created when the amount changed).
    async show(collected) {
      doc.getElementById("sandbox-fields").hidden = true;
      container.hidden = false;
      const key = `${collected.amount}|${collected.currency}`;
      if (element && mounted === key) return;
      const s = await client();
      if (element) element.destroy();
      const options = collected.amount
        ? { mode: "payment", amount: collected.amount, currency: collected.currency || "usd" }
        : { mode: "setup", currency: collected.currency || "usd" };
      elements = s.elements({ ...options, paymentMethodCreation: "manual", paymentMethodTypes: ["card"] });
      element = elements.create("payment");
      element.mount(container);
      mounted = key;
    },
    focus() {
      if (element) element.focus();
    },
    clear() {
      if (element) element.clear();
    },
    async createPaymentMethod() {
      if (!elements) throw new CardFormError("The card form is still loading. Try again in a moment.", null);
      const submitted = await elements.submit();
      if (submitted.error) throw new CardFormError(submitted.error.message, null);
      const { error, paymentMethod } = await (await client()).createPaymentMethod({ elements });
      if (error) throw new CardFormError(error.message, null);
      return paymentMethod.id;
    },
    // Stripe shows the bank's page; the server re-reads the PaymentIntent afterwards whatever
    // this returns, so an error here is only shown, never trusted or acted on.
    async handleNextAction(response) {
      const clientSecret = response.nextAction && response.nextAction.clientSecret;
      if (!clientSecret) return "paybot did not say which payment needs the bank check.";
      const { error } = await (await client()).handleNextAction({ clientSecret });
      return error ? error.message : null;
    },
  };
}
