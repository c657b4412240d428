"""The one card-data recogniser: every reader of untrusted text sees digits the same way.

Text reaches the recogniser in whatever form a person or a copy-paste gave it: fullwidth,
circled or superscript digits, Arabic-Indic digits, non-breaking and narrow spaces, zero-width
characters between digits, dots, slashes, underscores, several spaces, digits spelled out in
English or Spanish. `canonical` maps it to one canonical text (NFKC, case-folded, accents
stripped, format characters dropped, every digit ASCII, spelled digit sequences as digits)
and remembers, for every canonical character, which characters of the original it came from.
Patterns then run on the canonical text only, and whatever they find is replaced in the
original (`Canonical.replace`, `Canonical.render`).

What counts as card material:
- a digit run (digit groups with at most a few separator characters between them) of 13 or
  more digits, valid or not: a mistyped card number is still somebody's card number;
- digit runs of one message that together make a Luhn-valid number of a known brand
  ("starts 49298541 and ends 92326189");
- a 3-4 digit group after a security-code label (`words.CVV_ACRONYMS`, `words.CVV_PHRASES`).
The guard (`capture.py`), the model guard, the log filter and the audit redaction all use this
module; the expiry and context rules that only the guard needs live in `capture.py`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from . import placeholders, words
from .cards import Brand, brand_lengths, check_card_number, detect_brand, luhn_valid

# Characters that separate digit groups: anything but a letter or a digit, underscores included.
SEPARATOR = r"[\W_]"
# Between two groups of one digit run: at most 6 separator characters (" - ", spaces, ". ", "\n").
_GAP = re.compile(rf"{SEPARATOR}{{0,6}}")
DIGIT_GROUP = re.compile(r"\d+")
# People and apps group card digits in fours to sixes (at most 8); a longer group stands alone, so
# a float's parts ("1796159127.372") or an id and a count are not read as one number.
MAX_JOINED_GROUP = 8
MIN_PAN_DIGITS = 13
MAX_PAN_DIGITS = 19


@dataclass(frozen=True)
class Replacement:
    start: int  # in the original text
    end: int
    text: str | None  # None: the original stays (spelled digits read as digits, not redacted)


class Canonical:
    """Canonical text with, per character, the span of the original it stands for."""

    __slots__ = ("_ends", "_replacements", "_starts", "original", "text")

    def __init__(
        self,
        original: str,
        text: str,
        starts: list[int],
        ends: list[int],
        replacements: tuple[Replacement, ...] = (),
    ) -> None:
        self.original = original
        self.text = text
        self._starts = starts
        self._ends = ends
        self._replacements = replacements

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span that canonical characters [start, end) came from."""
        if start >= end:
            at = self._starts[start] if start < len(self._starts) else len(self.original)
            return at, at
        return min(self._starts[start:end]), max(self._ends[start:end])

    def replace(self, start: int, end: int, placeholder: str, *, redact: bool = True) -> Canonical:
        """Replace canonical [start, end) with `placeholder`; in the original too when `redact`."""
        o_start, o_end = self.span(start, end)
        shown = placeholder if redact else None
        kept: list[Replacement] = []
        for earlier in self._replacements:
            if earlier.end <= o_start or earlier.start >= o_end:
                kept.append(earlier)
            else:  # overlapping an earlier replacement: one replacement covers both
                o_start, o_end = min(o_start, earlier.start), max(o_end, earlier.end)
                if shown is None:
                    shown = earlier.text
        kept.append(Replacement(o_start, o_end, shown))
        n = len(placeholder)
        return Canonical(
            self.original,
            self.text[:start] + placeholder + self.text[end:],
            self._starts[:start] + [o_start] * n + self._starts[end:],
            self._ends[:start] + [o_end] * n + self._ends[end:],
            tuple(sorted(kept, key=lambda r: r.start)),
        )

    @property
    def changed(self) -> bool:
        return any(r.text is not None for r in self._replacements)

    def render(self) -> str:
        """The original text with the replacements made; other digits written as ASCII digits."""
        out: list[str] = []
        at = 0
        for r in self._replacements:
            if r.text is None:
                continue
            out.append(_ascii_digits(self.original[at : r.start]))
            out.append(r.text)
            at = r.end
        out.append(_ascii_digits(self.original[at:]))
        return "".join(out)


def _ascii_digits(text: str) -> str:
    if text.isascii():
        return text
    return "".join(_DIGIT_OF.get(ch) or _char_digits(ch) or ch for ch in text)


_DIGIT_OF = {str(d): str(d) for d in range(10)}


@lru_cache(maxsize=4096)
def _char_digits(ch: str) -> str:
    """The ASCII digits a character stands for ("４" -> "4", "⑫" -> "12"), or ""."""
    folded = unicodedata.normalize("NFKC", ch)
    digits = "".join(str(unicodedata.digit(c)) for c in folded if unicodedata.digit(c, None) is not None)
    return digits if digits and len(digits) == len(folded) else ""


@lru_cache(maxsize=4096)
def _canonical_char(ch: str) -> str:
    """One original character in canonical form: "" for format characters (zero-width, BOM)."""
    category = unicodedata.category(ch)
    if category in ("Cf", "Mn", "Me"):
        # Format characters (zero-width, BOM) and marks that render on the character before them:
        # accents, variation selectors, the keycap and enclosing circles of "7️⃣" or "4⃝".
        return ""
    if category.startswith("Z") or ch in "\t\n\r\v\f":
        return " "
    if category == "Pd":
        return "-"
    digits = _char_digits(ch)
    if digits:
        return digits
    folded = unicodedata.normalize("NFKC", ch).casefold()
    stripped = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def canonical(text: str) -> Canonical:
    """The canonical form of `text`, spelled digit sequences included."""
    if text.isascii():
        base = text.lower()
        starts = list(range(len(text)))
        ends = list(range(1, len(text) + 1))
    else:
        pieces: list[str] = []
        starts, ends = [], []
        for index, ch in enumerate(text):
            canon = _canonical_char(ch)
            pieces.append(canon)
            starts.extend([index] * len(canon))
            ends.extend([index + 1] * len(canon))
        base = "".join(pieces)
    result = Canonical(text, base, starts, ends)
    return _lookalikes_as_digits(_spelled_digits_as_digits(result))


# ---------------------------------------------------------------- spelled digits

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
# Between two number words: any separator a person or a copy-paste puts there ("four.nine/two_nine").
_PHRASE_GAP = re.compile(r"[\W_]{0,6}")


def _spelled_digits_as_digits(text: Canonical) -> Canonical:
    """Replace sequences of number words ("four nine two", "forty-nine", "treinta y uno") by digits.

    A single number word is left alone unless it touches a digit ("one" in "one thing" is no card
    material; "4929 eight five" is), so ordinary words never turn into numbers.
    """
    if not _may_hold_number_words(text.text):
        return text
    phrases = list(_number_phrases(text.text))
    for start, end, digits, word_count in reversed(phrases):
        if word_count >= 2 or _touches_digit(text.text, start, end):
            text = text.replace(start, end, digits, redact=False)
    return text


# Longest first, then alphabetical: one pattern in every process (a set's order changes with the
# hash seed), so the program the Lambda zip stores for it is found (paybot_channels.regex_code).
_NUMBER_WORD_HINT = re.compile(  # not \b: "four_nine_two" holds no word boundary; (?=[a-z]) is fast
    r"(?<![a-z])(?=[a-z])(?:"
    + "|".join(sorted(words.NUMBER_WORDS | frozenset(words.REPEAT), key=lambda word: (-len(word), word)))
    + r")(?![a-z])"
)


def _may_hold_number_words(text: str) -> bool:
    return _NUMBER_WORD_HINT.search(text) is not None


def _touches_digit(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 4) : start]
    after = text[end : end + 4]
    return bool(re.search(rf"\d{SEPARATOR}*$", before) or re.match(rf"{SEPARATOR}*\d", after))


def _number_phrases(text: str) -> Iterator[tuple[int, int, str, int]]:
    """(start, end, digits, words) of each maximal sequence of number words in canonical text."""
    reader = _PhraseReader(text)
    index = 0
    while index < len(reader.tokens):
        parsed = reader.read(index)
        if parsed is None:
            index += 1
            continue
        next_index, digits = parsed
        yield reader.tokens[index][0], reader.tokens[next_index - 1][1], digits, next_index - index
        index = next_index


class _PhraseReader:
    """Reads number words left to right: units, teens, tens[-unit], "x hundred ...", "double x"."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        self.first = 0

    def word(self, i: int) -> str | None:
        """The i-th word, or None past the end or when anything but a few separators precede it."""
        if i >= len(self.tokens):
            return None
        if i > self.first and not _PHRASE_GAP.fullmatch(self.text[self.tokens[i - 1][1] : self.tokens[i][0]]):
            return None
        return self.tokens[i][2]

    def read(self, first: int) -> tuple[int, str] | None:
        """(index after the phrase, its digits) of the phrase starting at word `first`, or None."""
        self.first = first
        digits: list[str] = []
        index = first
        while (w := self.word(index)) is not None:
            following = self.word(index + 1)
            if w in words.INNER_ZERO:
                # "four two oh four", "four oh oh two": inside a number; "... six oh" closing a group
                zeros = 1
                while self.word(index + zeros) in words.INNER_ZERO:
                    zeros += 1
                after = self.word(index + zeros)
                inside = after is not None and _is_number_start(after)
                if not digits or not (inside or sum(map(len, digits)) + zeros >= 4):
                    break
                digits.append("0" * zeros)
                index += zeros
            elif w in words.JOINERS:
                # "forty and two", "treinta y uno": only between number words
                if not (digits and following is not None and _is_number_start(following)):
                    break
                index += 1
            elif w in words.REPEAT:
                if following in words.INNER_ZERO:  # "double oh", "triple oh"
                    digits.append("0" * words.REPEAT[w])
                elif following in words.UNITS:
                    digits.append(str(words.UNITS[following]) * words.REPEAT[w])
                else:
                    break
                index += 2
            elif w in words.UNITS and following in words.HUNDRED:
                rest, consumed = self.below_hundred(index + 2)
                digits.append(f"{words.UNITS[w]}{rest}")
                index += 2 + consumed
            elif w in words.UNITS:
                digits.append(str(words.UNITS[w]))
                index += 1
            elif w in words.HUNDRED:  # "hundred", "cien" alone: 100
                rest, consumed = self.below_hundred(index + 1)
                digits.append(f"1{rest}")
                index += 1 + consumed
            elif w in words.TEENS or w in words.TENS:
                value, consumed = self.below_hundred(index)
                digits.append(value)
                index += consumed
            else:
                break
        return (index, "".join(digits)) if digits else None

    def below_hundred(self, index: int) -> tuple[str, int]:
        """Two digits from a tens[-unit], teen or unit at `index` ("00" when none); and words read."""
        w = self.word(index)
        if w in words.TENS:
            tens = words.TENS[w]
            step, following = 1, self.word(index + 1)
            if following in words.JOINERS and self.word(index + 2) in words.UNITS:
                step, following = 2, self.word(index + 2)
            if following in words.UNITS and words.UNITS[following] != 0:
                return f"{tens + words.UNITS[following]:02d}", step + 1
            return f"{tens:02d}", 1
        if w in words.TEENS:
            return f"{words.TEENS[w]:02d}", 1
        if w in words.JOINERS and (unit := self.word(index + 1)) in words.UNITS:
            return f"{words.UNITS[unit]:02d}", 2
        if w in words.UNITS:
            return f"{words.UNITS[w]:02d}", 1
        return "00", 0


def _is_number_start(w: str) -> bool:
    return w in words.UNITS or w in words.TEENS or w in words.TENS or w in words.REPEAT


# ---------------------------------------------------------------- letters typed for digits

# Letters people and attackers type for digits, as canonical (case-folded) text holds them: l and i (I)
# for 1, o (Latin, Cyrillic, Greek) for 0, z for 2, s for 5, b for 8.
LOOKALIKE_DIGITS = {"l": "1", "i": "1", "o": "0", "\u043e": "0", "\u03bf": "0", "z": "2", "s": "5", "b": "8"}
_LOOK = "".join(LOOKALIKE_DIGITS)
_LOOK_TABLE = str.maketrans(LOOKALIKE_DIGITS)
# The slow reading is tried only where a token mixes digits and look-alikes ("854l", "4ooo") or a
# token of three or more look-alikes only sits beside a digit ("4000 oooo"); not for "is 4929".
# (Three searches, the costly one last: one alternation of all of it costs twice as much.)
_MIXED_HINT = re.compile(rf"\d[{_LOOK}]|[{_LOOK}]\d")
_THREE_LOOKALIKES = re.compile(rf"[{_LOOK}]{{3}}")
_BESIDE_A_DIGIT = re.compile(rf"\d[\W_]{{1,6}}[{_LOOK}]{{3}}|[{_LOOK}]{{3}}[\W_]{{1,6}}\d")
# A short last group after a digit ("4000 3333 3333 o": 13 digits in fours).
_LAST_GROUP = re.compile(rf"\d[\W_]{{1,6}}[{_LOOK}]{{1,2}}(?![^\W_])")
_ALNUM_TOKEN = re.compile(r"[^\W_]+")
_LOOKALIKE_TOKEN = re.compile(rf"[0-9{_LOOK}]+")
# A token `_digit_like_groups` reads as a look-alike group: digits and look-alikes only, one look-alike at
# least. Without one no group has look-alikes and nothing is read (ids: "pi_3Qx0lZ..." mix them in tokens
# of other letters). Possessive, so a long token of look-alikes followed by a letter is one pass.
_LOOKALIKE_WORD = re.compile(rf"(?<![^\W_])(?=[0-9]*[{_LOOK}])[0-9{_LOOK}]++(?![^\W_])")
_ALL_BRANDS = frozenset(Brand)


@dataclass(frozen=True)
class _Group:
    start: int
    end: int
    digits: str  # as digits, look-alikes read
    typed_digits: bool  # holds a digit as typed
    lookalikes: bool  # holds a letter read as a digit


def _lookalikes_as_digits(text: Canonical) -> Canonical:
    """Letters typed for digits inside a card number ("4929 854l 9232 6l89", "4OOO OOOO OOOO OOO2") read
    as the digits they stand for. Only where, so read, consecutive digit groups make a valid card number
    of a known brand and length, with a digit typed as one among them and no plain 13+ digit run there
    already: so "is", "so", "lol" or "bills" beside a figure never turn into digits."""
    if not _may_read_lookalikes(text.text):
        return text
    plain_cards: list[DigitRun] | None = None
    for run in _group_runs(text.text, _digit_like_groups(text.text)):
        hit = _lookalike_card(run)
        if hit is None:
            continue
        if plain_cards is None:
            plain_cards = [r for r in digit_runs(text.text) if check_card_number(r.digits, _ALL_BRANDS).ok]
        if any(run[0].start <= card.start < run[-1].end for card in plain_cards) and not all(
            group.typed_digits for group in hit if group.lookalikes
        ):
            # A card number in plain digits is the plain reading's, unless what extends it mixes
            # digits and look-alikes ("6011 2234 4495 1448 oo2"); a word after it never does ("lol").
            continue
        for group in reversed(hit):
            if group.lookalikes:
                text = text.replace(group.start, group.end, group.digits, redact=False)
    return text


def _may_read_lookalikes(text: str) -> bool:
    """False only when `_lookalikes_as_digits` surely reads nothing in canonical `text`."""
    return bool(
        (
            _MIXED_HINT.search(text)
            or (_THREE_LOOKALIKES.search(text) and _BESIDE_A_DIGIT.search(text))
            or _LAST_GROUP.search(text)
        )
        and _LOOKALIKE_WORD.search(text)
    )


def _digit_like_groups(text: str) -> list[_Group]:
    """Digit groups of `text`: a whole token of digits and look-alikes, or the digits inside any other
    token ("card4929")."""
    groups: list[_Group] = []
    for token in _ALNUM_TOKEN.finditer(text):
        word = token.group()
        if _LOOKALIKE_TOKEN.fullmatch(word) and not word.isdigit():
            typed = any(ch.isdigit() for ch in word)
            groups.append(_Group(token.start(), token.end(), word.translate(_LOOK_TABLE), typed, True))
            continue
        for digits in DIGIT_GROUP.finditer(word):
            start = token.start() + digits.start()
            groups.append(_Group(start, start + len(digits.group()), digits.group(), True, False))
    return groups


def _group_runs(text: str, groups: list[_Group]) -> Iterator[list[_Group]]:
    """Groups joined by short gaps of separators, as `digit_runs` joins digit groups."""
    run: list[_Group] = []
    for group in groups:
        if run and not (
            len(group.digits) <= MAX_JOINED_GROUP
            and len(run[-1].digits) <= MAX_JOINED_GROUP
            and _GAP.fullmatch(text, run[-1].end, group.start)
        ):
            yield run
            run = []
        run.append(group)
    if run:
        yield run


def _lookalike_card(run: list[_Group]) -> list[_Group] | None:
    """The consecutive groups of `run` that, look-alikes read, are a valid card number; or None.
    Groups beginning and ending with a typed digit are preferred, then the longest, then the first."""
    if not any(g.lookalikes for g in run):
        return None
    candidates = []
    for first in range(len(run)):
        joined, lookalikes, typed = "", False, False
        for stop in range(first, len(run)):
            group = run[stop]
            joined += group.digits
            lookalikes, typed = lookalikes or group.lookalikes, typed or group.typed_digits
            if len(joined) > MAX_PAN_DIGITS:
                break
            if (  # the cheap tests first: this runs for every window
                len(joined) >= MIN_PAN_DIGITS
                and lookalikes
                and typed
                and luhn_valid(joined)
                and len(set(joined)) > 1
                and check_card_number(joined, _ALL_BRANDS).ok
            ):
                typed_ends = run[first].typed_digits + group.typed_digits
                candidates.append((-typed_ends, -len(joined), first, run[first : stop + 1]))
    return min(candidates, key=lambda c: c[:3])[3] if candidates else None


# ---------------------------------------------------------------- card numbers


@dataclass(frozen=True)
class DigitRun:
    start: int  # in canonical text
    end: int
    digits: str


def digit_runs(text: str) -> list[DigitRun]:
    """Every digit run of canonical `text`: digit groups of up to 8 digits joined by short gaps of
    separators, or one longer group on its own."""
    runs: list[DigitRun] = []
    current: list[re.Match[str]] = []

    def close() -> None:
        if current:
            digits = "".join(m.group() for m in current)
            runs.append(DigitRun(current[0].start(), current[-1].end(), digits))
            current.clear()

    for group in DIGIT_GROUP.finditer(text):
        if current and not (
            len(group.group()) <= MAX_JOINED_GROUP
            and len(current[-1].group()) <= MAX_JOINED_GROUP
            and _GAP.fullmatch(text, current[-1].end(), group.start())
        ):
            close()
        current.append(group)
    close()
    return runs


def split_pan_runs(
    text: str, runs: list[DigitRun] | None = None, *, every_reading: bool = False
) -> list[list[DigitRun]]:
    """Digits of one message that together make a card number although words sit between them.

    Consecutive digit groups, taken from two or more digit runs, whose digits joined are 13-19
    long, Luhn-valid and of a known brand's issuer range ("starts 49298541 and ends 92326189").
    A run's groups are cut at the window's edges, because a run greedily joins what follows a
    piece of the number through separators only: an amount ("... and 00000017 $1"), a code or an
    expiry ("... ends 4242 12/27") must not hide the number. A one-digit group counts only when
    it touches a neighbour in the window through separators. Every start is tried, so numbers
    found may overlap (a figure before the number can complete a valid number by chance: "€40
    352800030949 and 009"); each is a list of spans (the window's groups, merged where they belong
    to one run), leftmost first. `split_pan_spans` gives their union, for replacing. `runs`:
    `digit_runs(text)`, when the caller has them already.

    From each start one reading is kept: the number the payer most likely meant, which the capture
    takes. With `every_reading`, every valid window is kept instead: what free-text redaction must
    remove when two readings pass ("51 and 00000000000149 and 00" is a 16-digit Mastercard, or 18
    digits with the "00"; neither may survive).
    """
    runs = digit_runs(text) if runs is None else runs
    if len(runs) < 2:  # a window spans two runs or more (within one run, the run rules apply)
        return []
    groups: list[tuple[int, DigitRun]] = [  # (index of its run, the group)
        (at, DigitRun(m.start(), m.end(), m.group()))
        for at, run in enumerate(runs)
        for m in DIGIT_GROUP.finditer(text, run.start, run.end)
    ]
    found: list[list[DigitRun]] = []
    index = 0
    while index < len(groups):
        hit: list[tuple[int, DigitRun]] | None = None
        hit_is_whole = False
        for stop in range(index + 2, len(groups) + 1):
            window = groups[index:stop]
            pieces = [g for _, g in window]
            if any(len(g.digits) < 2 and not _joined(text, pieces, g) for g in pieces):
                break
            joined = "".join(g.digits for g in pieces)
            if len(joined) > MAX_PAN_DIGITS:
                break
            if not (
                window[0][0] != window[-1][0]  # within one run, the run rules apply instead
                and len(joined) >= MIN_PAN_DIGITS
                and luhn_valid(joined)
                and detect_brand(joined) is not None
                and len(set(joined)) > 1
            ):
                continue
            if every_reading:
                found.append(_merged_by_run(window))
            elif not (hit_is_whole and not is_whole_card_number(joined)):
                # The longest window wins, but one of a length its brand uses is never replaced by
                # a longer chance match ("... 00000009 una": the Amex, not 16 digits with the "1").
                hit, hit_is_whole = window, is_whole_card_number(joined)
        if hit:
            found.append(_merged_by_run(hit))
        index += 1
    return found


def split_pan_spans(
    text: str, runs: list[DigitRun] | None = None, *, every_reading: bool = False
) -> list[tuple[int, int]]:
    """The union of `split_pan_runs`' spans, sorted and without overlaps."""
    readings = split_pan_runs(text, runs, every_reading=every_reading)
    return merged_spans([(r.start, r.end) for pieces in readings for r in pieces])


def _merged_by_run(window: list[tuple[int, DigitRun]]) -> list[DigitRun]:
    """The window's groups as one span per run they belong to."""
    spans: list[DigitRun] = []
    last_run = -1
    for at, group in window:
        if spans and at == last_run:
            previous = spans[-1]
            spans[-1] = DigitRun(previous.start, group.end, previous.digits + group.digits)
        else:
            spans.append(group)
        last_run = at
    return spans


def _joined(text: str, window: list[DigitRun], run: DigitRun) -> bool:
    """Whether `run` touches a neighbour in `window` through separators only ("3 400000000 00009")."""
    at = window.index(run)  # groups are distinct spans: equality finds this very one
    before = window[at - 1] if at > 0 else None
    after = window[at + 1] if at + 1 < len(window) else None
    return bool(
        (before and _GAP.fullmatch(text, before.end, run.start))
        or (after and _GAP.fullmatch(text, run.end, after.start))
    )


def is_card_number(digits: str) -> bool:
    """A Luhn-valid 13-19 digit number in a known brand's issuer range."""
    return (
        MIN_PAN_DIGITS <= len(digits) <= MAX_PAN_DIGITS
        and luhn_valid(digits)
        and detect_brand(digits) is not None
    )


def is_whole_card_number(digits: str) -> bool:
    """A card number as its brand issues them: Luhn-valid, in an issuer range, of a length it uses."""
    brand = detect_brand(digits)  # once: this is `is_card_number` with the brand's lengths
    return brand is not None and len(digits) in brand_lengths(brand) and luhn_valid(digits)


def find_card_numbers(text: str, *, split: bool = False) -> list[str]:
    """Luhn-valid 13-19 digit card numbers in `text`, in any form (for leak scans and tests).

    A run may hold a card number plus more digits (an expiry typed without a space), so every
    window of every run is tried, as data-loss scanners do. With `split`, numbers split across
    the words of one message are found too; off by default, because the separate figures of a
    structured text (a JSON body's amount, last four and year) can add up to one by chance.
    """
    canon = canonical(text).text
    found: list[str] = []
    for run in digit_runs(canon):
        if len(run.digits) >= MIN_PAN_DIGITS:
            hit = _first_luhn_window(run.digits)
            if hit:
                found.append(hit)
    if split:
        found.extend("".join(r.digits for r in runs) for runs in split_pan_runs(canon))
    return found


def _first_luhn_window(digits: str) -> str | None:
    for size in range(min(len(digits), MAX_PAN_DIGITS), MIN_PAN_DIGITS - 1, -1):
        for start in range(len(digits) - size + 1):
            window = digits[start : start + size]
            if len(set(window)) > 1 and luhn_valid(window):
                return window
    return None


def contains_card_number(text: str, *, split: bool = False) -> bool:
    return bool(find_card_numbers(text, split=split))


# ---------------------------------------------------------------- security codes


def _acronym(letters: str) -> str:
    """An acronym whose letters may be dotted or spaced: "cvv" matches "c.v.v." and "c v v"."""
    return r"[\s.\-_/]?".join(re.escape(ch) for ch in letters) + r"\.?"


_CVV_LABEL = (
    r"(?<![a-z])(?=[a-z])(?:"
    + "|".join([*(_acronym(a) for a in words.CVV_ACRONYMS), *words.CVV_PHRASES])
    + r")(?![a-z])"
)


def _fillers(options: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(options, key=len, reverse=True))


# Marks between a label, its filler words and the code: any few separators, so pointers and wraps
# ("cvv → 737", "cvv [737]", "**cvv:** 737") read like "cvv: 737".
_MARKS = r"(?:[^\w$€£¥]|_){0,8}"  # not a currency sign: "security $500" is money
_CODE = r"(\d{3,4}|\d(?:[ .\-]\d){2,3})"
# A label, up to four filler words, then the code: 3 or 4 digits on their own, together or one by one
# as read off the card ("8 4 6", "8-4-6", "8.4.6").
CVV_LABELLED = re.compile(
    _CVV_LABEL + rf"(?:{_MARKS}(?:(?:{_fillers(words.LABEL_FILLER)})(?![a-z]){_MARKS}){{0,4}})"
    rf"(?<![\d]){_CODE}(?![\d]){words.MONEY_AFTER}"
)
# The code first, its label after: "737 is the cvv", "737 (cvv)", "737 es el codigo", "737 is the 3
# digits on the back". Not after money or inside a longer number or date, and the label ends its
# phrase (the end, a mark, a figure, "and"): "250 security deposit" is no code.
CODE_BEFORE_LABEL = re.compile(
    rf"(?<![\w$€£¥.,/\-]){_CODE}(?![\d]|[.,]\d)"
    rf"{_MARKS}(?:(?:{_fillers(words.CODE_BEFORE_LABEL_FILLER)})(?![a-z]){_MARKS}){{0,3}}"
    r"(?:(?:[34]|three|four|tres|cuatro)[\s\-]?)?"
    + _CVV_LABEL
    # What follows the label ends it: the text, a mark, a digit, "and", or any other word but one
    # that goes on naming the field ("737 is the cvv Jane Doe" holds a code; "3 cvv digits" no).
    + r"(?=[^\S\n]*(?:$|[^\w\s]|\d|(?:and|y)(?![a-z])"
    + r"|(?!(?:codes?|numbers?|digits?|field|box|c[oó]digo|n[uú]mero|d[ií]gitos?)(?!\w))[^\W\d_]))"
)


_ANY_LABEL = re.compile(_CVV_LABEL)


def find_labelled_codes(text: str) -> list[tuple[int, int]]:
    """Canonical spans of codes beside a label ("cvv 123", "the 3 digits on the back are 846", "846
    is the cvv"), in the order they appear."""
    if _ANY_LABEL.search(text) is None:  # most messages: one scan, not one per digit group
        return []
    spans = {match.span(1) for match in CVV_LABELLED.finditer(text)}
    spans |= {match.span(1) for match in CODE_BEFORE_LABEL.finditer(text)}
    ordered: list[tuple[int, int]] = []
    for span in sorted(spans):
        if ordered and span[0] < ordered[-1][1]:  # overlapping readings of one code
            continue
        ordered.append(span)
    return ordered


# ---------------------------------------------------------------- redaction of free text

REDACTED_NUMBER = placeholders.CARD_NUMBER


def redact(
    text: Canonical, placeholder: str = REDACTED_NUMBER, code_placeholder: str = placeholders.SECURITY_CODE
) -> Canonical:
    """Card numbers (13+ digit runs, numbers split across words) and labelled codes replaced."""
    if not _holds_a_digit(text.text):
        # Every pattern below needs a digit of the canonical text (spelled digits and look-alikes are
        # digits there already): a text the guard has replaced everything of takes no more reading.
        return text
    for start, end in reversed(find_labelled_codes(text.text)):
        text = text.replace(start, end, code_placeholder)
    if not _holds_13_digits(text.text):
        return text  # a long run and a number in pieces alike take 13 digits or more (ids, amounts)
    # Both kinds are found on the same text before anything is replaced: a long run can be the
    # end of a number given in pieces ("first 4242 4242 then 4242 4242 12/27"), and replacing it
    # first would leave the other piece behind.
    runs = digit_runs(text.text)
    spans = [(r.start, r.end) for r in runs if len(r.digits) >= MIN_PAN_DIGITS]
    spans += split_pan_spans(text.text, runs, every_reading=True)
    for start, end in reversed(merged_spans(spans)):
        text = text.replace(start, end, placeholder)
    return text


def _holds_a_digit(text: str) -> bool:
    return _ANY_DIGIT.search(text) is not None


def _holds_13_digits(text: str) -> bool:
    return sum(map(len, DIGIT_GROUP.findall(text))) >= MIN_PAN_DIGITS


def merged_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`spans` sorted, overlapping ones joined."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def may_hold_card_data(text: str) -> bool:
    """False only when `text` surely holds no digit in any form (a fast path for plain ASCII)."""
    if not text.isascii():
        return True
    return _ANY_DIGIT.search(text) is not None or _may_hold_number_words(text.lower())


_ANY_DIGIT = re.compile(r"\d")


def redact_text(text: str) -> str:
    """`text` with every card number, in any form, and every labelled security code replaced."""
    if not may_hold_card_data(text):
        return text
    result = redact(canonical(text))
    return result.render() if result.changed else text
