"""flow.json is a Connect flow document the simulator, the handler and the Pulumi program agree on."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

import pytest

from infra.flow import lambda_arns, placeholders, render_flow
from paybot_channels.connect.channel import STEP_PARAMETERS, Outcome, Step
from paybot_channels.connect.simulator import load_flow
from paybot_core import Locale, message

FLOW = load_flow()
ACTIONS = {a["Identifier"]: a for a in FLOW["Actions"]}
# The block types paybot's flow may use: each is run by the simulator and documented by Connect.
KNOWN_TYPES = {
    "MessageParticipant", "GetParticipantInput", "InvokeLambdaFunction", "Compare", "UpdateContactAttributes",
    "UpdateFlowAttributes", "UpdateFlowLoggingBehavior", "UpdateContactRecordingBehavior",
    "UpdateContactTargetQueue", "TransferContactToQueue", "DisconnectParticipant",
    "UpdateContactTextToSpeechVoice", "UpdateContactData",
}  # fmt: skip
_FORBIDDEN_IN_IDS = re.compile(r"[%:()\\/=$,;\[\]{}]")


def _targets(action: Mapping[str, Any]) -> Iterator[str]:
    transitions = action.get("Transitions", {})
    if "NextAction" in transitions:
        yield transitions["NextAction"]
    for branch in [*transitions.get("Conditions", []), *transitions.get("Errors", [])]:
        yield branch["NextAction"]


def _invocations() -> list[Mapping[str, Any]]:
    return [a for a in FLOW["Actions"] if a["Type"] == "InvokeLambdaFunction"]


def test_flow_language_document() -> None:
    assert FLOW["Version"] == "2019-10-30"
    assert FLOW["StartAction"] in ACTIONS
    assert len(ACTIONS) == len(FLOW["Actions"]), "identifiers must be unique"
    for identifier, action in ACTIONS.items():
        assert len(identifier) <= 50 and not _FORBIDDEN_IN_IDS.search(identifier), identifier
        assert action["Type"] in KNOWN_TYPES, action["Type"]


def test_every_transition_targets_an_existing_block_and_every_block_is_reachable() -> None:
    seen, todo = set(), [FLOW["StartAction"]]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        for target in _targets(ACTIONS[current]):
            assert target in ACTIONS, f"{current} -> {target}"
            todo.append(target)
    assert seen == set(ACTIONS), f"unreachable: {set(ACTIONS) - seen}"


def test_only_disconnect_ends_the_flow() -> None:
    ends = [i for i, a in ACTIONS.items() if not list(_targets(a))]
    assert ends == ["disconnect"]


def test_every_invocation_sets_the_parameters_its_step_reads() -> None:
    steps = set()
    for action in _invocations():
        params = action["Parameters"]
        assert params["LambdaFunctionARN"] == "${PaybotLambdaArn}"
        assert 0 < int(params["InvocationTimeLimitSeconds"]) <= 8
        assert params["ResponseValidation"] == {"ResponseType": "STRING_MAP"}
        sent = params["LambdaInvocationAttributes"]
        step = Step(sent["step"])
        steps.add(step)
        missing = set(STEP_PARAMETERS[step]) - set(sent)
        assert not missing, f"{action['Identifier']} does not set {missing}"
        assert {e["ErrorType"] for e in action["Transitions"]["Errors"]} == {"NoMatchingError"}
    assert steps == set(Step), "a step the handler offers is never called"


def test_every_result_branch_is_an_outcome_the_handler_returns() -> None:
    for action in FLOW["Actions"]:
        if action["Type"] == "Compare":
            assert action["Parameters"]["ComparisonValue"] == "$.External.result"
            for condition in action["Transitions"]["Conditions"]:
                Outcome(condition["Condition"]["Operands"][0])
            assert [e["ErrorType"] for e in action["Transitions"]["Errors"]] == ["NoMatchingCondition"]


def test_card_fields_are_encrypted_with_the_customer_key_and_star_is_a_key() -> None:
    card_inputs = [
        a for a in FLOW["Actions"]
        if a["Type"] == "GetParticipantInput" and a["Parameters"].get("StoreInput") == "True"
        and a["Identifier"] != "reference-input"
    ]  # fmt: skip
    assert {a["Identifier"] for a in card_inputs} == {"number-input", "expiry-input", "cvv-input"}
    for action in card_inputs:
        params = action["Parameters"]
        assert params["InputEncryption"] == {
            "EncryptionKeyId": "${PaybotEncryptionKeyId}",
            "Key": "${PaybotEncryptionCertificate}",
        }
        assert "CustomValidation" in params["InputValidation"]  # encryption requires it
        assert params["DTMFConfiguration"] == {"InputTerminationSequence": "#", "DisableCancelKey": "True"}


def test_the_pulumi_program_renders_it_with_the_documented_parameters() -> None:
    template = resources.files("paybot_channels.connect").joinpath("flow.json").read_text()
    names = placeholders(template)
    assert names == {
        "PaybotLambdaArn",
        "PaybotEncryptionKeyId",
        "PaybotEncryptionCertificate",
        "PaybotQueueArn",
    }
    arn = "arn:aws:lambda:us-east-1:111122223333:function:paybot-dev-phone"
    pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    values = {"PaybotLambdaArn": arn, "PaybotEncryptionKeyId": "k-1", "PaybotEncryptionCertificate": pem,
              "PaybotQueueArn": "arn:aws:connect:us-east-1:111122223333:instance/i/queue/q"}  # fmt: skip
    import json

    document = json.loads(render_flow(template, values))
    assert lambda_arns(document) == {arn}
    assert document["Actions"][0]["Identifier"] == "welcome"
    number = next(a for a in document["Actions"] if a["Identifier"] == "number-input")
    assert number["Parameters"]["InputEncryption"]["Key"] == pem


@pytest.mark.parametrize("block", ["recording-off", "recording-on", "agent-recording-on"])
def test_recording_blocks_use_the_flow_language_shape(block: str) -> None:
    behaviour = ACTIONS[block]["Parameters"]["RecordingBehavior"]
    assert set(behaviour) == {"RecordedParticipants", "IVRRecordingBehavior"}
    assert (behaviour["RecordedParticipants"] == []) == (behaviour["IVRRecordingBehavior"] == "Disabled")


def _stored_inputs() -> list[Mapping[str, Any]]:
    return [
        a for a in FLOW["Actions"]
        if a["Type"] == "GetParticipantInput" and a["Parameters"].get("StoreInput") == "True"
    ]  # fmt: skip


def _references_in(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield from re.findall(r"\$\.[A-Za-z]+(?:\.[A-Za-z0-9_]+)?", value)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _references_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references_in(item)


def test_keyed_input_is_kept_only_in_flow_attributes_never_on_the_contact_record() -> None:
    # Contact attributes stay on the contact record (24 months); flow attributes end with the flow.
    for action in FLOW["Actions"]:
        if action["Type"] == "UpdateContactAttributes":
            kept = set(_references_in(action["Parameters"]["Attributes"]))
            assert not {r for r in kept if r.startswith(("$.StoredCustomerInput", "$.FlowAttributes"))}, (
                action["Identifier"]
            )
    flow_attributes = [a for a in FLOW["Actions"] if a["Type"] == "UpdateFlowAttributes"]
    held = {
        name
        for action in flow_attributes
        for name, attribute in action["Parameters"]["FlowAttributes"].items()
        if attribute == {"Type": "String", "Value": "$.StoredCustomerInput"}
    }
    assert held == {"paybotNumber", "paybotExpiry"}
    for action in flow_attributes:
        assert [e["ErrorType"] for e in action["Transitions"]["Errors"]] == ["NoMatchingError"]
    submit = ACTIONS["card-submit"]["Parameters"]["LambdaInvocationAttributes"]
    assert (submit["number"], submit["expiry"]) == (
        "$.FlowAttributes.paybotNumber",
        "$.FlowAttributes.paybotExpiry",
    )


def test_every_stored_input_is_keyed_with_flow_logging_and_recording_off_on_every_path() -> None:
    """Walk every path with its (logging, recording) state: any keyed entry may be a card number."""
    stored = {a["Identifier"] for a in _stored_inputs()}
    assert {"reference-input", "number-input", "expiry-input", "cvv-input"} <= stored
    seen: set[tuple[str, bool, bool]] = set()
    todo = [(FLOW["StartAction"], True, True)]
    while todo:
        current, logging_on, recording_on = todo.pop()
        if (current, logging_on, recording_on) in seen:
            continue
        seen.add((current, logging_on, recording_on))
        action = ACTIONS[current]
        if current in stored:
            assert not logging_on and not recording_on, f"{current} is reached with logging or recording on"
        params = action.get("Parameters", {})
        if action["Type"] == "UpdateFlowLoggingBehavior":
            logging_on = params["FlowLoggingBehavior"] == "Enabled"
        if action["Type"] == "UpdateContactRecordingBehavior":
            recording_on = bool(params["RecordingBehavior"]["RecordedParticipants"])
        todo.extend((target, logging_on, recording_on) for target in _targets(action))
    # The caller never leaves to an agent with recording or logging still off.
    assert all(
        logging_on and recording_on for block, logging_on, recording_on in seen if block == "agent-transfer"
    )


def test_no_block_claims_nothing_was_charged_and_pay_has_its_own_error_block() -> None:
    # The flow cannot know: a failure after `pay` may follow a charge, and an agent may charge again.
    for action in FLOW["Actions"]:
        text = str(action.get("Parameters", {}).get("Text", ""))
        assert "nothing was charged" not in text.lower(), action["Identifier"]
    for words in _language_words().values():
        for said in words.values():
            assert "nothing was charged" not in said.lower() and "no se cobró nada" not in said.lower()
    pay_errors = {e["NextAction"] for e in ACTIONS["pay"]["Transitions"]["Errors"]}
    assert pay_errors == {"pay-error"}
    others = {
        e["NextAction"]
        for a in _invocations()
        if a["Identifier"] != "pay"
        for e in a["Transitions"]["Errors"]
    }
    assert "pay-error" not in others
    assert ACTIONS["pay-error"]["Parameters"]["Text"] == "$.FlowAttributes.sayPayError"
    words = _language_words()
    assert "could not confirm the payment" in words["en"]["sayPayError"]
    assert "agent" in words["en"]["sayPayError"]
    assert "no pudimos confirmar el pago" in words["es"]["sayPayError"]
    assert "agente" in words["es"]["sayPayError"]


# ------------------------------------------------------------------ the caller's language

LANGUAGES = {"en": ("1", "Joanna", "en-US"), "es": ("2", "Lupe", "es-US")}  # key, Polly voice, language code
_SAID = re.compile(r"\$\.FlowAttributes\.(say[A-Za-z]+)")


def _language_words() -> dict[str, dict[str, str]]:
    """The sentences each language block gives the flow (flow attributes named say...)."""
    return {
        lang: {
            name: attribute["Value"]
            for name, attribute in ACTIONS[f"language-{lang}-words"]["Parameters"]["FlowAttributes"].items()
        }
        for lang in LANGUAGES
    }


def test_the_first_menu_chooses_the_language_with_one_key_and_anything_else_is_english() -> None:
    menu = ACTIONS[FLOW["StartAction"]]
    assert menu["Type"] == "GetParticipantInput"
    assert menu["Parameters"]["StoreInput"] == "False"
    chosen = {c["Condition"]["Operands"][0]: c["NextAction"] for c in menu["Transitions"]["Conditions"]}
    assert chosen == {key: f"language-{lang}" for lang, (key, _, _) in LANGUAGES.items()}
    assert {e["NextAction"] for e in menu["Transitions"]["Errors"]} == {"language-en"}
    assert {e["ErrorType"] for e in menu["Transitions"]["Errors"]} == {
        "InputTimeLimitExceeded", "NoMatchingCondition", "NoMatchingError",
    }  # fmt: skip
    # The menu is said in both languages, each offer in its own.
    assert "press 1" in menu["Parameters"]["Text"] and "oprima 2" in menu["Parameters"]["Text"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_sets_its_voice_language_code_and_locale(lang: str) -> None:
    _, voice, code = LANGUAGES[lang]
    chain, current = [], f"language-{lang}"
    while current != "intro":
        action = ACTIONS[current]
        chain.append(action)
        assert [e["ErrorType"] for e in action["Transitions"]["Errors"]] == ["NoMatchingError"]
        current = action["Transitions"]["NextAction"]
    by_type = {a["Type"]: a["Parameters"] for a in chain}
    assert by_type["UpdateContactTextToSpeechVoice"] == {
        "TextToSpeechVoice": voice,
        "TextToSpeechEngine": "Neural",
    }
    assert by_type["UpdateContactData"] == {"LanguageCode": code}
    assert by_type["UpdateContactAttributes"] == {
        "Attributes": {"paybotLocale": lang},
        "TargetContact": "Current",
    }
    assert "UpdateFlowAttributes" in by_type  # its sentences: the next test


def test_the_flows_own_sentences_are_the_catalogues_in_each_language() -> None:
    words = _language_words()
    assert words["en"].keys() == words["es"].keys()
    for lang, said in words.items():
        for name, text in said.items():
            assert text == message(Locale(lang), f"phone.flow.{name[3].lower()}{name[4:]}"), (lang, name)
    assert all(words["en"][name] != words["es"][name] for name in words["en"])
    # Every sentence a block says from a flow attribute is one both languages give.
    used = {m for a in FLOW["Actions"] for m in _SAID.findall(str(a.get("Parameters", {}).get("Text", "")))}
    assert used == set(words["en"])


def test_every_block_that_says_a_language_sentence_is_reached_only_after_the_language_is_set() -> None:
    words_blocks = {f"language-{lang}-words" for lang in LANGUAGES}
    seen: set[tuple[str, bool]] = set()
    todo = [(FLOW["StartAction"], False)]
    while todo:
        current, chosen = todo.pop()
        if (current, chosen) in seen:
            continue
        seen.add((current, chosen))
        action = ACTIONS[current]
        if _SAID.search(str(action.get("Parameters", {}).get("Text", ""))):
            assert chosen, f"{current} can speak before a language was chosen"
        chosen = chosen or current in words_blocks
        todo.extend((target, chosen) for target in _targets(action))


def test_every_step_is_told_the_callers_language() -> None:
    for action in _invocations():
        assert action["Parameters"]["LambdaInvocationAttributes"]["locale"] == "$.Attributes.paybotLocale"
