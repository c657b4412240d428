// Card-number detection in the browser, so a number typed into the chat box never leaves it.
// The server applies the same rule; this copy only spares the number a trip over the wire.

export function luhnValid(digits) {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

function isCardNumber(digits) {
  return digits.length >= 13 && digits.length <= 19 && luhnValid(digits);
}

// Digits in groups separated by single spaces or dashes, as people type card numbers.
const DIGIT_RUNS = /\d+(?:[ -]\d+)*/g;

// True when `text` holds 13 to 19 digits (spaces or dashes allowed) that pass the Luhn check:
// the whole run, or any stretch of whole groups of it ("4242 4242 4242 4242 12 27" counts).
export function containsCardNumber(text) {
  for (const match of text.matchAll(DIGIT_RUNS)) {
    const groups = match[0].split(/[ -]/);
    for (let start = 0; start < groups.length; start += 1) {
      let digits = "";
      for (let end = start; end < groups.length && digits.length < 19; end += 1) {
        digits += groups[end];
        if (isCardNumber(digits)) return true;
      }
    }
  }
  return false;
}

// "12/27", "12 / 2027", "1227", "12-27" -> {expMonth: 12, expYear: 2027}; null when unreadable.
export function parseExpiry(text) {
  const match = /^\s*(\d{1,2})\s*[/ -]?\s*(\d{2}|\d{4})\s*$/.exec(text);
  if (!match) return null;
  const expMonth = Number(match[1]);
  let expYear = Number(match[2]);
  if (match[2].length === 2) expYear += 2000;
  if (expMonth < 1 || expMonth > 12) return null;
  return { expMonth, expYear };
}

export function digitsOnly(text) {
  return text.replace(/[\s-]/g, "");
}

// What the transcript shows of a message typed at a card step: every digit masked, so neither
// the number, the expiry nor the security code is ever on screen or kept in the page's storage.
export function maskDigits(text) {
  return text.replace(/\d/g, "•");
}

// "4242424242424242" -> "4242 4242 4242 4242"; American Express (34, 37) as 4-6-5, as printed.
export function groupCardNumber(digits) {
  const groups = /^3[47]/.test(digits) ? [4, 6, 5] : [4, 4, 4, 4, 3];
  const parts = [];
  let at = 0;
  for (const size of groups) {
    if (at >= digits.length) break;
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  return parts.join(" ");
}
