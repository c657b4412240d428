"""`paybot call`: a local phone call through `flow.json`, with the Lambda handler in process.

The simulator interprets the flow blocks paybot's flow uses, the way Amazon Connect runs
them: prompts are printed (and spoken with espeak-ng under `--speak`), keys come from
`--keys` or the keyboard, each InvokeLambdaFunction block calls the handler with an event
shaped like Connect's, and "Store customer input" behaves as Connect's does (`#` ends an
entry, nothing pressed stores `Timeout`). Input of blocks with InputEncryption is encrypted as
Connect encrypts it, under a key pair made for the call, so the handler decrypts exactly as in
production; only without the AWS Encryption SDK does it go in plain text, which the handler
then accepts because the simulator sets PAYBOT_CONNECT_ALLOW_PLAINTEXT_INPUT.

Keys: digits, `*`, `#`; a comma is a pause long enough for the prompt to time out. The flow's
first menu takes one key for the language (1 English, 2 Spanish; nothing or another key is
English), so a script starts with it: `--keys "2 4242424242424242#1230#123#1"` pays in Spanish.
"Set voice" and the contact's language (UpdateContactTextToSpeechVoice, UpdateContactData) are
kept as Connect keeps them: the voice is noted in the transcript, the language code goes into every
Lambda event's ContactData.LanguageCode, and `--speak` speaks with espeak-ng in that language.
The transcript masks every digit the caller keyed into a stored input.
"""

from __future__ import annotations

import argparse
import json
import logging
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from paybot_core import CONNECT_KEY_NAMESPACE, ConnectInputDecryptor

from ..errors import UsageError
from .errors import FlowError

log = logging.getLogger("paybot.connect.simulator")

DEMO_CALLER = "+15555550100"
DEFAULT_VOICE = "Joanna"  # Connect's text-to-speech voice until a "Set voice" block runs
DEFAULT_LANGUAGE_CODE = "en-US"
SYSTEM_NUMBER = "+15555550199"
PAUSE = ","
MAX_BLOCKS = 1000  # a call that runs this many blocks is looping
_REFERENCE = re.compile(
    r"\$\.(?:Attributes|FlowAttributes|External)\.[A-Za-z0-9_]+|\$\.StoredCustomerInput|\$\.CustomerEndpoint\.Address"
)

Invoke = Callable[[dict[str, Any]], Mapping[str, Any]]
Encrypt = Callable[[str, str], str]  # (key id, keys) -> what Connect would store


def load_flow(path: Path | None = None) -> dict[str, Any]:
    """The contact flow shipped with this package (or the one at `path`); UsageError when unusable."""
    if path is None:
        packaged: dict[str, Any] = json.loads(resources.files(__package__).joinpath("flow.json").read_text())
        return packaged
    try:
        flow = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise UsageError(f"--flow {path}: {err.strerror or err}") from None
    except ValueError as err:
        raise UsageError(f"--flow {path} is not JSON: {err}") from None
    if not (isinstance(flow, dict) and isinstance(flow.get("Actions"), list) and "StartAction" in flow):
        raise UsageError(f"--flow {path} is not a contact flow (it needs StartAction and Actions)")
    return flow


# What a phone keypad can send. Typed at the terminal, spaces and dashes between keys are dropped
# (people group card numbers so); anything else is not a key, and the line is asked for again.
KEYPAD_KEYS = frozenset("0123456789*#")
_SEPARATORS = frozenset(" -")


def keypad_keys(text: str) -> str | None:
    """The keys in a typed line, without spaces and dashes; None when it holds anything else."""
    keys = "".join(ch for ch in text if ch not in _SEPARATORS)
    return keys if all(ch in KEYPAD_KEYS for ch in keys) else None


class Keypad:
    """The caller's keys: a script (`--keys`) or, without one, lines typed at the terminal."""

    def __init__(
        self,
        script: str | None = None,
        read_line: Callable[[str], str] | None = None,
        tell: Callable[[str], None] = print,
    ) -> None:
        if script is not None:
            script = "".join(key for key in script if key not in _SEPARATORS)  # "2 4242 4242 ..." reads well
            if any(key not in KEYPAD_KEYS and key != PAUSE for key in script):
                raise UsageError("--keys takes keypad keys only: 0-9, * and #, and a comma for a pause")
        self._script = list(script) if script is not None else None
        self._read_line = read_line or input
        self._tell = tell
        self.hung_up = False

    def entry(self, max_length: int) -> str | None:
        """One stored input: keys up to `#` (not kept) or `max_length`; None when nothing came."""
        if self._script is None:
            line = self._line()
            if line is None:
                return None
            return line.replace("#", "")[:max_length] or None
        keys: list[str] = []
        while self._script and len(keys) < max_length:
            key = self._script.pop(0)
            if key == "#":
                break
            if key == PAUSE:
                break
            keys.append(key)
        return "".join(keys) or None

    def press(self) -> str | None:
        """One key for a menu; None when the caller pressed nothing."""
        if self._script is None:
            line = self._line()
            return line[0] if line else None
        if not self._script:
            return None
        key = self._script.pop(0)
        return None if key == PAUSE else key

    def _line(self) -> str | None:
        """The next typed line as keys; a line with letters (or other non-keys) is asked again."""
        while True:
            try:
                typed = self._read_line("keys> ")
            except EOFError:
                self.hung_up = True
                return None
            keys = keypad_keys(typed.strip())
            if keys is not None:
                return keys
            self._tell("(a phone keypad has only 0-9, * and #: type those keys, then Enter)")


@dataclass
class CallResult:
    outcome: str  # completed | link_sent (to finish on the web) | agent | disconnected | hung_up
    transcript: list[str]
    events: list[dict[str, Any]] = field(default_factory=list)  # every event sent to the handler
    answers: list[dict[str, str]] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)  # the contact's attributes at the end
    attribute_values: list[str] = field(default_factory=list)  # every value the flow ever set
    card_inputs_protected: list[bool] = field(default_factory=list)  # recording and logging off?
    latencies: list[float] = field(default_factory=list)

    @property
    def paid(self) -> bool:
        return self.outcome == "completed"


class CallSimulator:
    """Runs one call through a flow document; see the module docstring."""

    def __init__(
        self,
        flow: Mapping[str, Any],
        invoke: Invoke,
        keypad: Keypad,
        *,
        caller: str = DEMO_CALLER,
        encrypt: Encrypt | None = None,
        say: Callable[[str, str], None] | None = None,
    ) -> None:
        self.actions = {a["Identifier"]: a for a in flow["Actions"]}
        self.start = flow["StartAction"]
        self.invoke = invoke
        self.keypad = keypad
        self.caller = caller
        self.encrypt = encrypt
        self.say = say or (lambda text, language_code: None)
        self.contact_id = str(uuid.uuid4())
        self.attributes: dict[str, str] = {}  # contact attributes: kept on the contact record
        self.flow_attributes: dict[str, str] = {}  # end with the flow: where card input is held
        self.external: dict[str, str] = {}
        self.stored_input = ""
        self.recording = True
        self.logging = True
        self.queue = ""
        self.voice = DEFAULT_VOICE
        self.language_code = DEFAULT_LANGUAGE_CODE
        self._blocks: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], str | None]] = {
            "MessageParticipant": self._message_participant,
            "GetParticipantInput": self._get_participant_input,
            "InvokeLambdaFunction": self._invoke_lambda_function,
            "Compare": self._compare,
            "UpdateContactAttributes": self._update_contact_attributes,
            "UpdateFlowAttributes": self._update_flow_attributes,
            "UpdateFlowLoggingBehavior": self._update_flow_logging_behavior,
            "UpdateContactRecordingBehavior": self._update_contact_recording_behavior,
            "UpdateContactTargetQueue": self._update_contact_target_queue,
            "UpdateContactTextToSpeechVoice": self._update_contact_text_to_speech_voice,
            "UpdateContactData": self._update_contact_data,
            "TransferContactToQueue": self._transfer_contact_to_queue,
            "DisconnectParticipant": self._disconnect_participant,
        }

    def run(self) -> CallResult:
        result = CallResult("disconnected", [])
        self._result = result
        current: str | None = self.start
        for _ in range(MAX_BLOCKS):
            if current is None:
                break
            current = self._step(self._action(current))
        else:
            raise FlowError(f"The call ran {MAX_BLOCKS} blocks without ending; the flow loops.")
        result.attributes = dict(self.attributes)
        if result.outcome == "disconnected" and self.external.get("result") in ("completed", "link_sent"):
            result.outcome = self.external["result"]
        return result

    # ------------------------------------------------------------- blocks

    def _step(self, action: Mapping[str, Any]) -> str | None:
        kind, params = action["Type"], action.get("Parameters", {})
        handler = self._blocks.get(kind)
        if handler is None:
            raise FlowError(
                f"Block {action['Identifier']!r} has type {kind!r}, which the simulator does not run."
            )
        target: str | None = handler(action, params)
        return target

    def _message_participant(self, action: Mapping[str, Any], params: Mapping[str, Any]) -> str | None:
        self._bot(self._text(params.get("Text", "")))
        return self._next(action)

    def _get_participant_input(self, action: Mapping[str, Any], params: Mapping[str, Any]) -> str | None:
        self._bot(self._text(params.get("Text", "")))
        if self._caller_gone():
            return self._hang_up()
        if str(params.get("StoreInput", "False")).lower() == "true":
            return self._store_input(action, params)
        key = self.keypad.press()
        if self._caller_gone():
            return self._hang_up()
        if key is None:
            self._note("caller pressed nothing")
            return self._error(action, "InputTimeLimitExceeded")
        self._line(f"caller: pressed {key}")
        for condition in action["Transitions"].get("Conditions", []):
            if _equals(condition, key):
                return str(condition["NextAction"])
        return self._error(action, "NoMatchingCondition")

    def _store_input(self, action: Mapping[str, Any], params: Mapping[str, Any]) -> str | None:
        maximum = int(params.get("InputValidation", {}).get("CustomValidation", {}).get("MaximumLength", 20))
        keys = self.keypad.entry(maximum)
        if self._caller_gone():
            return self._hang_up()
        encryption = params.get("InputEncryption")
        if encryption:
            self._result.card_inputs_protected.append(not self.recording and not self.logging)
        if keys is None:
            self._note("caller pressed nothing")
            self.stored_input = "Timeout"
        else:
            self._line(f"caller: keyed {_mask(keys)}#")
            if encryption and self.encrypt is not None:
                self.stored_input = self.encrypt(str(encryption["EncryptionKeyId"]), keys)
            else:
                self.stored_input = keys
        return self._next(action)

    def _invoke_lambda_function(self, action: Mapping[str, Any], params: Mapping[str, Any]) -> str | None:
        attributes = params.get("LambdaInvocationAttributes", {})
        event = self._event({str(k): self._resolve(str(v)) for k, v in attributes.items()})
        self._result.events.append(event)
        limit = float(params.get("InvocationTimeLimitSeconds", 8))
        started = time.perf_counter()
        try:
            answer = self.invoke(event)
        except Exception as err:  # Connect sees a failed invocation, nothing more
            log.warning("the handler raised %s", type(err).__name__)
            return self._error(action, "NoMatchingError")
        elapsed = time.perf_counter() - started
        self._result.latencies.append(elapsed)
        if elapsed > limit or not _string_map(answer):
            return self._error(action, "NoMatchingError")
        self.external = dict(answer)
        self._result.answers.append(dict(answer))
        if answer.get("result") == "completed":
            self._result.outcome = "completed"
        return self._next(action)

    def _compare(self, action: Mapping[str, Any], params: Mapping[str, Any]) -> str | None:
        value = self._resolve(str(params["ComparisonValue"]))
        for condition in action["Transitions"].get("Conditions", []):
            if _equals(condition, value):
                return str(condition["NextAction"])
        return self._error(action, "NoMatchingCondition")

    def _update_contact_attributes(self, action: Mapping[str, Any], params: Mapping[str, Any]) -> str | None:
        for key, value in params.get("Attributes", {}).items():
            resolved = self._resolve(str(value))
            self.attributes[str(key)] = resolved
            self._result.attribute_values.append(resolved)
        return self._next(action)

    def _update_flow_attributes(self, action: Mapping[str, Any], params: Mapping[str, Any]) -> str | None:
        for key, attribute in params.get("FlowAttributes", {}).items():
            self.flow_attributes[str(key)] = self._resolve(str(attribute.get("Value", "")))
        return self._next(action)

    def _update_flow_logging_behavior(
        self, action: Mapping[str, Any], params: Mapping[str, Any]
    ) -> str | None:
        self.logging = params.get("FlowLoggingBehavior") == "Enabled"
        self._note(f"flow logging {'on' if self.logging else 'off'}")
        return self._next(action)

    def _update_contact_recording_behavior(
        self, action: Mapping[str, Any], params: Mapping[str, Any]
    ) -> str | None:
        self.recording = bool(params.get("RecordingBehavior", {}).get("RecordedParticipants"))
        self._note(f"recording {'on' if self.recording else 'suspended'}")
        return self._next(action)

    def _update_contact_target_queue(
        self, action: Mapping[str, Any], params: Mapping[str, Any]
    ) -> str | None:
        self.queue = str(params.get("QueueId", ""))
        return self._next(action)

    def _update_contact_text_to_speech_voice(
        self, action: Mapping[str, Any], params: Mapping[str, Any]
    ) -> str | None:
        voice = str(params.get("TextToSpeechVoice", ""))
        if not voice:
            return self._error(action, "NoMatchingError")
        self.voice = voice
        engine = params.get("TextToSpeechEngine")
        self._note(f"voice {voice}" + (f" ({str(engine).lower()})" if engine else ""))
        return self._next(action)

    def _update_contact_data(self, action: Mapping[str, Any], params: Mapping[str, Any]) -> str | None:
        code = params.get("LanguageCode")
        if code is not None:
            if not re.fullmatch(r"[a-z]{2}-[A-Z]{2}", str(code)):
                return self._error(action, "NoMatchingError")
            self.language_code = str(code)
            self._note(f"language {code}")
        return self._next(action)

    def _transfer_contact_to_queue(self, action: Mapping[str, Any], params: Mapping[str, Any]) -> str | None:
        self._note("transferred to the agent queue")
        self._result.outcome = "agent"
        return None

    def _disconnect_participant(self, action: Mapping[str, Any], params: Mapping[str, Any]) -> str | None:
        self._note("call ended")
        return None

    # ------------------------------------------------------------- helpers

    def _action(self, identifier: str) -> Mapping[str, Any]:
        try:
            action: Mapping[str, Any] = self.actions[identifier]
        except KeyError:
            raise FlowError(f"The flow has no block {identifier!r}.") from None
        return action

    def _next(self, action: Mapping[str, Any]) -> str | None:
        target = action.get("Transitions", {}).get("NextAction")
        return str(target) if target else None

    def _error(self, action: Mapping[str, Any], error: str) -> str:
        for branch in action.get("Transitions", {}).get("Errors", []):
            if branch["ErrorType"] == error:
                return str(branch["NextAction"])
        for branch in action.get("Transitions", {}).get("Errors", []):
            if branch["ErrorType"] == "NoMatchingError":
                return str(branch["NextAction"])
        raise FlowError(f"Block {action['Identifier']!r} has no branch for {error}.")

    def _caller_gone(self) -> bool:
        return self.keypad.hung_up

    def _hang_up(self) -> str | None:
        self._note("caller hung up")
        self._result.outcome = "hung_up"
        return None

    def _resolve(self, value: str) -> str:
        """A parameter: a JSONPath reference as a whole value, or static text."""
        return self._lookup(value) if _REFERENCE.fullmatch(value) else value

    def _text(self, text: str) -> str:
        """Prompt text with its `$.Attributes.x` / `$.External.x` references filled in."""
        return _REFERENCE.sub(lambda match: self._lookup(match.group()), text)

    def _lookup(self, reference: str) -> str:
        if reference == "$.StoredCustomerInput":
            return self.stored_input
        if reference == "$.CustomerEndpoint.Address":
            return self.caller
        scope, _, name = reference[2:].partition(".")
        scopes = {"Attributes": self.attributes, "FlowAttributes": self.flow_attributes}
        return scopes.get(scope, self.external).get(name, "")

    def _event(self, parameters: dict[str, str]) -> dict[str, Any]:
        """Shaped like the event Amazon Connect sends to a Lambda function."""
        return {
            "Name": "ContactFlowEvent",
            "Details": {
                "ContactData": {
                    "Attributes": dict(self.attributes),
                    "Channel": "VOICE",
                    "ContactId": self.contact_id,
                    "CustomerEndpoint": {"Address": self.caller, "Type": "TELEPHONE_NUMBER"},
                    "InitialContactId": self.contact_id,
                    "InitiationMethod": "INBOUND",
                    "InstanceARN": "arn:aws:connect:us-east-1:111122223333:instance/paybot-simulator",
                    "LanguageCode": self.language_code,
                    "PreviousContactId": self.contact_id,
                    "Queue": None,
                    "SystemEndpoint": {"Address": SYSTEM_NUMBER, "Type": "TELEPHONE_NUMBER"},
                    "MediaStreams": {"Customer": {"Audio": None}},
                },
                "Parameters": parameters,
            },
        }

    def _bot(self, text: str) -> None:
        if text:
            self._line(f"bot: {text}")
            self.say(text, self.language_code)

    def _note(self, text: str) -> None:
        self._line(f"[{text}]")

    def _line(self, text: str) -> None:
        self._result.transcript.append(text)
        print(text, flush=True)


def _equals(condition: Mapping[str, Any], value: str) -> bool:
    rule = condition["Condition"]
    if rule["Operator"] != "Equals":
        raise FlowError(f"The simulator compares with Equals only, not {rule['Operator']}.")
    return value in [str(v) for v in rule["Operands"]]


def _string_map(answer: object) -> bool:
    """Connect's STRING_MAP response validation: a flat object of strings."""
    return isinstance(answer, Mapping) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in answer.items()
    )


def _mask(keys: str) -> str:
    # Every key but * (a command) is masked: the transcript never shows what was keyed.
    return re.sub(r"[^*]", "•", keys)


class ConnectStyleEncryptor:
    """Encrypts keypad input as Connect's encrypted "Store customer input" does, for a key pair
    of our own: AWS Encryption SDK, namespace AmazonConnect, RSA-OAEP SHA-512, a non-committing
    signed suite. `decryptor()` is the matching handler side."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.private_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        self.public_pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def __call__(self, key_id: str, keys: str) -> str:
        import base64

        import aws_encryption_sdk
        from aws_encryption_sdk.identifiers import (
            Algorithm,
            CommitmentPolicy,
            EncryptionKeyType,
            WrappingAlgorithm,
        )
        from aws_encryption_sdk.internal.crypto.wrapping_keys import WrappingKey
        from aws_encryption_sdk.key_providers.raw import RawMasterKey

        master_key = RawMasterKey(
            provider_id=CONNECT_KEY_NAMESPACE,
            key_id=key_id.encode(),
            wrapping_key=WrappingKey(
                wrapping_algorithm=WrappingAlgorithm.RSA_OAEP_SHA512_MGF1,
                wrapping_key=self.public_pem,
                wrapping_key_type=EncryptionKeyType.PUBLIC,
            ),
        )
        client = aws_encryption_sdk.EncryptionSDKClient(
            commitment_policy=CommitmentPolicy.FORBID_ENCRYPT_ALLOW_DECRYPT
        )
        message, _ = client.encrypt(
            source=keys.encode(),
            key_provider=master_key,
            algorithm=Algorithm.AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384,
        )
        return base64.b64encode(message).decode()

    def decryptor(self) -> ConnectInputDecryptor:
        return ConnectInputDecryptor(self.private_pem)


# ------------------------------------------------------------------ the command


def add_call_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `paybot call` on the CLI's subcommands."""
    call = commands.add_parser("call", help="simulate a phone payment through the Amazon Connect flow")
    call.add_argument(
        "--keys",
        default=None,
        help='keys to press, e.g. "1 4242424242424242#1230#123#1" (a comma is a pause, spaces are dropped); '
        "the first key chooses the language: 1 English, 2 Spanish; without it, type each entry at the prompt",
    )
    call.add_argument(
        "--caller", default=DEMO_CALLER, help=f"the caller's number (default {DEMO_CALLER}, the demo account)"
    )
    call.add_argument("--speak", action="store_true", help="speak the prompts with espeak-ng when installed")
    call.add_argument("--transcript", type=Path, default=None, help="where to write the transcript")
    call.add_argument(
        "--flow", type=Path, default=None, help="a contact flow other than the packaged flow.json"
    )
    call.set_defaults(run=run_call)


def run_call(args: argparse.Namespace) -> int:
    """Exit code 0 when the call ended with a completed payment, 1 otherwise."""
    from paybot_core import Settings, build

    from .channel import PhoneChannel
    from .handler import respond

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    flow = load_flow(args.flow)
    keypad = Keypad(args.keys)
    encryptor = _encryptor()
    # Without the Encryption SDK (the `connect` extra), keys go in plain text, which the
    # handler accepts only with PAYBOT_CONNECT_ALLOW_PLAINTEXT_INPUT.
    settings = Settings(connect_allow_plaintext_input=encryptor is None)
    decryptor = encryptor.decryptor() if encryptor else None
    channel = PhoneChannel(build(settings), decryptor, allow_plaintext=settings.connect_allow_plaintext_input)
    print(f"paybot call from {args.caller} (gateway: {settings.payment_gateway}; sandbox test cards work)")
    simulator = CallSimulator(
        flow,
        lambda event: respond(channel, event),
        keypad,
        caller=args.caller,
        encrypt=encryptor,
        say=_speaker() if args.speak else None,
    )
    result = simulator.run()
    path = args.transcript or settings.data_dir / "calls" / f"{simulator.contact_id}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(result.transcript) + "\n", encoding="utf-8")
    print(f"transcript: {path}")
    # A caller who took the link by SMS finishes on the web: the call did its part.
    return 0 if result.paid or result.outcome == "link_sent" else 1


def _encryptor() -> ConnectStyleEncryptor | None:
    try:
        import aws_encryption_sdk  # noqa: F401
    except ImportError:
        print("(aws-encryption-sdk is not installed: keypad input goes to the handler unencrypted)")
        return None
    return ConnectStyleEncryptor()


def _speaker() -> Callable[[str, str], None] | None:
    engine = shutil.which("espeak-ng") or shutil.which("espeak")
    if engine is None:
        print("(--speak: espeak-ng is not installed, so prompts are printed only)", file=sys.stderr)
        return None
    executable = engine

    def speak(text: str, language_code: str) -> None:
        # espeak-ng's voices are named by language: "es-419" is Latin American Spanish.
        voice = "es-419" if language_code.startswith("es") else "en-us"
        subprocess.run([executable, "-v", voice, "--", text], check=False, capture_output=True)  # noqa: S603

    return speak
