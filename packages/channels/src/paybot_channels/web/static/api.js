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
export function createSandboxPaymentMethod(card) {
return request("POST", "/v1/sandbox/payment_methods", card);
}
export function authenticateSandboxPayment(paymentIntentId, outcome) {
return request("POST", `/v1/sandbox/payment_intents/${encodeURIComponent(paymentIntentId)}/authenticate`, {
outcome,
});
}
