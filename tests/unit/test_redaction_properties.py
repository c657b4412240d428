"""Properties: no valid card number survives redaction, wherever it sits; masks show at most 4 digits."""

from __future__ import annotations

import itertools
import logging

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from paybot_core.pci.capture import Expecting, capture_card_material
from paybot_core.pci.cards import luhn_valid, mask
from paybot_core.pci.logging import CardDataFilter
from paybot_core.pci.recogniser import is_whole_card_number
from paybot_core.pci.redact import find_card_numbers, redact_text

PREFIXES = ["4", "51", "55", "2221", "34", "37", "6011", "65", "36", "3528"]


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(PREFIXES))
    length = draw(st.integers(min_value=13, max_value=19))
    body = prefix + "".join(
        draw(
            st.lists(
                st.sampled_from("0123456789"),
                min_size=length - len(prefix) - 1,
                max_size=length - len(prefix) - 1,
            )
        )
    )
    for check in "0123456789":
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable: one check digit always fits")


@st.composite
def formatted(draw: st.DrawFn, number: str) -> str:
    separator = draw(st.sampled_from(["", " ", "-", "  "]))
    group = draw(st.sampled_from([4, 3, 5]))
    return separator.join(number[i : i + group] for i in range(0, len(number), group))


words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Nd")), max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    number=card_numbers(),
    before=words,
    after=words,
    expecting=st.sampled_from(list(Expecting)),
    typed=st.booleans(),
)
def test_a_card_number_anywhere_never_survives_capture(
    data: st.DataObject, number: str, before: str, after: str, expecting: Expecting, typed: bool
) -> None:
    shown = data.draw(formatted(number))
    text = f"{before} {shown} {after}"
    redacted, _ = capture_card_material(text, expecting, typed_entry=typed)
    assert number not in "".join(ch for ch in redacted if ch.isdigit())
    assert not find_card_numbers(redacted)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), number=card_numbers(), before=words, after=words)
def test_redact_text_removes_every_card_number(
    data: st.DataObject, number: str, before: str, after: str
) -> None:
    text = f"{before}{data.draw(formatted(number))} {after}"
    assert not find_card_numbers(redact_text(text))


@settings(max_examples=200, deadline=None)
@given(number=card_numbers(), brand=st.sampled_from(["visa", "amex", "mastercard", "other"]))
def test_mask_never_shows_more_than_the_last_four(number: str, brand: str) -> None:
    masked = mask(brand, number)
    digits = "".join(ch for ch in masked if ch.isdigit())
    assert digits == number[-4:]


@settings(max_examples=100, deadline=None)
@given(number=card_numbers())
def test_log_filter_redacts_messages_arguments_and_exceptions(number: str) -> None:
    try:
        raise ValueError(f"bad card {number}")
    except ValueError:
        import sys

        record = logging.LogRecord(
            "paybot", logging.ERROR, __file__, 1, "card %s given", (number,), sys.exc_info()
        )
    CardDataFilter().filter(record)
    rendered = logging.Formatter().format(record)
    assert number not in rendered
    assert not find_card_numbers(rendered)


# What a payer writes right before or after a piece of the number, joined by separators only, so
# that it runs together with the piece: an amount, an expiry, a code, a date.
NEIGHBOURS = ["$1", "$25.50", "12/27", "01/2030", "737", "1234", "€40", "5", "2026-12-01"]
NEIGHBOUR_GLUE = [" ", ", ", " - ", "  ", "\u00a0", "/"]
PIECE_LINKS = [" and ", " then ", ", then it ends ", " y termina en ", " followed by ", " and then "]


@st.composite
def number_in_pieces_with_neighbours(draw: st.DrawFn, number: str) -> tuple[str, int]:
    """The number in 2-3 pieces with words between, and other figures glued to the outer pieces;
    with the count of the neighbours' digits."""
    count = draw(st.integers(2, 3))
    cuts = sorted(draw(st.sets(st.integers(2, len(number) - 2), min_size=count - 1, max_size=count - 1)))
    bounds = [0, *cuts, len(number)]
    pieces = [number[a:b] for a, b in itertools.pairwise(bounds)]
    if any(len(p) < 2 for p in pieces):
        pieces = [number[: len(number) // 2], number[len(number) // 2 :]]
    # A piece that is a whole card number of its own is that card: what follows it is not card data.
    # Pieces that together, short of the last, make one are drawn too ("40" and "00000000329", a
    # 13-digit Visa, of the 17-digit "40000000003290000"): the capture takes the whole card, and
    # free-text redaction removes every reading, so no digit of either may survive.
    assume(not any(is_whole_card_number(p) for p in pieces))
    text = pieces[0]
    for piece in pieces[1:]:
        text += draw(st.sampled_from(PIECE_LINKS)) + piece
    neighbours = []
    if draw(st.booleans()):
        neighbours.append(draw(st.sampled_from(NEIGHBOURS)))
        text = neighbours[-1] + draw(st.sampled_from(NEIGHBOUR_GLUE)) + text
    if draw(st.booleans()):
        neighbours.append(draw(st.sampled_from(NEIGHBOURS)))
        text += draw(st.sampled_from(NEIGHBOUR_GLUE)) + neighbours[-1]
    return "it starts " + text, sum(ch.isdigit() for n in neighbours for ch in n)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    number=card_numbers(),
    expecting=st.sampled_from(list(Expecting)),
    typed=st.booleans(),
)
def test_a_number_in_pieces_never_survives_whatever_figures_touch_its_pieces(
    data: st.DataObject, number: str, expecting: Expecting, typed: bool
) -> None:
    """Found by the leak fuzzer: "starts 3400000 and 00000017 $1" reached the understanding whole,
    because the amount ran together with the last piece and hid the number from the halves rule."""
    text, neighbour_digits = data.draw(number_in_pieces_with_neighbours(number))
    for redacted in (redact_text(text), capture_card_material(text, expecting, typed_entry=typed)[0]):
        remaining = "".join(ch for ch in redacted if ch.isdigit())
        # Every digit of the number is gone; at most the neighbours' own figures are left.
        assert len(remaining) <= neighbour_digits, (text, redacted)
        assert not find_card_numbers(redacted, split=True), (text, redacted)


@pytest.mark.parametrize(
    "text",
    [
        "it starts 51 and 00000000000149 and 00",  # a 16-digit Mastercard, or 18 digits with the "00"
        "first 4000 0566 then 55665556 and 18",  # a 16-digit Visa, or 18 digits with the "18"
        "5555 5555 and 55554444 then 00",
    ],
)
def test_free_text_removes_every_reading_of_a_number_in_pieces(text: str) -> None:
    """Found by this file's property test: free-text redaction kept only the likelier reading (the
    whole card) and left the other reading's last piece in the text."""
    redacted = redact_text(text)
    assert not any(ch.isdigit() for ch in redacted), redacted


@st.composite
def whole_card_numbers(draw: st.DrawFn) -> str:
    """Numbers as brands issue them (a length the brand uses), so the run is a card on its own."""
    number = draw(card_numbers())
    assume(is_whole_card_number(number))
    return number


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    number=whole_card_numbers(),
    month=st.integers(1, 12),
    year=st.integers(2027, 2040),
    cvv=st.from_regex(r"[0-9]{3}", fullmatch=True),
    link=st.sampled_from([" exp ", " expires ", ", ", " "]),
)
def test_a_whole_card_with_its_expiry_and_code_is_taken_field_by_field(
    data: st.DataObject, number: str, month: int, year: int, cvv: str, link: str
) -> None:
    """The pieces rule never joins a whole card number to the expiry after it (a chance Luhn match
    of "4242 4242 4242 4242" and "12" once swallowed the expiry of "... exp 12/29 cvc 739")."""
    shown = data.draw(formatted(number))
    text = f"card {shown}{link}{month:02d}/{year % 100:02d} cvc {cvv}"
    with capture_card_material(text, Expecting.CARD_NUMBER, typed_entry=True)[1] as capture:
        assert capture.number == number
        assert (capture.exp_month, capture.exp_year) == (month, year)
        assert capture.cvv == cvv
