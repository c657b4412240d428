"""The guard's and the audit's shortcuts answer as the whole recogniser does, on every class of attack.

A shortcut that reads card material differently from the slow path is a leak (a previous fast path
was dropped for exactly that: it did not know issue 13's look-alike letters). Each property here
draws from the red team's classes (`attacks.py`: separators, scripts, invisible characters, number
words, halves, look-alike letters, spoken forms, relabelled codes) and from the short texts the
shortcuts are for, and compares the shortcut with the slow path itself.
"""

from __future__ import annotations

import string
from unittest.mock import patch

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paybot_core.pci import recogniser
from paybot_core.pci.capture import Expecting, capture_card_material
from paybot_core.pci.cards import ASCII_DIGITS, Brand, detect_brand, luhn_valid
from paybot_core.pci.redact import MAX_REMEMBERED_LENGTH, CleanTextMemo, redact_text
from paybot_core.pci.text_checks import holds_card_data

from .attacks import DIGIT_WORDS, LOOKALIKES, cvv_attack, labelled_cvv, lookalike_pan, pan_attack, spoken_pan
from .leaks import cards

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Short texts of the shapes the audit repeats (masked facts, enum values) and of the shapes that
# look like them but are card material: a 13-digit number, a labelled code, look-alikes, words.
_SHORT_PIECES = st.sampled_from(
    [
        "visa", "amex", "4242", "0005", "cvv", "cvc", "code", "collecting", "expiry", "card_number",
        "ok", "l", "O", "о", "s", "z", "b", "oh", "double", "four", "nine", "uno", "dos", " ", "-",
        "/", ".", "_", ",", "\u200b", "\u00a0", "４", "٤", "①", "123", "7", "12/29", "$5",
    ]
)  # fmt: skip
SHORT_TEXTS = st.lists(_SHORT_PIECES, max_size=6).map("".join)
CARD_TEXTS = st.one_of(
    cards().flatmap(lambda card: pan_attack(card.pan)),
    cards().flatmap(lambda card: lookalike_pan(card.pan)),
    cards().flatmap(lambda card: spoken_pan(card.pan)),
    cards().flatmap(lambda card: cvv_attack(card.cvv, card.exp_month, card.exp_year)),
    cards().flatmap(lambda card: labelled_cvv(card.cvv)),
    cards().map(lambda card: f"{card.brand} {card.pan[-4:]}"),
    cards().map(lambda card: card.pan[:13]),
)
ANY_TEXT = st.one_of(SHORT_TEXTS, CARD_TEXTS, st.text(max_size=24))
# Gateway and session ids (the audit's longer values): letters and digits, look-alikes among them.
_ID_BODY = st.text(string.ascii_letters + string.digits, min_size=8, max_size=30)
IDS = st.tuples(st.sampled_from(["pi_", "pm_", "ses_", ""]), _ID_BODY).map("".join)
# Digits, look-alikes, other letters and separators in any mix: where the shortcuts' conditions flip.
MIXED = st.text(st.sampled_from(list("0123456789lLiIoOzZsSbBоОοaxy _-./,\n")), max_size=40)


@settings(PROPERTY, max_examples=80)
@given(texts=st.lists(ANY_TEXT, min_size=1, max_size=8), capacity=st.integers(1, 8))
def test_the_clean_text_memo_answers_as_redact_text_and_remembers_only_clean_short_texts(texts, capacity):
    memo = CleanTextMemo(capacity)
    for text in [*texts, *texts]:  # the second time round, what it remembered answers
        assert memo(text) == redact_text(text)
    assert len(memo) <= capacity
    for text in texts:
        if text in memo:
            assert len(text) <= MAX_REMEMBERED_LENGTH
            assert redact_text(text) == text
            assert not holds_card_data(text), "the memo holds card data"


@PROPERTY
@given(card=cards(), before=st.sampled_from(["", "card ", "cvv ", "4", "l"]))
def test_a_card_number_or_code_is_never_remembered_even_when_short(card, before):
    memo = CleanTextMemo()
    for text in (f"{before}{card.pan[:13]}", f"cvv {card.cvv}", f"{before}{card.pan}"):
        assert memo(text) != text
        assert text not in memo
    look = card.pan[:1] + "".join(LOOKALIKES.get(d, [d])[0] for d in card.pan[1:13])
    assert memo(look) == redact_text(look)
    assert (look in memo) == (redact_text(look) == look and len(look) <= MAX_REMEMBERED_LENGTH)


def test_the_audit_memo_keeps_the_masked_facts_and_redacts_values_in_key_order():
    memo = CleanTextMemo()
    values = {"status": "collecting", "card": "visa 4242", "amount": 5000, "note": None, "x": "cvv 737"}
    words = " ".join(DIGIT_WORDS["en"][int(d)] for d in "4242424242424242")
    redacted = memo.redact_values({**values, "spelled": words})
    assert list(redacted) == sorted(redacted)
    assert redacted["card"] == "visa 4242" and redacted["amount"] == 5000 and redacted["note"] is None
    assert redacted["x"] == redact_text("cvv 737") != "cvv 737"
    assert redacted["spelled"] == redact_text(words) != words
    assert "visa 4242" in memo and "collecting" in memo and "cvv 737" not in memo


# ---------------------------------------------------------------- the card rules' table and sum

# The issuer ranges as the networks publish them, in the order `detect_brand` honours: walked one by one
# with the prefix read as a number, the slow and obvious way (the recogniser checks several numbers a turn).
_RANGES = [
    (Brand.AMEX, [(34, 34, 2), (37, 37, 2)]),
    (Brand.DISCOVER, [(6011, 6011, 4), (644, 649, 3), (65, 65, 2), (622126, 622925, 6)]),
    (Brand.MASTERCARD, [(51, 55, 2), (2221, 2720, 4)]),
    (Brand.VISA, [(4, 4, 1)]),
    (Brand.DINERS, [(300, 305, 3), (36, 36, 2), (38, 39, 2)]),
    (Brand.JCB, [(3528, 3589, 4)]),
    (Brand.UNIONPAY, [(62, 62, 2)]),
]
_EDGES = [str(v) for _, ranges in _RANGES for low, high, _ in ranges for v in (low - 1, low, high, high + 1)]


def _brand_by_walk(digits: str) -> Brand | None:
    for brand, ranges in _RANGES:
        if any(len(digits) >= n and low <= int(digits[:n]) <= high for low, high, n in ranges):
            return brand
    return None


def _luhn_by_loop(digits: str) -> bool:
    if not ASCII_DIGITS.fullmatch(digits):
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


@settings(max_examples=500, deadline=None)
@given(start=st.sampled_from(["", *_EDGES]), rest=st.text("0123456789", max_size=19))
def test_the_brand_table_and_the_luhn_sum_answer_as_the_range_walk_and_the_loop(start, rest):
    digits = start + rest
    assert detect_brand(digits) is _brand_by_walk(digits)
    assert luhn_valid(digits) is _luhn_by_loop(digits)


@given(text=st.text(max_size=20))
def test_the_luhn_sum_refuses_what_is_not_ascii_digits_as_before(text):
    assert luhn_valid(text) is _luhn_by_loop(text)


# ---------------------------------------------------------------- the recogniser's shortcuts

CANONICAL_TEXTS = st.one_of(ANY_TEXT, IDS, MIXED).map(lambda text: recogniser.canonical(text).text)


@PROPERTY
@given(text=CANONICAL_TEXTS)
def test_the_lookalike_precheck_finds_a_lookalike_group_exactly_when_the_slow_reading_does(text):
    slow = any(group.lookalikes for group in recogniser._digit_like_groups(text))
    assert (recogniser._LOOKALIKE_WORD.search(text) is not None) is slow


@PROPERTY
@given(text=st.one_of(CANONICAL_TEXTS, cards().map(lambda card: f"{card.pan[:6]} and {card.pan[6:12]}")))
def test_fewer_than_13_digits_hold_no_long_run_and_no_number_in_pieces(text):
    runs = recogniser.digit_runs(text)
    if sum(map(len, recogniser.DIGIT_GROUP.findall(text))) < recogniser.MIN_PAN_DIGITS:
        assert not [run for run in runs if len(run.digits) >= recogniser.MIN_PAN_DIGITS]
        assert recogniser.split_pan_runs(text) == []
    assert recogniser.split_pan_runs(text, runs) == recogniser.split_pan_runs(text)


@PROPERTY
@given(text=st.one_of(ANY_TEXT, IDS, MIXED), expecting=st.sampled_from(list(Expecting)))
def test_every_reader_answers_as_it_does_with_the_shortcuts_turned_off(text, expecting):
    """The recogniser's shortcuts (plain ASCII without digits or number words, the look-alike hints and
    token check, the digit checks) say only when the slow reading has nothing to do: with all of them
    answering "read it all", the redaction gives the same text, and the guard the same text and capture."""
    fast = (redact_text(text), *_captured(text, expecting))
    with (
        patch.object(recogniser, "may_hold_card_data", lambda text: True),
        patch.object(recogniser, "_may_read_lookalikes", lambda text: True),
        patch.object(recogniser, "_holds_a_digit", lambda text: True),
        patch.object(recogniser, "_holds_13_digits", lambda text: True),
    ):
        slow = (redact_text(text), *_captured(text, expecting))
    assert fast == slow


def _captured(text: str, expecting: Expecting) -> tuple[str, str | None, str | None, object]:
    redacted, capture = capture_card_material(text, expecting, typed_entry=True)
    return redacted, capture.number, capture.cvv, (capture.exp_month, capture.exp_year)
