"""The guard's and the audit's shortcuts answer as the whole recogniser does, on every class of attack.

A shortcut that reads card material differently from the slow path is a leak (a previous fast path
was dropped for exactly that: it did not know issue 13's look-alike letters). Each property here
draws from the red team's classes (`attacks.py`: separators, scripts, invisible characters, number
words, halves, look-alike letters, spoken forms, relabelled codes) and from the short texts the
shortcuts are for, and compares the shortcut with the slow path itself.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paybot_core.pci.redact import MAX_REMEMBERED_LENGTH, CleanTextMemo, redact_text
from paybot_core.pci.text_checks import holds_card_data

from .attacks import DIGIT_WORDS, LOOKALIKES, cvv_attack, labelled_cvv, lookalike_pan, pan_attack, spoken_pan
from .leaks import cards

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

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


@PROPERTY
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
