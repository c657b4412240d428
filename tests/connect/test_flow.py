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

FLOW = load_flow()
ACTIONS = {a["Identifier"]: a for a in FLOW["Actions"]}
# The block types paybot's flow may use: each is run by the simulator and documented by Connect.
KNOWN_TYPES = {
    "MessageParticipant", "GetParticipantInput", "InvokeLambdaFunction", "Compare", "UpdateContactAttributes",
    "UpdateFlowLoggingBehavior", "UpdateContactRecordingBehavior", "UpdateContactTargetQueue",
    "TransferContactToQueue", "DisconnectParticipant",
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
