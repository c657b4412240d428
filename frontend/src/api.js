// The paybot HTTP API as the page uses it. Card details are sent by one function only,
// createSandboxPaymentMethod, and only to the sandbox gateway's endpoint; every call to
// /v1/chat carries a message, a pm_... id or the next-action signal, never card data.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

async function request(method, path, body) {
  const init = { method, credentials: "same-origin", cache: "no-store", headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, "network_error", "Can't reach paybot right now. Check your connection and try again.");
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw new ApiError(
      response.status,
      error.code || `http_${response.status}`,
      error.message || `paybot could not answer (HTTP ${response.status}). Try again in a moment.`,
    );
  }
  return data;
}

export function startSession() {
  return request("POST", "/v1/sessions", {});
}

// A payment link (/pay/<token>) opens the session a merchant created, greeting included.
export function openLink(token) {
  return request("GET", `/v1/pay/${encodeURIComponent(token)}`);
}

export function getSession(sessionId) {
  return request("GET", `/v1/sessions/${encodeURIComponent(sessionId)}`);
}

export function sendMessage(sessionId, message) {
  return request("POST", "/v1/chat", sessionId ? { sessionId, message } : { message });
}

export function sendPaymentMethod(sessionId, paymentMethod) {
  return request("POST", "/v1/chat", { sessionId, paymentMethod });
}

export function sendNextActionCompleted(sessionId) {
  return request("POST", "/v1/chat", { sessionId, nextActionCompleted: true });
}

// Sandbox gateway only: stands in for Stripe.js createPaymentMethod.
export function createSandboxPaymentMethod(card) {
  return request("POST", "/v1/sandbox/payment_methods", card);
}

// Sandbox gateway only: stands in for the bank's 3-D Secure page.
export function authenticateSandboxPayment(paymentIntentId, outcome) {
  return request("POST", `/v1/sandbox/payment_intents/${encodeURIComponent(paymentIntentId)}/authenticate`, {
    outcome,
  });
}
