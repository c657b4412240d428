"""Random ids: right length, only the alphabet, every character reachable, no bias past the redraw."""

from __future__ import annotations

import string
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paybot_core.ids import random_string
from paybot_core.services import new_session_id


@given(
    alphabet=st.text(min_size=1, max_size=256).map(lambda s: "".join(dict.fromkeys(s))),
    length=st.integers(0, 64),
)
def test_strings_have_the_asked_length_and_only_alphabet_characters(alphabet: str, length: int) -> None:
    made = random_string(alphabet, length)
    assert len(made) == length
    assert set(made) <= set(alphabet)


def test_every_character_comes_up_about_equally_often() -> None:
    # 62 characters: 256 is not a multiple of 62, so without the redraw the first 8 would come up
    # about 1.25 times as often as the rest (5 bytes map to them, 4 to the others).
    alphabet = string.ascii_letters + string.digits
    counts = Counter(random_string(alphabet, 62_000))
    assert set(counts) == set(alphabet)
    expected = 1000
    assert all(abs(n - expected) < 200 for n in counts.values()), counts.most_common(3)
    first_eight = sum(counts[c] for c in alphabet[:8]) / 8
    rest = sum(counts[c] for c in alphabet[8:]) / (len(alphabet) - 8)
    assert first_eight / rest < 1.1


@pytest.mark.parametrize("alphabet", ["", "x" * 257])
def test_an_alphabet_outside_1_to_256_characters_is_refused(alphabet: str) -> None:
    with pytest.raises(ValueError, match="alphabet"):
        random_string(alphabet, 4)


def test_session_ids_are_letters_only_and_distinct() -> None:
    ids = {new_session_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(i.startswith("ses_") and i[4:].isalpha() and len(i) == 28 for i in ids)
