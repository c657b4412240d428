"""Every behaviour named in issue 12's "Why", in English, as a payer meets it through the chat API.

Each case is one class of behaviour with several phrasings, not the one sentence that found it.
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conversation.payer import Payer, at_confirmation


def at_amount(client: TestClient, **create: object) -> Payer:
    payer = Payer.start(client, **create)
    payer.say("Jane Doe")
    assert payer.field == "amount"
    return payer


# ---------------------------------------------------------------- money read wrong


@pytest.mark.parametrize("text", ["-$25", "$-25", "-25", "minus 25 dollars", "- 25", "−$25"])
def test_a_negative_amount_is_refused_never_its_absolute_value(client: TestClient, text: str) -> None:
    payer = at_amount(client)
    payer.say(text)
    assert "amount" not in payer.collected and payer.field == "amount"
    assert "more than zero" in payer.text


@pytest.mark.parametrize("text", ["40 euros", "€40", "40€", "EUR 40", "20 yen", "¥2000", "£30", "30 pounds"])
def test_another_currency_is_refused_naming_the_session_currency(client: TestClient, text: str) -> None:
    payer = at_amount(client)
    payer.say(text)
    assert "amount" not in payer.collected and payer.field == "amount"
    assert "USD" in payer.text


def test_a_dollar_sign_in_a_euro_session_is_another_currency(client: TestClient) -> None:
    payer = at_amount(client, currency="eur")
    payer.say("$40")
    assert "amount" not in payer.collected and "EUR" in payer.text
    payer.say("40 euros")
    assert payer.collected["amount"] == 4000


@pytest.mark.parametrize("text", ["and", "ok so", "hmm", "so", "and?", "umm", "ok but", "I guess"])
def test_a_word_that_is_not_an_answer_never_pays(client: TestClient, text: str) -> None:
    payer = at_confirmation(client)
    payer.say(text)
    assert payer.last["status"] == "confirming" and payer.charges() == []


# ---------------------------------------------------------------- names read wrong


@pytest.mark.parametrize(
    "text",
    ["heyyy", "hiii there", "I'm lost", "I'm confused", "im so confused", "ayuda",
     "Hola, quiero pagar mi factura",
     "I'm not sure what to do", "hello???", "I'm happy to pay", "I'm calling about my bill"],
)  # fmt: skip
def test_greetings_states_and_intents_are_not_names(client: TestClient, text: str) -> None:
    payer = Payer.start(client, amount=5000)
    payer.say(text)
    assert "name" not in payer.collected and payer.field == "name"


@pytest.mark.parametrize("text", ["I'm confused", "I'm lost", "heyyy", "what?"])
def test_a_preset_name_is_not_replaced_by_a_sentence(client: TestClient, text: str) -> None:
    payer = Payer.start(client, amount=5000, customerName="Ada Lovelace")
    payer.say(text)
    assert payer.collected["name"] == "Ada Lovelace"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("my name is Trần Minh An", "Trần Minh An"),
        ("Trần Minh An", "Trần Minh An"),
        ("Noah Stop", "Noah Stop"),
        ("my name is Noah Stop", "Noah Stop"),
        ("Nguyễn Văn An", "Nguyễn Văn An"),
        ("The name on the card is Harriet Blake", "Harriet Blake"),
        ("the name on the card is harriet blake.", "harriet blake"),
        ("Will Power", "Will Power"),
        ("😀 Jane Doe 🎉", "Jane Doe"),
        ("✨✨ Jane Doe ✨✨", "Jane Doe"),
        ("Jane Doe!!", "Jane Doe"),
        ("王芳", "王芳"),
        ("Hi! I'm Mary-Jane O'Brien, thanks", "Mary-Jane O'Brien"),
    ],
)
def test_names_are_taken_whole_in_any_script(client: TestClient, text: str, name: str) -> None:
    payer = Payer.start(client, amount=5000)
    payer.say(text)
    assert payer.collected.get("name") == name


@pytest.mark.parametrize(
    ("text", "name", "amount"),
    [
        ("Hello! 75 bucks for the gym membership. Sam O'Neil", "Sam O'Neil", 7500),
        ("Hi. $40 for the water bill. Ana Lima", "Ana Lima", 4000),
        ("Jane Doe, 50 dollars", "Jane Doe", 5000),
    ],
)
def test_a_name_given_as_its_own_sentence_is_kept(
    client: TestClient, text: str, name: str, amount: int
) -> None:
    payer = Payer.start(client)
    payer.say(text)
    assert payer.collected.get("name") == name and payer.collected.get("amount") == amount


def test_emoji_around_a_name_use_no_attempt(client: TestClient) -> None:
    payer = Payer.start(client, amount=5000)
    for text in ["👋", "🙂🙂", "🙏"]:
        payer.say(text)
    assert payer.last["status"] == "collecting"
    payer.say("🙂 Jane Doe 🙂")
    assert payer.collected["name"] == "Jane Doe"


# ---------------------------------------------------------------- answers understood


@pytest.mark.parametrize("text", ["code is 7391", "the code on the back is 7391", "7391.", "it's 7391 🙂"])
def test_a_security_code_among_words(client: TestClient, text: str) -> None:
    payer = Payer.start(client, amount=5000, cardEntry="typed")
    payer.say("Jane Doe")
    payer.say("378282246310005")
    payer.say("12/29")
    assert payer.field == "cvv"
    payer.say(text)
    assert payer.last["status"] == "confirming", payer.text


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("amount: 300", 30000),
        ("75$", 7500),
        ("$ 75", 7500),
        ("fifty dollars", 5000),
        ("seventy-five", 7500),
        ("one hundred and twenty", 12000),
        ("a hundred bucks", 10000),
        ("twelve hundred", 120000),
        ("two thousand five hundred", 250000),
        ("fifty dollars and twenty cents", 5020),
        ("the total is 19.99", 1999),
        ("I'd like to pay 250 please", 25000),
        ("300 please", 30000),
    ],
)
def test_amounts_as_people_write_them(client: TestClient, text: str, minor: int) -> None:
    payer = at_amount(client)
    payer.say(text)
    assert payer.collected.get("amount") == minor, payer.text


def test_an_amount_that_reads_two_ways_is_asked_back(client: TestClient) -> None:
    payer = at_amount(client)
    payer.say("50,00")
    assert "amount" not in payer.collected and "Did you mean $50.00?" in payer.text
    payer.say("yes")
    assert payer.collected["amount"] == 5000 and payer.field == "payment_method"


def test_a_no_to_the_amount_asked_back_asks_again(client: TestClient) -> None:
    payer = at_amount(client)
    payer.say("50,00")
    payer.say("no")
    assert "amount" not in payer.collected and payer.field == "amount"
    payer.say("5000")
    assert payer.collected["amount"] == 500000


@pytest.mark.parametrize(
    "text",
    ["Yes, please charge my card", "absolutely, go for it", "yeah sure thing", "yesss", "YES PLEASE!!!",
     "sure, go ahead", "ok 👍", "yep do it", "Confirm."],
)  # fmt: skip
def test_ways_of_saying_yes_pay(client: TestClient, text: str) -> None:
    payer = at_confirmation(client)
    payer.say(text)
    assert payer.last["status"] == "completed", payer.text


@pytest.mark.parametrize(
    "text",
    ["never mind, I'll pay later", "I changed my mind", "cancle", "Cancel!!", "please stop", "forget it 🙄",
     "no, cancel it"],
)  # fmt: skip
def test_ways_of_cancelling(client: TestClient, text: str) -> None:
    payer = Payer.start(client, amount=5000)
    payer.say("Jane Doe")
    payer.say(text)
    assert payer.last["status"] == "cancelled"


@pytest.mark.parametrize("text", ["can we start over?", "let's redo this", "start again please", "restrat"])
def test_ways_of_starting_over(client: TestClient, text: str) -> None:
    payer = Payer.start(client, amount=5000)
    payer.say("Jane Doe")
    payer.say(text)
    assert payer.field == "name" and "name" not in payer.collected and payer.collected["amount"] == 5000


@pytest.mark.parametrize("text", ["stop by later", "don't cancel", "the restart button", "Noah"])
def test_command_words_inside_other_sentences_are_not_commands(client: TestClient, text: str) -> None:
    payer = Payer.start(client, amount=5000)
    payer.say(text)
    assert payer.last["status"] in ("collecting", "awaiting_payment_method")


@pytest.mark.parametrize(
    "text", ["sorry, I meant 60", "I meant $60", "make it 60", "60 not 50", "change it from 50 to 60"]
)
def test_amount_corrections_at_confirmation(client: TestClient, text: str) -> None:
    payer = Payer.start(client)
    payer.say("Jane Doe")
    payer.say("50")
    payer.card()
    payer.say(text)
    assert payer.collected["amount"] == 6000 and payer.field == "confirmation"
    assert payer.charges() == []


@pytest.mark.parametrize(
    "text",
    ["the name should be Jon Smith, not John Smith", "Jon Smith, not John Smith",
     "change John Smith to Jon Smith",
     "I meant Jon Smith", "actually my name is Jon Smith"],
)  # fmt: skip
def test_name_corrections_at_confirmation(client: TestClient, text: str) -> None:
    payer = at_confirmation(client)
    payer.say("my name is John Smith")
    payer.say(text)
    assert payer.collected["name"] == "Jon Smith" and payer.field == "confirmation"


def test_yes_but_change_first_is_a_change_not_a_yes(client: TestClient) -> None:
    payer = Payer.start(client)
    payer.say("Jane Doe")
    payer.say("50")
    payer.card()
    payer.say("yes but change the amount first")
    assert payer.charges() == [] and payer.field == "amount"


# ---------------------------------------------------------------- questions answered


def test_questions_are_answered_without_counting_an_attempt(client: TestClient) -> None:
    payer = Payer.start(client, amount=5000, reference="INV-1001", description="March water bill")
    asked = {
        "how much do I owe?": "$50.00",
        "what is this for?": "March water bill",
        "is this secure?": "encrypted",
        "why do you need my name?": "bank",
        "can I speak to a person?": "call us and ask for an agent",
        "what do you have so far?": "$50.00",
    }
    for question, fact in asked.items():
        payer.say(question)
        assert fact in payer.text, (question, payer.text)
        assert payer.field == "name" and "name" not in payer.collected
        assert payer.text.rstrip().endswith("What is the name on the card?")
    assert payer.last["status"] == "collecting"  # six questions, and no attempt used up


@pytest.mark.parametrize(
    "text",
    ["can I pay with bank transfer?", "can I pay with PayPal instead?", "do you take venmo?",
     "can I pay cash",
     "I want to pay by wire transfer"],
)  # fmt: skip
def test_other_ways_to_pay_get_a_plain_no(client: TestClient, text: str) -> None:
    payer = at_confirmation(client)
    payer.say(text)
    assert payer.text.startswith("No,") and "Happy to help" not in payer.text
    assert payer.charges() == [] and payer.last["status"] == "confirming"


def test_accepted_brands_are_named(client: TestClient) -> None:
    payer = Payer.start(client, amount=5000)
    payer.say("what cards do you take?")
    assert "Visa" in payer.text and "Mastercard" in payer.text
    payer.say("do you accept amex?")
    assert payer.text.startswith("Yes")


@pytest.mark.parametrize("text", ["can I pay only 25 today?", "can I pay just $25?", "can I pay half?"])
def test_a_fixed_amount_is_said_to_be_fixed(client: TestClient, text: str) -> None:
    payer = Payer.start(client, amount=5000)
    payer.say("Jane Doe")
    payer.say(text)
    assert payer.collected["amount"] == 5000
    assert "Happy to help" not in payer.text and ("full" in payer.text or "can't be changed" in payer.text)


def test_the_support_contact_setting_is_quoted(make_client) -> None:  # type: ignore[no-untyped-def]
    client = make_client(support_contact="call 1-800-555-0199, Monday to Friday")
    payer = Payer.start(client, amount=5000)
    payer.say("can I talk to a human?")
    assert "call 1-800-555-0199, Monday to Friday" in payer.text and payer.last["status"] == "collecting"
