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
const DIGIT_RUNS = /\d+(?:[ -]\d+)*/g;
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
