"""Pull card material out of a typed message before anything else reads it.

`capture_card_material` returns the text with every card number, expiry and security code
replaced by a placeholder, and a `CardCapture` holding what was typed. The capture lives in
memory for the current request only; the service seals what it keeps into the vault and
wipes the rest.

Context matters for short digit runs: "456" is a security code when the bot asked for one
and an amount when it asked for an amount, so the caller passes what it expects.

Every pattern here runs on the recogniser's canonical text (`recogniser.canonical`): digits of
any script as ASCII, every separator a person or a copy-paste puts between digit groups,
spelled digits as digits, case-folded. What is found is replaced in the payer's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from . import placeholders, recogniser, words
from .cards import DEFAULT_ACCEPTED_BRANDS, Brand, CardNumberCheck, check_card_number, luhn_valid
from .recogniser import DIGIT_GROUP, MIN_PAN_DIGITS, Canonical, canonical

PAN_PLACEHOLDER = placeholders.CARD_NUMBER
EXPIRY_PLACEHOLDER = placeholders.EXPIRY
CVV_PLACEHOLDER = placeholders.SECURITY_CODE
CARD_DETAIL_PLACEHOLDER = placeholders.CARD_DETAIL


class Expecting(StrEnum):
    """The card field the conversation is waiting for, if any."""

    CARD_NUMBER = "card_number"
    EXPIRY = "expiry"
    CVV = "cvv"
    OTHER = "other"


@dataclass
class CardCapture:
    """Card material typed in one message. Mutable so that `wipe` can clear it."""

    number: str | None = None
    number_check: CardNumberCheck | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    expiry_unreadable: bool = False
    cvv: str | None = None
    typed_number_seen: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def has_expiry(self) -> bool:
        return self.exp_month is not None and self.exp_year is not None

    def __enter__(self) -> CardCapture:
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Leaving the `with` block wipes the capture, whether the block returned or raised."""
        self.wipe()

    def wipe(self) -> None:
        """Drop every reference to typed values (best effort: Python strings are immutable)."""
        self.number = None
        self.cvv = None
        self.exp_month = None
        self.exp_year = None
        self.extra.clear()

    def __repr__(self) -> str:  # never print the values, even in a debugger or traceback
        return (
            f"CardCapture(number={'<set>' if self.number else None}, "
            f"expiry={'<set>' if self.has_expiry else None}, cvv={'<set>' if self.cvv else None})"
        )


# MM/YY, M/YY, MM/YYYY, MM-YY (not part of a longer date such as 12/25/2026).
# Not MM.YY without a label: "12.34" is money far more often than an expiry.
_EXPIRY_SEPARATED = re.compile(r"(?<![\w/\-.])(\d{1,2})\s?[/\-]\s?(\d{4}|\d{2})(?![\d]|[/\-.]\d)")
_EXPIRY_KEYWORD = re.compile(
    r"(?<![a-z])(?:" + "|".join(words.EXPIRY_LABELS) + r")(?![a-z])\.?\s*(?:is|on|es|el|:|-)?\s*"
    r"(\d{1,2})\s?[/\-.]?\s?(\d{4}|\d{2})(?!\d)"
)
_EXPIRY_MONTH_NAME = re.compile(
    r"(?<![a-z])("
    + "|".join(sorted(words.MONTHS, key=len, reverse=True))
    + r")\.?,?\s+(?:de\s+|del\s+)?(\d{4}|\d{2})(?!\d)"
)
_ONLY_DIGITS = re.compile(r"[\d\s\-._,]+")
# A comma or period ends a number ("123, thanks") unless a digit follows ("1,250" or "50.00").
_LONE_SHORT_RUN = re.compile(r"(?<![\w$€£])(?<!\d[.,])(\d{3,4})(?![\w%]|[.,]\d)")
# Right after an expiry, a lone 3-4 digit group is its security code ("12/30 846"); right before
# one too ("846 exp 12/30"), unless it is money or part of a longer number.
_CODE_AFTER_EXPIRY = re.compile(
    re.escape(EXPIRY_PLACEHOLDER) + r"[\W_]{0,5}(?:(?:and|y)\s+)?(\d{3,4})(?![\d])"
)
_CODE_BEFORE_EXPIRY = re.compile(
    r"(?<![\w$€£¥.,/\-])(\d{3,4})[\W_]{0,5}(?:(?:and|y)\s+)?" + re.escape(EXPIRY_PLACEHOLDER)
)


def capture_card_material(
    text: str,
    expecting: Expecting,
    *,
    typed_entry: bool,
    accepted_brands: frozenset[Brand] = DEFAULT_ACCEPTED_BRANDS,
) -> tuple[str, CardCapture]:
    """Return (redacted text, capture). With `typed_entry` False everything is redacted and dropped."""
    capture = CardCapture()
    if not recogniser.may_hold_card_data(text):  # plain ASCII without a digit or a number word
        return text, capture
    canon, number = _take_card_number(canonical(text), expecting)
    if number is not None:
        capture.typed_number_seen = True
        capture.number = number
        capture.number_check = check_card_number(number, accepted_brands)
    canon = _take_expiry(canon, expecting, capture)
    canon = _take_cvv(canon, expecting, capture, after_number=number is not None)
    if number is not None and len(number) >= MIN_PAN_DIGITS:
        canon = _redact_card_context_digits(canon)
    # Whatever card material the recogniser still sees (a second code, another card) goes too.
    canon = recogniser.redact(canon, PAN_PLACEHOLDER, CVV_PLACEHOLDER)
    if not typed_entry:
        seen = capture.typed_number_seen
        capture.wipe()
        capture.number_check = None
        capture.typed_number_seen = seen
    return canon.render(), capture


def _groups(canon: Canonical, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in DIGIT_GROUP.finditer(canon.text, start, end)]


def _overlaps(a: recogniser.DigitRun, b: recogniser.DigitRun) -> bool:
    return a.start < b.end and b.start < a.end


def _take_card_number(canon: Canonical, expecting: Expecting) -> tuple[Canonical, str | None]:
    """Find the card number (valid or not) and replace it; leave trailing groups (expiry, CVV) in place."""
    runs = recogniser.digit_runs(canon.text)
    long_runs = [r for r in runs if len(r.digits) >= MIN_PAN_DIGITS]
    split = recogniser.split_pan_runs(canon.text, runs)
    if long_runs:
        first, further = long_runs[0], long_runs[1:]
        groups = _groups(canon, first.start, first.end)
        taken = _card_number_groups(groups, canon.text)
        number = "".join(g for _, _, g in groups[:taken])
        touching = [w for w in split if any(_overlaps(first, piece) for piece in w)]
        if recogniser.is_whole_card_number(number):
            # The run starts with a card number of its own: a window joining the run's groups to a
            # neighbour ("... 4242 exp 12/29", "... 2299 01/27 cvc 004") is Luhn-valid only by
            # chance, and must not take the expiry or the code away from their fields.
            split = [w for w in split if w not in touching]
        elif touching and touching[0] is split[0]:
            long_runs = []  # "starts 34 and 0000000000009": the long run is only the end of the number
    if long_runs:
        rest = sum(len(g) for _, _, g in groups[taken:])
        # More than an expiry and a code follow: all of it is card number.
        end = first.end if rest >= MIN_PAN_DIGITS else groups[taken - 1][1]
        # Only the first card number of a message is taken, but nothing else that is card material
        # may pass the guard: a second long run, or a number in pieces that this run is only one
        # piece of ("starts 5100000003098 and 00009": the run alone also passes Luhn by chance).
        spans = [(first.start, end), *((r.start, r.end) for r in further)]
        spans += [(r.start, r.end) for window in split for r in window]
        for start, stop in reversed(recogniser.merged_spans(spans)):
            canon = canon.replace(start, stop, PAN_PLACEHOLDER)
        return canon, number
    if split:
        number = "".join(r.digits for r in split[0])
        # `split` is `split_pan_runs` of this very text here: its union is `split_pan_spans`.
        for start, end in reversed(recogniser.merged_spans([(r.start, r.end) for w in split for r in w])):
            canon = canon.replace(start, end, PAN_PLACEHOLDER)
        return canon, number
    stripped = canon.text.strip()
    if (
        expecting is Expecting.CARD_NUMBER
        and _ONLY_DIGITS.fullmatch(stripped or "x")
        and re.search(r"\d", stripped)
    ):
        # The bot asked for the card number and the payer typed only digits: a (short) attempt.
        return canon.replace(0, len(canon.text), PAN_PLACEHOLDER), re.sub(r"\D", "", stripped)
    return canon, None


# Short digit groups that are money, not card material: "$50", "50 dollars", "50.00", "USD 50".
_SHORT_DIGITS = re.compile(
    r"(?<![\w$€£¥])(?<!\d[.,])\d{1,4}(?:\s?[/\-]\s?\d{1,4})?(?![\w%]|[.,]\d)" + words.MONEY_AFTER
)
_CURRENCY_BEFORE = re.compile(r"(?:usd|eur|gbp|cad|aud|mxn)\s*$")


def _redact_card_context_digits(canon: Canonical) -> Canonical:
    """In a message that carries a card number, every other short digit group is card material.

    A second card's expiry and code, or a code typed twice, cannot be told from other numbers by
    their shape, so nothing short and numeric passes the guard next to a card number unless it is
    plainly money ("$50", "50 dollars", "50.00"). At worst the bot asks for such a number again.
    """
    for match in reversed(list(_SHORT_DIGITS.finditer(canon.text))):
        if not _CURRENCY_BEFORE.search(canon.text[: match.start()]):
            canon = canon.replace(match.start(), match.end(), CARD_DETAIL_PLACEHOLDER)
    return canon


def _card_number_groups(groups: list[tuple[int, int, str]], text: str) -> int:
    """How many leading groups (start, end, digits of canonical `text`) form the card number.

    "4242424242424242 1227 123" is a number, an expiry and a code typed in one go. Preferred, in
    order: a prefix that is a whole card number (of a length its brand uses) followed by an
    expiry written with its slash or dash, and perhaps a code ("3600 0000 0000 08 05/39": the
    14-digit Diners, not 18 digits that happen to pass Luhn too); the longest whole card number;
    the longest prefix of 13-19 digits that is Luhn-valid; the longest prefix of at most 19
    digits (an invalid attempt). A single over-long group is taken whole.
    """
    digits_of = [g for _, _, g in groups]
    best_before_expiry = best_whole = best_valid = best_any = 0
    count = 0
    for index, group in enumerate(digits_of, start=1):
        count += len(group)
        if count > 19:
            break
        if count >= 13:
            best_any = index
            digits = "".join(digits_of[:index])
            if luhn_valid(digits):
                best_valid = index
                if recogniser.is_whole_card_number(digits):
                    best_whole = index
                    if not best_before_expiry and _written_expiry(groups[index:], text):
                        best_before_expiry = index
    return best_before_expiry or best_whole or best_valid or best_any or 1


def _written_expiry(groups: list[tuple[int, int, str]], text: str) -> bool:
    """Whether `groups` are a month and a year joined by "/" or "-" (12/29, 01-2030), perhaps
    followed by one 3-4 digit code: the marks people put in an expiry, never inside a number."""
    if len(groups) not in (2, 3):
        return False
    (_, month_end, month), (year_start, _, year) = groups[0], groups[1]
    return (
        len(month) in (1, 2)
        and 1 <= int(month) <= 12
        and len(year) in (2, 4)
        and text[month_end:year_start].strip() in ("/", "-")
        and (len(groups) == 2 or len(groups[2][2]) in (3, 4))
    )


def _year(raw: str) -> int:
    return 2000 + int(raw) if len(raw) == 2 else int(raw)


# "4242424242424242 1227 123": right after a card number, four digits are an MMYY expiry.
_MMYY_AFTER_NUMBER = re.compile(re.escape(PAN_PLACEHOLDER) + r"[\W_]{1,5}(0[1-9]|1[0-2])(\d{2})(?!\d)")


def _take_expiry(canon: Canonical, expecting: Expecting, capture: CardCapture) -> Canonical:
    text = canon.text
    if capture.number is not None:
        match = _MMYY_AFTER_NUMBER.search(text)
        if match:
            capture.exp_month, capture.exp_year = int(match.group(1)), _year(match.group(2))
            return canon.replace(match.start(1), match.end(2), EXPIRY_PLACEHOLDER)
    for pattern in (_EXPIRY_KEYWORD, _EXPIRY_SEPARATED):
        match = pattern.search(text)
        if match:
            capture.exp_month, capture.exp_year = int(match.group(1)), _year(match.group(2))
            return canon.replace(match.start(), match.end(), EXPIRY_PLACEHOLDER)
    match = _EXPIRY_MONTH_NAME.search(text)
    if match and (expecting is Expecting.EXPIRY or capture.number is not None):
        capture.exp_month, capture.exp_year = words.MONTHS[match.group(1)], _year(match.group(2))
        return canon.replace(match.start(), match.end(), EXPIRY_PLACEHOLDER)
    if expecting is Expecting.EXPIRY:
        stripped = text.strip()
        mmyy = re.fullmatch(r"(\d{2})[\W_]?(\d{2}|\d{4})", stripped) or re.fullmatch(
            r"(\d)[\W_](\d{2}|\d{4})", stripped
        )
        if mmyy:
            capture.exp_month, capture.exp_year = int(mmyy.group(1)), _year(mmyy.group(2))
            return canon.replace(0, len(text), EXPIRY_PLACEHOLDER)
        if re.search(r"\d", stripped) and _ONLY_DIGITS.fullmatch(re.sub(r"[/]", " ", stripped)):
            # Digits that are no expiry we can read: an attempt, and redacted all the same.
            capture.expiry_unreadable = True
            return canon.replace(0, len(text), EXPIRY_PLACEHOLDER)
    return canon


# One run of 1-8 digits that is not money ("$50", "50 dollars") and not part of a longer number.
_LONE_DIGIT_RUN = re.compile(
    r"(?<![\d$€£¥.,])(\d{1,8})(?![\d]|[.,]\d)" + words.MONEY_AFTER,
    re.IGNORECASE,
)
_ANY_DIGITS = re.compile(r"\d+")
# "4 digits on the front: 1234", "the 3-digit code is 737": a count of digits, never the code itself.
_DIGIT_COUNT_AFTER = re.compile(
    r"\s*-?\s*(?:digits?|numbers?|d[ií]gitos?|n[úu]meros?|cifras?)\b", re.IGNORECASE
)
# At the code prompt, any run of 3 or 4 digits that could be a code, spaced or not ("12 34", "1-2-3");
# an amount with its currency word is left alone.
_CODE_LIKE_RUN = re.compile(
    r"(?<![\d$€£¥.,])(\d(?:[ \-]?\d){2,3})(?![\d]|[.,]\d|[ \-]\d)" + words.MONEY_AFTER,
    re.IGNORECASE,
)
# The code read off the card one digit at a time: "7 3 7", "7.3.7", "7 - 3 - 7" (never "12.50").
_CODE_ONE_BY_ONE = re.compile(r"(?<![\d$€£¥.,])(\d(?!\d)(?:[ .\-]{1,3}\d(?!\d)){2,3})(?![ .\-]{1,3}\d)")


def _is_digit_count(text: str, match: re.Match[str]) -> bool:
    return len(match.group()) == 1 and _DIGIT_COUNT_AFTER.match(text, match.end()) is not None


def _only_digits_of(text: str, run: re.Match[str]) -> bool:
    """Whether every digit of `text` but counts of digits belongs to `run`."""
    outside = text[: run.start(1)] + " " + text[run.end(1) :]
    return not any(not _is_digit_count(outside, d) for d in _ANY_DIGITS.finditer(outside))


def _take_cvv(
    canon: Canonical, expecting: Expecting, capture: CardCapture, *, after_number: bool
) -> Canonical:
    labelled = recogniser.find_labelled_codes(canon.text)
    if labelled:
        start, end = labelled[0]
        capture.cvv = re.sub(r"\D", "", canon.text[start:end])  # "8 4 6" is the code 846
        # The first labelled code is taken; a second ("cvv 123, I mean cvv 124") must not pass either.
        for start, end in reversed(labelled):
            canon = canon.replace(start, end, CVV_PLACEHOLDER)
        return canon
    text = canon.text
    if expecting is Expecting.CVV:
        # The bot asked for the code: the one short digit run of the message is the attempt, whatever
        # words, punctuation or emoji are around it ("931.", "it's 7391 🙂").
        # A count of digits ("4 digits on the front: 1234") is not a second run.
        runs = [r for r in _LONE_DIGIT_RUN.finditer(text) if not _is_digit_count(text, r)]
        if len(runs) == 1 and sum(not _is_digit_count(text, d) for d in _ANY_DIGITS.finditer(text)) == 1:
            capture.cvv = runs[0].group(1)
            return canon.replace(runs[0].start(1), runs[0].end(1), CVV_PLACEHOLDER)
        one_by_one = list(_CODE_ONE_BY_ONE.finditer(text))
        if len(one_by_one) == 1 and _only_digits_of(text, one_by_one[0]):
            # The code read off the card one digit at a time ("7 3 7", "7.3.7"), and nothing else.
            capture.cvv = re.sub(r"\D", "", one_by_one[0].group(1))
            return canon.replace(one_by_one[0].start(1), one_by_one[0].end(1), CVV_PLACEHOLDER)
        # No one code to take: whichever run it was stays out of every text past this point anyway
        # (the understanding, a model, a log), since the bot had just asked for a secret code.
        spans = sorted(m.span(1) for m in [*_CODE_LIKE_RUN.finditer(text), *one_by_one])
        merged: list[tuple[int, int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        for start, end in reversed(merged):
            canon = canon.replace(start, end, CVV_PLACEHOLDER)
        return canon
    after_expiry = (
        _CODE_AFTER_EXPIRY.search(text) or _CODE_BEFORE_EXPIRY.search(text) if capture.has_expiry else None
    )
    if after_expiry:
        capture.cvv = after_expiry.group(1)
        return canon.replace(after_expiry.start(1), after_expiry.end(1), CVV_PLACEHOLDER)
    if after_number and PAN_PLACEHOLDER in text:
        # A number, then an expiry, then three or four digits: the code, typed without a label.
        offset = text.index(PAN_PLACEHOLDER) + len(PAN_PLACEHOLDER)
        lone = _LONE_SHORT_RUN.search(text, offset)
        if lone:
            capture.cvv = lone.group(1)
            return canon.replace(lone.start(1), lone.end(1), CVV_PLACEHOLDER)
    return canon
