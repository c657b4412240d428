"""Issue 13's second red-team round, run by ourselves before the outside one: the classes it found.

Each class is a hypothesis strategy of `attacks.py` (wired into `PAN_CLASSES`, so the leak fuzzer, the
red-team replay and `test_card_forms` draw it too) and is judged here by an oracle that does not share
the recogniser's reading: what is left of the attack's own characters, digits or words. Every test of
this file failed before the fix of its class (see the module docstring of `attacks.py` for verdicts).
"""

from __future__ import annotations

import base64
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from paybot_core import CardDataLeakError
from paybot_core.pci import placeholders
from paybot_core.pci.capture import Expecting, capture_card_material
from paybot_core.pci.model_guard import check_model_request, sanitise_for_model
from paybot_core.pci.recogniser import redact_text
from paybot_core.pci.text_checks import holds_card_data, name_problem

from .attacks import (
    DIGIT_WORDS,
    SPOKEN_TENS,
    cvv_before_expiry,
    cvv_before_label,
    lookalike_pan,
    relabelled_cvv,
    spoken_pan,
)
from .leaks import cards

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AROUND = st.sampled_from(["", "my card is ", "ok here: ", "use ", "la tarjeta es ", "card number "])
AFTER = st.sampled_from(["", " thanks", ", ok?", " por favor", "."])


def _left(text: str) -> str:
    """`text` without the guard's placeholders, NFKC and case-folded, for the oracles below."""
    return unicodedata.normalize("NFKC", placeholders.strip(text)).casefold()


# ---------------------------------------------------------------- look-alike letters in digit groups


@PROPERTY
@given(data=st.data(), card=cards(), before=AROUND, after=AFTER)
def test_letters_typed_for_digits_inside_a_card_number_are_read_as_its_digits(data, card, before, after):
    attack = data.draw(lookalike_pan(card.pan))
    text = f"{before}{attack}{after}"
    redacted, capture = capture_card_material(text, Expecting.OTHER, typed_entry=True)
    assert capture.number == card.pan
    groups = {g.casefold() for g in re.split(r"[\W_]+", attack) if g}
    for reader in (redacted, redact_text(text), sanitise_for_model(text, amounts_allowed=True)):
        assert not groups & set(re.split(r"[\W_]+", _left(reader))), "a group of the number is left"
    with pytest.raises(CardDataLeakError):
        check_model_request({"messages": [{"content": [{"text": text}]}]}, amounts_allowed=True)


@pytest.mark.parametrize(
    "text",
    [
        "I have 2 cards, is it ok",
        "invoice 1234 is so late, sorry lol",
        "pay 50 so I lose less",
        "order ISO-2015 boss 4 silo",
        "room 101 oslo 2024 bills",
    ],
)
def test_words_of_look_alike_letters_beside_figures_stay_words(text):
    assert redact_text(text) == text
    assert capture_card_material(text, Expecting.OTHER, typed_entry=True)[0] == text


# ---------------------------------------------------------------- spoken forms

_SPOKEN_WORDS = (
    {w for words in DIGIT_WORDS.values() for w in words}
    | {w for tens in SPOKEN_TENS.values() for w in tens if w}
    | {"oh", "double", "triple", "doble", "veinti"}
)


def _number_words_left(text: str) -> list[str]:
    words = re.findall(r"[a-z]+", _left(text))
    return [w for w in words if w in _SPOKEN_WORDS or w.startswith("veinti")]


@PROPERTY
@given(data=st.data(), card=cards(), before=AROUND, after=AFTER)
def test_a_card_number_read_aloud_and_typed_as_heard_is_the_card_number(data, card, before, after):
    """ "double four", "triple oh", "oh" for zero, "forty-two", "cuarenta y dos", words joined by any
    punctuation ("four.nine.two"): the guard takes the number and no word of it is left anywhere."""
    attack = data.draw(spoken_pan(card.pan))
    text = f"{before}{attack}{after}"
    redacted, capture = capture_card_material(text, Expecting.OTHER, typed_entry=True)
    assert capture.number == card.pan
    for reader in (redacted, redact_text(text), sanitise_for_model(text, amounts_allowed=True)):
        assert not _number_words_left(reader), _number_words_left(reader)


@pytest.mark.parametrize(
    "text",
    [
        "oh ok, I'll pay fifty",
        "oh no, two cards? oh well",
        "double check the amount please",
        "I want to pay for two. Four would be too many",
    ],
)
def test_interjections_and_ordinary_words_stay_words(text):
    assert redact_text(text) == text
    assert sanitise_for_model(text, amounts_allowed=True) == text


# ---------------------------------------------------------------- security codes

CODE_ORACLE_WORDS = {w: str(v) for words in DIGIT_WORDS.values() for v, w in enumerate(words)}


def _code_in(text: str, cvv: str) -> bool:
    """The code as a token of its own, its digits of any script together or spaced, in words too."""
    tokens = re.findall(r"[^\W\d_]+|\d|.", _left(text))
    plain = "".join(
        CODE_ORACLE_WORDS.get(t)
        or (str(unicodedata.digit(t)) if len(t) == 1 and unicodedata.digit(t, None) is not None else t)
        for t in tokens
    )
    digits = r"[\W_]{0,2}".join(cvv)
    return re.search(rf"(?<![0-9a-z]){digits}(?![0-9a-z])", plain) is not None


@PROPERTY
@given(data=st.data(), card=cards(), before=AROUND)
def test_a_code_under_any_label_pointer_or_wrap_is_taken_and_redacted(data, card, before):
    """Labels the first round missed ("sec code", "the back says", "número de atrás", "c-v-v"), pointers
    ("cvv → 737", "cvv >> 737"), wraps ("cvv [737]", "**cvv:** 737") and keycap digits ("7️⃣3️⃣7️⃣")."""
    text = f"{before}{data.draw(relabelled_cvv(card.cvv))}"
    _assert_code_taken_and_hidden(text, card.cvv)


@PROPERTY
@given(data=st.data(), card=cards())
def test_a_code_before_its_label_is_taken_and_redacted(data, card):
    text = data.draw(cvv_before_label(card.cvv))
    _assert_code_taken_and_hidden(text, card.cvv)


@PROPERTY
@given(data=st.data(), card=cards())
def test_a_code_typed_before_the_expiry_is_the_security_code(data, card):
    text = data.draw(cvv_before_expiry(card.cvv, card.exp_month, card.exp_year))
    redacted, capture = capture_card_material(text, Expecting.OTHER, typed_entry=True)
    assert capture.cvv == card.cvv
    assert (capture.exp_month, capture.exp_year) == (card.exp_month, card.exp_year)
    assert not any(ch.isdigit() for ch in redacted)


@pytest.mark.parametrize(
    "text",
    [
        "my area code is 415",
        "zip code 9021",
        "promo code 2024 please",
        "I want to pay back 250",
        "pay 250 for the security deposit",
        "invoice 4821, due 12/27",
        "250 dollars exp 12/27",
    ],
)
def test_codes_of_other_kinds_and_amounts_are_no_security_code(text):
    _, capture = capture_card_material(text, Expecting.OTHER, typed_entry=True)
    assert capture.cvv is None


# ---------------------------------------------------------------- encodings toward the model


def _encodings(text: str) -> list[str]:
    raw = text.encode()
    return [
        base64.b64encode(raw).decode(),
        base64.b64encode(raw).decode().rstrip("="),
        base64.urlsafe_b64encode(raw).decode(),
        base64.b32encode(raw).decode(),
        raw.hex(),
        raw.hex().upper(),
    ]


@PROPERTY
@given(card=cards(), which=st.integers(0, 5), wrapped=st.sampled_from(["{}", "card {} ok", "{}\nthanks"]),
       form=st.sampled_from(["{pan}", "{spaced}", "card {pan} cvv {cvv}"]))  # fmt: skip
def test_a_card_number_encoded_in_base64_base32_or_hex_never_reaches_a_model(card, which, wrapped, form):
    """A model that reads base64 has read the number: the deny-by-default toward it decodes opaque
    tokens (on the model path only) and replaces, or refuses, any that hold card data."""
    spaced = " ".join(card.pan[i : i + 4] for i in range(0, len(card.pan), 4))
    secret = form.format(pan=card.pan, spaced=spaced, cvv=card.cvv)
    token = _encodings(secret)[which]
    text = wrapped.format(token)
    for amounts in (True, False):
        safe = sanitise_for_model(text, amounts_allowed=amounts)
        assert token not in safe
        check_model_request({"messages": [{"content": [{"text": safe}]}]}, amounts_allowed=amounts)
        with pytest.raises(CardDataLeakError):
            check_model_request({"messages": [{"content": [{"text": text}]}]}, amounts_allowed=amounts)
    assert holds_card_data(text)  # merchant presets and metadata are refused too
    assert name_problem(token) is not None


@pytest.mark.parametrize(
    "text",
    ["my reference is QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "session deadbeefcafebabe0123456789", "Jane Doe"],
)
def test_opaque_tokens_holding_no_card_data_are_left_to_the_ordinary_rules(text):
    assert not holds_card_data(text)


# ---------------------------------------------------------------- the merchant API with the new forms


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    from fastapi.testclient import TestClient

    from paybot_channels.web.app import create_app
    from paybot_core import Settings, build

    services = build(Settings(data_dir=tmp_path_factory.mktemp("second-round")))
    with TestClient(create_app(services, sweep_expired=False)) as test_client:
        yield test_client


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.data(),
    card=cards(),
    key=st.sampled_from(["reference", "description", "customerName", "metadata"]),
)
def test_merchant_text_with_the_new_forms_is_refused_naming_the_key(client, data, card, key):
    spaced = " ".join(card.pan[i : i + 4] for i in range(0, len(card.pan), 4))
    attack = data.draw(
        st.one_of(
            lookalike_pan(card.pan),
            spoken_pan(card.pan),
            relabelled_cvv(card.cvv),
            cvv_before_label(card.cvv),
            st.sampled_from(_encodings(spaced)),
        )
    )
    limit = {"reference": 64, "description": 200, "customerName": 100, "metadata": 500}[key]
    assume(len(attack) <= limit)  # cut short, a spoken number is no longer the whole number
    body = {"amount": 500, key: {"note": attack} if key == "metadata" else attack}
    response = client.post("/v1/sessions", json=body)
    assert response.status_code == 400, (key, response.status_code)
    assert key in response.json()["error"]["message"]
    assert attack not in response.text


@given(card=cards(), sep=st.sampled_from(["", ".", "-", "_"]))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_an_email_address_made_of_a_card_number_is_no_receipt_address(client, card, sep):
    """Found in this round: a receipt address whose local part is the card number was kept whole."""
    local = sep.join(card.pan[i : i + 4] for i in range(0, len(card.pan), 4))
    response = client.post("/v1/sessions", json={"amount": 500, "receiptEmail": f"{local}@mail.test"})
    assert response.status_code == 400 and "receiptEmail" in response.json()["error"]["message"]
    assert card.pan not in response.text and local not in response.text


@pytest.mark.parametrize("shown", ["{}", "it's {}", "{} I think", "ok so {}."])
@pytest.mark.parametrize("joiner", [" ", ".", "-", " - "])
def test_at_the_code_prompt_a_code_read_off_one_digit_at_a_time_is_the_code(shown, joiner):
    """Found in this round: "7.3.7" at the code prompt was neither taken nor redacted."""
    for code in ("737", "0419"):
        text = shown.format(joiner.join(code))
        redacted, capture = capture_card_material(text, Expecting.CVV, typed_entry=True)
        assert capture.cvv == code
        assert not any(ch.isdigit() for ch in redacted)


@pytest.mark.parametrize("text", ["make it 12.50", "3.75 is fine", "1 2 3 or 4 5 6"])
def test_at_the_code_prompt_money_and_two_guesses_are_no_code(text):
    _, capture = capture_card_material(text, Expecting.CVV, typed_entry=True)
    assert capture.cvv is None


def _assert_code_taken_and_hidden(text: str, cvv: str) -> None:
    """The guard takes the code as the code, and no reader (guard, redaction, model) lets it through."""
    redacted, capture = capture_card_material(text, Expecting.OTHER, typed_entry=True)
    assert capture.cvv == cvv
    assert not _code_in(redacted, cvv)
    assert not _code_in(redact_text(text), cvv)
    assert not _code_in(sanitise_for_model(text, amounts_allowed=True), cvv)
