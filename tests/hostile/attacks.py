"""The red team's classes of attack, one hypothesis strategy per class.

Each strategy writes a given card number or security code the way a person, a keyboard, a
banking app's copy button or an attacker might: other separators, other digit scripts,
zero-width characters, words, halves spread over a sentence, labels people use. Nothing here
is a list of known strings to block: every strategy draws from the general class (any Unicode
space, any script's digits, any label spelling), so a fix must hold for the class.

Second round (our own red team, before the outside one; tests in `test_second_round.py`):
- Found and fixed: letters typed for digits inside a card number (`lookalike_pan`); spoken forms
  with "oh" runs, "double/triple oh" and any punctuation between the words (`spoken_pan`); codes
  under more labels, behind pointers and wraps, in keycap digits, before their label or before the
  expiry (`relabelled_cvv`, `cvv_before_label`, `cvv_before_expiry`); a card number in base64,
  base32 or hex toward a model, in merchant text or as a name; a receipt address whose local part
  is the card number (merchant API).
- Held already: mixed digit scripts in one number; "double four", "triple zero", teens and tens
  ("forty-two", "cuarenta y dos"), number words mixed with digits, Spanish "doble"; a card number
  in a URL, an e-mail address typed in chat, JSON or markdown code, glued to letters, after "+" or
  in parentheses; "cvv is seven three seven", "sec code", "csc", "the three numbers on the back:
  737", Spanish labels; a code as its own message at the code prompt; ids, headers, Connect events.
- A card number over two messages: nothing keeps or sends more than one turn's text (the model gets
  one message per request, the store and audit keep no text, names refuse digits); the deny-by-
  default lets a model see at most an amount-shaped figure, and only at the amount prompt.
- Out of scope: homophones and misspellings ("for", "too", "ate", "tree", "fower"): ordinary words;
  "four thousand nine hundred..." for a group; reversed digit order; a code with no label or
  context anywhere but the code prompt ("the little number 737"); encodings split over tokens or
  nested more than twice; card numbers spread over several merchant metadata values.
"""

from __future__ import annotations

import itertools
import unicodedata

from hypothesis import strategies as st

# ---------------------------------------------------------------- characters of each class

# Every Unicode space separator (NBSP, narrow NBSP, thin, ideographic, ...), plus tab and newlines.
UNICODE_SPACES = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) == "Zs"] + [
    "\t",
    "\n",
    "\r\n",
]
# Format characters that render as nothing: zero-width space/joiners, word joiner, BOM, soft hyphen.
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
PUNCTUATION = [*list(".,/_;:|+*~·•'\""), "‐", "‑", "‒", "–", "—", "−"]


def _digit_scripts() -> list[dict[str, str]]:
    """Per script, a map from ASCII digit to that script's digit (decimal and compatibility digits)."""
    scripts: dict[str, dict[str, str]] = {}
    for code in range(0x110000):
        ch = chr(code)
        if ch.isascii() or unicodedata.category(ch) not in ("Nd", "No"):
            continue
        folded = unicodedata.normalize("NFKC", ch)
        value = unicodedata.digit(ch, None)
        if value is None or len(folded) != 1:
            continue
        block = code & ~0xF if unicodedata.category(ch) == "Nd" else code >> 5
        scripts.setdefault(f"{unicodedata.category(ch)}{block}", {})[str(value)] = ch
    return [s for s in scripts.values() if len(s) == 10]


DIGIT_SCRIPTS = _digit_scripts()  # fullwidth, Arabic-Indic, Devanagari, mathematical bold, ...
# Circled and superscript digits lack a full 0-9 in one block: mapped by hand from their names.
CIRCLED = {str(d): unicodedata.lookup(f"CIRCLED DIGIT {name}") for d, name in enumerate(
    ["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"])}  # fmt: skip
SUPERSCRIPT = {str(d): unicodedata.lookup(f"SUPERSCRIPT {name}") for d, name in enumerate(
    ["ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"])}  # fmt: skip
ALL_SCRIPTS = [*DIGIT_SCRIPTS, CIRCLED, SUPERSCRIPT]

DIGIT_WORDS = {
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"],
    "es": ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"],
}


def _case(draw: st.DrawFn, word: str) -> str:
    style = draw(st.sampled_from(["lower", "upper", "title"]))
    return {"lower": word.lower(), "upper": word.upper(), "title": word.title()}[style]


# ---------------------------------------------------------------- card numbers


@st.composite
def grouped(draw: st.DrawFn, digits: str) -> list[str]:
    """`digits` cut into groups of 1-6 (4s most often)."""
    groups, at = [], 0
    while at < len(digits):
        size = draw(st.sampled_from([4, 4, 4, 3, 5, 6, 2, 1]))
        groups.append(digits[at : at + size])
        at += size
    return groups


@st.composite
def separator(draw: st.DrawFn) -> str:
    """What sits between two digit groups: a space of any kind, punctuation, several, with spaces."""
    kind = draw(st.sampled_from(["space", "punct", "spaces", "spaced punct", "invisible"]))
    if kind == "space":
        return draw(st.sampled_from(UNICODE_SPACES))
    if kind == "punct":
        return draw(st.sampled_from(PUNCTUATION))
    if kind == "spaces":
        return draw(st.sampled_from(UNICODE_SPACES)) * draw(st.integers(2, 3))
    if kind == "spaced punct":
        space = draw(st.sampled_from([" ", "\u00a0", "\u202f"]))
        return space + draw(st.sampled_from(PUNCTUATION)) + space
    return draw(st.sampled_from(INVISIBLE))


@st.composite
def separated_pan(draw: st.DrawFn, pan: str) -> str:
    """The number in groups, with one separator style (a copy-paste) or mixed ones (a person)."""
    groups = draw(grouped(pan))
    if draw(st.booleans()):
        sep = draw(separator())
        return sep.join(groups)
    return "".join(g + draw(separator()) for g in groups[:-1]) + groups[-1]


@st.composite
def invisible_pan(draw: st.DrawFn, pan: str) -> str:
    """Zero-width characters between some digits."""
    return "".join(d + draw(st.sampled_from(["", "", *INVISIBLE])) for d in pan)


@st.composite
def other_script_pan(draw: st.DrawFn, pan: str) -> str:
    """Digits of another script (fullwidth, circled, superscript, Arabic-Indic, mathematical...)."""
    script = draw(st.sampled_from(ALL_SCRIPTS))
    mixed = draw(st.booleans())
    shown = "".join(script[d] if not mixed or draw(st.booleans()) else d for d in pan)
    return draw(st.sampled_from(["{}", "{} "])).format(shown)


@st.composite
def spelled_pan(draw: st.DrawFn, pan: str) -> str:
    """Digits as words in a supported language, joined by spaces, hyphens or commas."""
    lang = draw(st.sampled_from(sorted(DIGIT_WORDS)))
    joiner = draw(st.sampled_from([" ", "-", ", ", "  ", " - "]))
    return joiner.join(_case(draw, DIGIT_WORDS[lang][int(d)]) for d in pan)


@st.composite
def split_pan(draw: st.DrawFn, pan: str) -> str:
    """The number in two to four pieces spread over one sentence ("starts ... and ends ...")."""
    pieces = draw(st.integers(2, 4))
    cuts = sorted(draw(st.sets(st.integers(2, len(pan) - 2), min_size=pieces - 1, max_size=pieces - 1)))
    bounds = [0, *cuts, len(pan)]
    parts = [pan[a:b] for a, b in itertools.pairwise(bounds)]
    if any(not 2 <= len(p) <= 12 for p in parts):  # a person splits it; no piece is a number alone
        parts = [pan[: len(pan) // 2], pan[len(pan) // 2 :]]
    links = st.sampled_from(
        [" and ", " then ", ", then ", " and it ends ", " y termina en ", " followed by "]
    )
    text = draw(st.sampled_from(["it starts ", "first ", "the number begins ", "empieza por "])) + parts[0]
    for part in parts[1:]:
        text += draw(links) + part
    return text


PAN_CLASSES = {
    "separators": separated_pan,
    "invisible": invisible_pan,
    "scripts": other_script_pan,
    "words": spelled_pan,
    "halves": split_pan,
}


@st.composite
def pan_attack(draw: st.DrawFn, pan: str, classes: tuple[str, ...] = tuple(PAN_CLASSES)) -> str:
    return draw(PAN_CLASSES[draw(st.sampled_from(classes))](pan))


# ---------------------------------------------------------------- security codes

CVV_LABELS = [
    "cvv", "cvc", "cvv2", "cvc2", "cv2", "cvn", "cvd", "cid", "csc", "c.v.v.", "c.v.c", "C V V",
    "code", "card code", "security code", "security number", "verification code", "pin", "pin number",
    "the 3 digits on the back are", "the three digits on the back are", "digits on the back of the card:",
    "back of the card says", "código de seguridad", "codigo", "número de seguridad", "clave",
]  # fmt: skip
LABEL_LINKS = ["", " ", ": ", " is ", " = ", " - ", " # ", " is: ", " es ", ", it's "]


@st.composite
def labelled_cvv(draw: st.DrawFn, cvv: str) -> str:
    label = _case(draw, draw(st.sampled_from(CVV_LABELS)))
    link = draw(st.sampled_from(LABEL_LINKS))
    if label[-1].isalnum() and not link:
        link = " "
    shown = draw(st.sampled_from(["plain", "script", "words", "one by one"]))
    if shown == "one by one":  # read off the card digit by digit
        cvv = draw(st.sampled_from([" ", "-", "."])).join(cvv)
    elif shown == "script":
        script = draw(st.sampled_from(ALL_SCRIPTS))
        cvv = "".join(script[d] for d in cvv)
    elif shown == "words":
        cvv = " ".join(DIGIT_WORDS[draw(st.sampled_from(sorted(DIGIT_WORDS)))][int(d)] for d in cvv)
    return f"{label}{link}{cvv}"


@st.composite
def cvv_after_expiry(draw: st.DrawFn, cvv: str, month: int, year: int) -> str:
    """An expiry, then the code with no label ("12/30 846")."""
    expiry = draw(
        st.sampled_from([f"{month:02d}/{year % 100:02d}", f"{month}/{year}", f"{month:02d}-{year % 100:02d}"])
    )
    link = draw(st.sampled_from([" ", ", ", "  ", " and ", " - "]))
    return f"{draw(st.sampled_from(['', 'exp ', 'expires ']))}{expiry}{link}{cvv}"


# ---------------------------------------------------------------- second round (issue 13's own red team)

# Letters typed for digits: what a typewriter habit, a font or an attacker puts in a digit group.
LOOKALIKES = {
    "0": ["o", "O", "о", "ο"],  # Latin, Cyrillic, Greek
    "1": ["l", "I", "i"],
    "2": ["z", "Z"],
    "5": ["s", "S"],
    "8": ["B", "b"],
}


@st.composite
def lookalike_pan(draw: st.DrawFn, pan: str) -> str:
    """The number in groups of four with some digits typed as look-alike letters ("4929 854l 9232 6l89",
    "4OOO OOOO OOOO OOO2"); the first digit stays a digit (somebody typing a card number starts with one),
    and so does the last: a last group of look-alikes only ("4133 5461 1474 8407 oBz", a 19-digit Visa
    whose first 16 digits pass Luhn too) reads, by the recogniser's rule, as a word after the number
    ("... 8407 lol"), so which number was meant cannot be told; the number is redacted either way."""
    swappable = [i for i, d in enumerate(pan) if 0 < i < len(pan) - 1 and d in LOOKALIKES]
    chosen = draw(st.sets(st.sampled_from(swappable), min_size=1)) if swappable else set()
    shown = "".join(draw(st.sampled_from(LOOKALIKES[d])) if i in chosen else d for i, d in enumerate(pan))
    sep = draw(st.sampled_from([" ", "-", "  ", ".", "\u00a0"]))
    return sep.join(shown[i : i + 4] for i in range(0, len(shown), 4))


SPOKEN_TENS = {
    "en": ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"],
    "es": ["", "", "veinte", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa"],
}
SPOKEN_REPEATS = {"en": {2: "double", 3: "triple"}, "es": {2: "doble"}}


@st.composite
def spoken_pan(draw: st.DrawFn, pan: str) -> str:
    """The number read aloud and typed as heard: "double four", "triple zero", "oh" for zero,
    two digits as one number ("forty-two", "cuarenta y dos"), any punctuation between the words."""
    lang = draw(st.sampled_from(sorted(DIGIT_WORDS)))
    unit = DIGIT_WORDS[lang]
    spoken: list[str] = []
    at = 0
    while at < len(pan):
        digit = pan[at]
        repeat = 1
        while at + repeat < len(pan) and pan[at + repeat] == digit and repeat < 3:
            repeat += 1
        zero = "oh" if lang == "en" and digit == "0" and at > 0 and draw(st.booleans()) else unit[0]
        word = zero if digit == "0" else unit[int(digit)]
        if repeat > 1 and repeat in SPOKEN_REPEATS[lang] and draw(st.booleans()):
            spoken.append(f"{SPOKEN_REPEATS[lang][repeat]} {word}")
            at += repeat
            continue
        if at + 1 < len(pan) and digit >= "2" and pan[at + 1] != "0" and draw(st.booleans()):
            tens, second = SPOKEN_TENS[lang][int(digit)], unit[int(pan[at + 1])]
            if lang == "en":
                spoken.append(f"{tens}{draw(st.sampled_from(['-', ' ']))}{second}")
            elif digit == "2":  # Spanish writes 21-29 as one word
                one_word = {"uno": "veintiuno", "dos": "veintidos", "tres": "veintitres"}
                spoken.append(one_word.get(second, f"veinti{second}"))
            else:
                spoken.append(f"{tens} y {second}")
            at += 2
            continue
        spoken.append(word)
        at += 1
    joiner = draw(st.sampled_from([" ", ", ", ".", "/", ". ", " - ", "_", " · "]))
    return joiner.join(_case(draw, w) for w in spoken)


PAN_CLASSES.update({"lookalikes": lookalike_pan, "spoken": spoken_pan})

# Labels and the ways a label meets its code that the first round did not try.
MORE_CVV_LABELS = [
    "c-v-v", "sec code", "security", "verification", "verification value", "cvv nr",
    "the code on the back is", "on the back it says", "the back says",
    "the code on the back of my card is", "clave de seguridad",
    "número de atrás", "los números de atrás son", "el de atrás es", "los de atrás:", "cifras de atrás",
]  # fmt: skip
# The code wrapped or pointed at ("cvv → 737", "cvv [737]", "**cvv:** 737").
CODE_WRAPS = ["{}", "[{}]", "<{}>", "*{}*", "({})", "`{}`", '"{}"']
LABEL_POINTERS = [" → ", " -> ", "=>", " >> ", "? ", ":: ", "** ", " | ", " ~ "]
KEYCAP = "\ufe0f\u20e3"  # "7️⃣": a digit, a variation selector and the combining keycap


@st.composite
def code_shown(draw: st.DrawFn, cvv: str) -> str:
    """The code as typed: plain, another script, keycap emoji, digit by digit, wrapped."""
    shown = draw(st.sampled_from(["plain", "script", "keycap", "one by one"]))
    if shown == "script":
        script = draw(st.sampled_from(ALL_SCRIPTS))
        cvv = "".join(script[d] for d in cvv)
    elif shown == "keycap":
        cvv = "".join(d + draw(st.sampled_from([KEYCAP, "\u20e3"])) for d in cvv)
    elif shown == "one by one":
        cvv = " ".join(cvv)
    return draw(st.sampled_from(CODE_WRAPS)).format(cvv)


@st.composite
def relabelled_cvv(draw: st.DrawFn, cvv: str) -> str:
    """A label of either round, linked to the code by a pointer or a wrap, the code in any form."""
    label = _case(draw, draw(st.sampled_from([*CVV_LABELS, *MORE_CVV_LABELS])))
    link = draw(st.sampled_from([*LABEL_LINKS, *LABEL_POINTERS]))
    if label[-1].isalnum() and not link:
        link = " "
    return f"{label}{link}{draw(code_shown(cvv))}"


CODE_BEFORE_LABEL = [
    "{} is the cvv", "{} (cvv)", "{} cvv", "{} is my security code", "{} = cvc", "{} - security code",
    "{} es el código de seguridad", "{}, the code on the back", "{} is the 3 digits on the back",
    # and words after the label (the fresh clone's fuzzer: "0000 is the cvv Jane Doe")
    "{} is the cvv Jane Doe", "{} cvv thanks", "{} es el cvv de María",
]  # fmt: skip


@st.composite
def cvv_before_label(draw: st.DrawFn, cvv: str) -> str:
    """The code first, its label after ("737 is the cvv", "737 (cvv)")."""
    return draw(st.sampled_from(CODE_BEFORE_LABEL)).format(draw(code_shown(cvv)))


@st.composite
def cvv_before_expiry(draw: st.DrawFn, cvv: str, month: int, year: int) -> str:
    """The code, then the expiry ("737 exp 12/27", "737, expires 12/2027")."""
    short = f"{year % 100:02d}"
    expiry = draw(st.sampled_from([f"{month:02d}/{short}", f"{month}/{year}", f"{month:02d}-{short}"]))
    label = draw(st.sampled_from(["exp ", "expires ", "", "vence ", "valid thru "]))
    return f"{cvv}{draw(st.sampled_from([' ', ', ', ' - ', ' and ']))}{label}{expiry}"


CVV_CLASSES = {
    "relabelled": lambda cvv, month, year: relabelled_cvv(cvv),
    "before label": lambda cvv, month, year: cvv_before_label(cvv),
    "before expiry": cvv_before_expiry,
}


@st.composite
def cvv_attack(draw: st.DrawFn, cvv: str, month: int, year: int) -> str:
    """A code of the second round's classes."""
    return draw(CVV_CLASSES[draw(st.sampled_from(sorted(CVV_CLASSES)))](cvv, month, year))
