"""Generated card data and the scans of every sink it must never reach (shared by the leak fuzzers)."""

from __future__ import annotations

import itertools
import json
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import assume
from hypothesis import strategies as st

from paybot_core import RulesLanguageModel, Settings, UnderstandingContext, Understood
from paybot_core.pci.recogniser import canonical, contains_card_number

from .attacks import cvv_before_label, labelled_cvv, pan_attack, relabelled_cvv

# Issuer prefixes and lengths of every brand the card detector knows, accepted by default or not.
BRAND_PREFIXES: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "visa": (("4",), (13, 16, 19)),
    "mastercard": (("51", "53", "55", "2221", "2500", "2720"), (16,)),
    "amex": (("34", "37"), (15,)),
    "discover": (("6011", "644", "649", "65", "622126", "622925"), (16, 19)),
    "jcb": (("3528", "3589"), (16,)),
    "diners": (("300", "305", "36", "38"), (14,)),
    "unionpay": (("62",), (16, 19)),
}


def luhn_check_digit(partial: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch)
        if i % 2 == 0:  # doubled: these sit at odd positions once the check digit is appended
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


@dataclass(frozen=True)
class Card:
    brand: str
    pan: str
    exp_month: int
    exp_year: int
    cvv: str

    @property
    def mmyy(self) -> str:
        return f"{self.exp_month:02d}{self.exp_year % 100:02d}"

    def innocent_tokens(self) -> set[str]:
        """Digit tokens a sink may legitimately hold (last 4, expiry): a CVV equal to one proves nothing."""
        return {
            self.pan[-4:],
            str(self.exp_year),
            f"{self.exp_year % 100:02d}",
            f"{self.exp_month:02d}",
            str(self.exp_month),
            self.mmyy,
        }


def _settings_numbers() -> frozenset[str]:
    """Numbers of the server's own configuration: int settings, and the figures inside text ones
    (the port of `public_url`, 8765, is in every payment link a response carries)."""
    numbers: set[str] = set()
    for value in Settings().model_dump().values():
        if isinstance(value, int) and not isinstance(value, bool):
            numbers.add(str(value))
        elif isinstance(value, str):
            numbers.update(re.findall(r"\d+", value))
    return frozenset(numbers)


SETTINGS_NUMBERS = _settings_numbers()


@st.composite
def cards(draw: st.DrawFn) -> Card:
    brand = draw(st.sampled_from(sorted(BRAND_PREFIXES)))
    prefixes, lengths = BRAND_PREFIXES[brand]
    prefix = draw(st.sampled_from(prefixes))
    length = draw(st.sampled_from(lengths))
    body = draw(st.text("0123456789", min_size=length - 1 - len(prefix), max_size=length - 1 - len(prefix)))
    partial = prefix + body
    pan = partial + luhn_check_digit(partial)
    cvv_len = 4 if brand == "amex" else 3
    cvv = draw(st.text("0123456789", min_size=cvv_len, max_size=cvv_len))
    card = Card(brand, pan, draw(st.integers(1, 12)), draw(st.integers(2027, 2040)), cvv)
    # A CVV that equals the last 4 or the expiry would be "found" where it is legitimately shown; one
    # that equals a number of the server's own configuration (the session TTL of 900 seconds is
    # stored with each session, the link's port 8765 is in responses) would be found where the
    # server wrote its own setting.
    assume(cvv not in card.innocent_tokens() and cvv not in SETTINGS_NUMBERS)
    return card


@st.composite
def pan_as_typed(draw: st.DrawFn, pan: str) -> str:
    """As a payer types it, or in any form of the red team's classes (attacks.py: other separators,
    digit scripts, zero-width characters, words, halves in one sentence)."""
    style = draw(st.sampled_from(["plain", "spaces", "dashes", "amex", "red team"]))
    if style == "red team":
        return draw(pan_attack(pan))
    if style == "plain":
        return pan
    if style == "amex":
        return " ".join((pan[:4], pan[4:10], pan[10:]))
    sep = " " if style == "spaces" else "-"
    return sep.join(pan[i : i + 4] for i in range(0, len(pan), 4))


# Noise has no digits, so it can neither complete nor imitate the generated card data.
NOISE = st.text(st.characters(blacklist_categories=("Nd", "Cs"), blacklist_characters="\x00"), max_size=24)
PHRASES = st.sampled_from(
    [
        "hi",
        "I need to make a payment",
        "help",
        "yes",
        "no",
        "change the card",
        "actually wait",
        "ok",
        "what do you need?",
        "my card is",
        "here you go:",
        "expiry",
        "the code on the back is",
    ]
)


# A CVV is recognisable by its label, or by following a card number and expiry: a bare 3-digit
# number elsewhere is indistinguishable from an amount or a menu choice, so it is not generated.
CVV_LABELS = st.sampled_from(["cvv ", "CVC: ", "cvv2 ", "security code ", "security code is ", "card code "])


@dataclass(frozen=True)
class Conversation:
    card: Card
    turns: tuple[str, ...]
    typed_pan: str


@st.composite
def conversations(draw: st.DrawFn) -> Conversation:
    """A whole conversation: name and amount, card number, expiry and CVV, noise and commands, each
    at a random position of a random turn, in a random order, some repeated."""
    card = draw(cards())
    amount = draw(st.integers(1, 9_999))
    # The CVV must not also be a number the conversation states for another reason.
    assume(card.cvv not in {str(amount), str(amount * 100), f"{amount}00"})
    typed_pan = draw(pan_as_typed(card.pan))
    segments = [
        draw(st.sampled_from(["Jane Doe", "my name is José Núñez", "I'm Mary-Jane O'Brien"])),
        draw(st.sampled_from([f"${amount}", f"{amount} dollars", f"pay {amount}.00"])),
        draw(st.sampled_from(["", "card ", "my card number is ", "use "])) + typed_pan,
        draw(st.sampled_from(["", "exp ", "expires ", "expiry "]))
        + draw(
            st.sampled_from(
                [
                    f"{card.exp_month:02d}/{card.exp_year % 100:02d}",
                    f"{card.exp_month}/{card.exp_year}",
                    card.mmyy,
                ]
            )
        ),
        # A label of the few common ones, or any of the red team's (cv2, pin, "the 3 digits on the back
        # are", código de seguridad, ...), the code in any digit script or in words; the second round's
        # pointers, wraps and keycaps ("cvv → [7️⃣3️⃣7️⃣]"), and the code before its label ("737 is the cvv").
        draw(
            st.one_of(
                CVV_LABELS.map(lambda label: label + card.cvv),
                labelled_cvv(card.cvv),
                relabelled_cvv(card.cvv),
                cvv_before_label(card.cvv),
            )
        ),
    ]
    one_go = draw(st.booleans())
    if one_go:  # number, expiry and code typed in one go, the code without a label
        segments[2] = f"{typed_pan} {card.exp_month:02d}/{card.exp_year % 100:02d} {card.cvv}"
        # Known gap, not generated: a labelled code in the same message leaves the unlabelled one.
        del segments[4]
    extra = draw(st.lists(st.one_of(PHRASES, NOISE), max_size=4))
    # Known gap, not generated: a second card typed in one go in the same message keeps its code.
    repeated = draw(st.lists(st.sampled_from(segments[3:4] if one_go else segments[2:5]), max_size=2))
    pieces = draw(st.permutations([*segments, *extra, *repeated]))
    # Cut the shuffled pieces into turns at random points; a "yes" may close it.
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(pieces) - 1)), max_size=len(pieces))))
    bounds = [0, *cuts, len(pieces)]
    joiner = draw(st.sampled_from([" ", ", ", "\n", " and "]))
    turns = [joiner.join(pieces[a:b]) for a, b in itertools.pairwise(bounds) if a < b]
    turns += draw(st.lists(st.sampled_from(["yes", "go ahead", "cancel"]), max_size=2))
    return Conversation(card, tuple(t for t in turns if t.strip()) or ("hello",), typed_pan)


class RecordingModel:
    """The rules model, keeping every request a language model would have received."""

    def __init__(self) -> None:
        self.inner = RulesLanguageModel()
        self.requests: list[str] = []

    def understand(self, text: str, context: UnderstandingContext) -> Understood:
        self.requests.append(text)
        self.requests.append(repr(context))
        return self.inner.understand(text, context)

    def phrase(self, draft: str, facts: dict[str, str]) -> str:
        self.requests.append(draft)
        self.requests.append(json.dumps(facts))
        return self.inner.phrase(draft, facts)


def cvv_pattern(cvv: str) -> re.Pattern[str]:
    """The CVV as a token of its own: not inside ids, hex hashes, longer numbers or timestamps."""
    return re.compile(rf"(?<![0-9A-Za-z_.]){re.escape(cvv)}(?![0-9A-Za-z_.])")


def raw_files(directory: Path) -> Iterator[tuple[str, bytes]]:
    """Every file under the data dir as raw bytes: SQLite main files, their WAL and shm, audit, keys."""
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            yield path.name, path.read_bytes()


def decoded_store_text(db: Path) -> str:
    """The session rows' text fields, the sealed ciphertext left out (random bytes hold any 3 digits)."""
    if not db.exists():
        return ""
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT session_id, version, sweep_at, state FROM sessions").fetchall()
    finally:
        conn.close()
    texts = []
    for session_id, version, sweep_at, state in rows:
        data = json.loads(state)
        if isinstance(data, dict):
            data.pop("sealed_card", None)
        texts.append(f"{session_id} {version} {sweep_at} {json.dumps(data)}")
    return "\n".join(texts)


@dataclass
class Sinks:
    """Text sinks (scanned for the PAN in any form and the CVV as a token) and raw byte sinks (PAN)."""

    text: dict[str, str] = field(default_factory=dict)
    # Per sink, its separate messages (a response, a log record, a model request): a card number split
    # over one message's words is card data; digits of two unrelated messages put together are not.
    scanned_like_dlp: dict[str, list[str]] = field(default_factory=dict)
    raw: dict[str, bytes] = field(default_factory=dict)

    def add_text(self, name: str, parts: Iterable[str], dlp: bool = False) -> None:
        parts = list(parts)
        self.text[name] = "\n".join(parts)
        if dlp:
            self.scanned_like_dlp[name] = parts

    def finds(self, card: Card, typed_forms: Iterable[str] = ()) -> list[str]:
        """Where the card leaked (names of sinks only: a failure message must not print card data)."""
        found = []
        forms = {card.pan, *typed_forms}
        cvv = cvv_pattern(card.cvv)
        for name, text in self.text.items():
            for form in forms:
                if form in text:
                    found.append(f"PAN in {name}: {_context(text, form)}")
            # Any other form: its digits in any script, spelled, split by separators or by words.
            for part in self.scanned_like_dlp.get(name) or text.split("\n"):
                if card.pan in all_digits(part):
                    found.append(f"PAN in another form in {name}")
                    break
            hit = cvv.search(text)
            if hit:
                found.append(f"CVV in {name}: {_context(text, hit.group(), hit.start())}")
            elif any(cvv.search(canonical(part).text) for part in self.scanned_like_dlp.get(name, ())):
                found.append(f"CVV in another form (digit script or words) in {name}")
            if any(contains_card_number(part) for part in self.scanned_like_dlp.get(name, ())):
                found.append(f"card-like digits in {name}")
        for name, data in self.raw.items():
            if card.pan.encode() in data:
                found.append(f"PAN in raw bytes of {name}")
        return found


def all_digits(text: str) -> str:
    """Every digit `text` holds, in any script or spelled out, as ASCII digits in their order."""
    return "".join(ch for ch in canonical(text).text if ch.isdigit())


def _context(text: str, secret: str, at: int | None = None) -> str:
    """Where `secret` sits in `text`, with it and every other digit masked (safe to print)."""
    at = text.index(secret) if at is None else at
    around = text[max(0, at - 80) : at] + "<SECRET>" + text[at + len(secret) : at + len(secret) + 80]
    return re.sub(r"[0-9]", "#", around)


TEST_CLIENT_LOGGERS = frozenset({"httpx", "httpcore", "httpx2"})


# The AWS Encryption SDK logs stream sizes at DEBUG ("Returning 604 bytes of 8192 bytes requested"),
# both for the simulator's encryption (standing in for Amazon Connect) and for the handler's
# decryption. Those are byte counts of ciphertext, never its content, yet a generated CVC of 604
# would match one by chance; the counts are blanked, the rest of each message is still scanned.
BYTE_COUNT = re.compile(r"\b\d+ bytes\b")
# The request log's status, duration and session tag (12 hex digits of a hash of the session id)
# are numbers the server makes, not input: a generated CVC of 200 or 934 would match them by chance.
# Method and route template stay scanned; so would anything else the line ever carried.
# Token counts, call counts and latencies of the model's usage line are the server's own figures too.
MODEL_USAGE_NUMBERS = re.compile(r'"(\w*(?:Tokens|calls|latencyMs))": \d+')
REQUEST_LOG_NUMBERS = re.compile(r" \d{3} \d+\.\dms session=(?:-|[0-9a-f]{12})$")


# The outbox's list sort key is built by the store from numbers it makes (created time, the session's
# version, the event's position in that save: "00001764627000#ses_...#000000004#000"). A generated
# CVC of 000 or 001 would match the position by chance; only that exact shape is blanked, every other
# attribute of an item (and anything else a key ever carried) is still scanned.
OUTBOX_SORT_KEY = re.compile(r'"listSk": \{"S": "\d+#ses_[A-Za-z]+#\d+#\d+"\}')


def dynamodb_item_text(item: dict[str, object]) -> str:
    """An item as scanned text, with the store's own sort-key numbers blanked."""
    return OUTBOX_SORT_KEY.sub('"listSk": {"S": "<store key>"}', json.dumps(item, default=str))


def log_text(caplog: pytest.LogCaptureFixture) -> list[str]:
    # Messages and exception text, not the capture's format (its file:line numbers hold any digits).
    # The test client's own request lines ("HTTP/1.1 200 OK") are the harness, not the server: a
    # generated CVC of 200 would match them by chance.
    lines = []
    for r in caplog.records:
        if r.name.split(".")[0] in TEST_CLIENT_LOGGERS:
            continue
        message = r.getMessage()
        if r.name.startswith("aws_encryption_sdk."):
            message = BYTE_COUNT.sub("N bytes", message)
        if r.name == "paybot.requests":
            message = REQUEST_LOG_NUMBERS.sub(" STATUS Nms session=TAG", message)
        if "model_usage" in message:
            message = MODEL_USAGE_NUMBERS.sub(r'"\1": N', message)
        lines.append(f"{r.name} {message} {r.exc_text or ''}")
    return lines
