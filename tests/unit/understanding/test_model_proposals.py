"""What a model may propose and what the code keeps of it (understanding/model_proposals.py).

The proposals here are what a model might answer, right or wrong; the rules' reading of the same
message is real. Whatever a model says, intents never change, a preset amount never changes, and
every value kept is the payer's own writing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paybot_core.conversation.state import Field
from paybot_core.conversation.understanding import Intent, Question, UnderstandingContext, Understood
from paybot_core.understanding import understand
from paybot_core.understanding.model_proposals import (
    TOOL_CONFIG,
    TOOL_NAME,
    read_proposal,
    take_proposal,
    user_prompt,
    worth_asking,
)


def _context(expecting: Field | None, locale: str = "en", *, preset: bool = False) -> UnderstandingContext:
    return UnderstandingContext(expecting, "usd", preset, locale=locale)


def _helped(text: str, proposal: dict[str, object], expecting: Field | None, locale: str = "en",
            *, preset: bool = False) -> tuple[Understood, Understood]:  # fmt: skip
    context = _context(expecting, locale, preset=preset)
    ruled = understand(text, context)
    return ruled, take_proposal(ruled, read_proposal(proposal, "usd"), text, context)


def test_the_tool_can_say_a_name_an_amount_and_a_question_kind_and_nothing_else() -> None:
    (tool,) = TOOL_CONFIG["tools"]
    schema = tool["toolSpec"]["inputSchema"]["json"]
    assert set(schema["properties"]) == {"name", "amount", "question", "question_detail"}
    assert {p["type"] for p in schema["properties"].values()} == {"string"}
    assert schema["properties"]["question"]["enum"] == [kind.value for kind in Question]
    assert TOOL_CONFIG["toolChoice"] == {"tool": {"name": TOOL_NAME}}
    assert "The payer wrote: hola" in user_prompt("hola", _context(Field.NAME, "es"))


@pytest.mark.parametrize(
    ("text", "proposed", "locale", "kept"),
    [
        ("put it under Ana María Ruiz, my mum pays", "Ana María Ruiz", "en", "Ana María Ruiz"),
        ("honestly it should go under nguyễn minh tuấn since it's his card", "Nguyễn Minh Tuấn", "en",
         "nguyễn minh tuấn"),
        ("use my husband's, he is Sam O'Neil", "Sam O'Neil", "en", "Sam O'Neil"),
        ("es la tarjeta de mi hijo Tomás Ñúñez", "Tomás Ñúñez", "es", "Tomás Ñúñez"),
        ("cualquiera, ponga Carmen Ortiz Vega", "Carmen Ortiz Vega", "es", "Carmen Ortiz Vega"),
    ],
)  # fmt: skip
def test_a_proposed_name_the_payer_wrote_is_kept_in_their_writing(
    text: str, proposed: str, locale: str, kept: str
) -> None:
    ruled, helped = _helped(text, {"name": proposed}, Field.NAME, locale)
    assert ruled.name is None  # the rules could not place it: that is when a model helps
    assert helped.name is not None and helped.name.value == kept
    assert helped.intents == ruled.intents


@pytest.mark.parametrize(
    ("text", "proposed", "locale"),
    [
        ("the person on the card, you know who", "Jane Doe", "en"),  # invented
        ("the person on the card, you know who", "you know who", "en"),  # words, but no name
        ("it's the annual thing again", "Ann", "en"),  # part of a word
        ("hola, quisiera pagar", "Hola", "es"),  # a greeting
        ("hmm not sure what goes here", "not sure", "es"),
        ("the one on file please", "J4ne D0e", "en"),  # fails the field rule
        ("the one on file please", "file please", "en"),
    ],
)
def test_a_proposed_name_that_is_not_the_payers_name_is_refused(
    text: str, proposed: str, locale: str
) -> None:
    _, helped = _helped(text, {"name": proposed}, Field.NAME, locale)
    assert helped.name is None


@pytest.mark.parametrize(
    ("text", "proposed", "locale", "minor"),
    [
        ("three invoices, the second one is 120 and that's what I'm paying today", "120", "en", 12000),
        ("let's do the one for 85.40, the other one later", "85.40", "en", 8540),
        ("two bills this month: the small one, forty-two, goes first", "42", "en", 4200),
        ("tengo dos recibos; hoy pago el de doscientos treinta y cinco", "235", "es", 23500),
    ],
)
def test_a_proposed_amount_is_kept_only_as_a_number_the_payer_wrote(
    text: str, proposed: str, locale: str, minor: int
) -> None:
    ruled, helped = _helped(text, {"amount": proposed}, Field.AMOUNT, locale)
    assert ruled.amount is None or ruled.amount.minor is None
    assert helped.amount is not None and (helped.amount.minor, helped.amount.problem) == (minor, None)


@pytest.mark.parametrize(
    ("text", "proposed", "locale", "preset"),
    [
        ("whatever it says on the bill", "120", "en", False),  # no figure written: invented
        ("the second one is 120 and the first 80", "200", "en", False),  # worked out, not written
        ("the second one is 120 and the first 80", "-120", "en", False),
        ("the second one is 120 and the first 80", "120", "en", True),  # preset: never from a model
        ("3 invoices, pay the 1st", "3", "en", True),
        ("son cuarenta euros, creo", "40", "es", False),  # another currency: the rules' refusal stands
        ("-25 for the one from May", "25", "en", False),  # a negative amount is refused, not mended
        ("minus 25 for the one from May", "25", "en", False),
        ("about 50,00 I think", "50", "en", False),  # ambiguous separators: the bot asks back
    ],
)
def test_a_proposed_amount_is_refused_when_invented_worked_out_preset_or_over_a_problem(
    text: str, proposed: str, locale: str, preset: bool
) -> None:
    ruled, helped = _helped(text, {"amount": proposed}, Field.AMOUNT, locale, preset=preset)
    assert helped.amount == ruled.amount


@pytest.mark.parametrize(
    ("text", "expecting", "locale", "proposal", "question", "detail"),
    [
        ("puedo mandar un giro por western union", Field.NAME, "es",
         {"question": "other_method", "question_detail": "western union"}, Question.OTHER_METHOD,
         "western union"),
        ("do I get anything in writing after", Field.CONFIRMATION, "en",
         {"question": "other"}, Question.OTHER, None),
        ("any way to do it thru venmo or smth", Field.CARD_NUMBER, "en",
         {"question": "other_method", "question_detail": "Apple Pay"}, Question.OTHER_METHOD, None),
    ],
)  # fmt: skip
def test_a_proposed_question_kind_is_kept_when_the_rules_understood_nothing(
    text: str,
    expecting: Field,
    locale: str,
    proposal: dict[str, object],
    question: Question,
    detail: str | None,
) -> None:
    ruled, helped = _helped(text, proposal, expecting, locale)
    assert ruled.question is None and not ruled.fills_anything
    assert (helped.question, helped.question_detail) == (question, detail)  # detail: only the payer's words


def test_a_question_kind_never_displaces_an_answer_and_unknown_kinds_are_ignored() -> None:
    _, helped = _helped(
        "three invoices, the second one is 120 and that's what I'm paying today",
        {"amount": "120", "question": "purpose"},
        Field.AMOUNT,
    )
    assert helped.amount is not None and helped.amount.minor == 12000 and helped.question is None
    assert read_proposal({"question": "refund_policy"}, "usd").question is None


@pytest.mark.parametrize(
    ("text", "expecting", "locale"),
    [
        ("yes", Field.CONFIRMATION, "en"),
        ("sí, dale", Field.CONFIRMATION, "es"),
        ("cancel", Field.NAME, "en"),
        ("empezar de nuevo", Field.AMOUNT, "es"),
        ("how much do I owe?", Field.NAME, "en"),
        ("Jane Doe", Field.NAME, "en"),
        ("$50", Field.AMOUNT, "en"),
        ("12345", Field.NAME, "en"),
    ],
)
def test_a_model_is_not_asked_about_what_the_rules_read(text: str, expecting: Field, locale: str) -> None:
    context = _context(expecting, locale)
    assert not worth_asking(understand(text, context), text, context)


def test_read_proposal_reads_the_schema_only() -> None:
    sneaky = {"confirm": True, "intent": "affirm", "yes": "yes", "cancel": True, "card_number": "4242"}
    assert read_proposal(sneaky, "usd") == Understood()
    assert read_proposal("yes", "usd") == Understood()
    assert read_proposal({"name": 7, "amount": ["50"], "question": 3}, "usd") == Understood()
    assert read_proposal({"amount": 12.5}, "usd").amount.minor == 1250  # type: ignore[union-attr]


MESSAGES = st.sampled_from(
    [
        "the second one is 120 and that's what I'm paying today",
        "the person on the card, you know who",
        "yes please go ahead",
        "sí, claro",
        "cancel it, I'll pay later",
        "lo de siempre, unos cincuenta y cinco",
        "it's for my mum Ana Ruiz, 75 for the gym",
        "can I wire it instead?",
        "hmm",
        "no",
        "quiero pagar mi factura",
    ]
)
ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(["yes", "cancel", "120", "Ana Ruiz", "affirm", "other_method"]),
)  # fmt: skip
PROPOSALS = st.dictionaries(
    st.sampled_from(["name", "amount", "question", "question_detail", "intent", "confirm", "yes"]), ANY_VALUE
)


@settings(max_examples=300, deadline=None)
@given(
    text=MESSAGES,
    proposal=PROPOSALS,
    expecting=st.sampled_from([Field.NAME, Field.AMOUNT, Field.CARD_NUMBER, Field.CONFIRMATION, None]),
    locale=st.sampled_from(["en", "es"]),
    preset=st.booleans(),
)
def test_whatever_a_model_says_intents_card_facts_and_a_preset_amount_stay_the_rules(
    text: str, proposal: dict[str, object], expecting: Field | None, locale: str, preset: bool
) -> None:
    context = _context(expecting, locale, preset=preset)
    ruled = understand(text, context)
    helped = take_proposal(ruled, read_proposal(proposal, "usd"), text, context)
    assert helped.intents == ruled.intents
    assert (helped.card_number, helped.expiry, helped.cvv) == (ruled.card_number, ruled.expiry, ruled.cvv)
    assert helped.language == ruled.language
    if preset or (ruled.amount is not None and ruled.amount.problem != "unreadable"):
        assert helped.amount == ruled.amount
    if helped.name != ruled.name:
        assert helped.name is not None and helped.name.value is not None
        assert helped.name.value.casefold() in text.casefold()
    if ruled.intents & {Intent.AFFIRM, Intent.CANCEL, Intent.DENY, Intent.RESTART}:
        assert helped == ruled  # a command is the rules' alone
    assert replace(helped, name=ruled.name, amount=ruled.amount, question=ruled.question,
                   question_detail=ruled.question_detail) == ruled  # fmt: skip


@pytest.mark.parametrize(
    ("text", "figure"),
    [("25%", 25), ("I can do 40 percent", 40), ("half", 50), ("la mitad, 60", 60), ("two thirds", 2)],
)
def test_a_share_the_rules_read_is_never_replaced_by_a_models_figure(text: str, figure: int) -> None:
    """ "25%" is a quarter of what is due: a model proposing $25 (a figure of the message) is not asked."""
    context = _context(Field.AMOUNT, "es" if "mitad" in text else "en")
    ruled = understand(text, context)
    assert ruled.share is not None
    assert not worth_asking(ruled, text, context)
    helped = take_proposal(ruled, read_proposal({"amount": figure}, "usd"), text, context)
    assert helped.amount == ruled.amount and helped.share == ruled.share
