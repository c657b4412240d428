"""Issue 13's ten red-team findings, each as a class of attack, replayed from the outside.

Every test here speaks only to what an attacker or a deployment sees: the HTTP API (in process, or a
real `paybot serve` at DEBUG), the phone channel's Lambda entry, the contact flow file, the data
dir. Nothing reaches into the card-data recogniser: the scans use an oracle of their own
(`digits_in`: NFKC, every Unicode digit by its value, digits spelled in English or Spanish), so a
fix is judged by a reader it cannot share a blind spot with, and this file runs unchanged against
the code from before the fixes (commit d91af4d), where each finding's test fails:

    git worktree add /tmp/t13-old d91af4d
    cp tests/hostile/test_findings.py tests/hostile/attacks.py /tmp/t13-old/tests/hostile/
    cd /tmp/t13-old && PYTHONPATH=packages/core/src:packages/channels/src \
        /path/to/.venv/bin/python -m pytest tests/hostile/test_findings.py

The attacks come from `attacks.py`, one hypothesis strategy per class (any Unicode space or digit
script, any label spelling, halves of a number in one sentence), so passing means the class holds.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import secrets
import stat
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from paybot_channels.connect.channel import PhoneChannel
from paybot_channels.connect.handler import respond
from paybot_channels.web.app import create_app
from paybot_core.bootstrap import build
from paybot_core.pci.vault import SealedCard
from paybot_core.settings import Settings
from tests.support import moto_server as moto
from tests.support.connect_events import contact_flow_event as _event
from tests.support.converse_server import ConverseServer
from tests.support.localstripe_emulator import SECRET_KEY, localstripe_url  # noqa: F401  (a fixture)
from tests.support.moto_server import moto_url  # noqa: F401  (a fixture)
from tests.support.servers import paybot_server

from .attacks import DIGIT_WORDS, cvv_after_expiry, labelled_cvv, pan_attack

FEW = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ---------------------------------------------------------------- the oracle and the cards

_SPELLED = {word: str(value) for words in DIGIT_WORDS.values() for value, word in enumerate(words)}
_TOKEN = re.compile(r"[^\W\d_]+|.", re.DOTALL)


def digits_in(text: str) -> str:
    """Every digit `text` holds, in any script or spelled out, as ASCII digits in their order."""
    out = []
    for token in _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()):
        if token in _SPELLED:
            out.append(_SPELLED[token])
        elif len(token) == 1 and (value := unicodedata.digit(token, None)) is not None:
            out.append(str(value))
    return "".join(out)


def ascii_digits(text: str) -> str:
    """`text` with every digit (any script, spelled) as an ASCII digit in place, for token searches."""
    out = []
    for token in _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold()):
        value = unicodedata.digit(token, None) if len(token) == 1 else None
        out.append(_SPELLED.get(token) or (str(value) if value is not None else token))
    return "".join(out)


def cvv_in(text: str, cvv: str) -> bool:
    """The code as a token of its own (not inside an id, a hash, a longer number or a decimal),
    its digits together or one by one ("8 4 6")."""
    digits = "[ .-]?".join(cvv)
    return re.search(rf"(?<![0-9a-z_.]){digits}(?![0-9a-z_.])", ascii_digits(text)) is not None


def _payer_parts(body: str) -> str:
    """A Converse request body without the adapter's fixed settings: its `inferenceConfig` holds
    `"maxTokens": 512`, which a drawn code of 512 matched (a scan that flagged the model's own
    configuration, not card data)."""
    request = json.loads(body)
    request.pop("inferenceConfig", None)
    return json.dumps(request, ensure_ascii=False)


def _luhn_digit(partial: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(partial)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return str((10 - total % 10) % 10)


# The server's own numbers (statuses, settings such as the 900 s TTL): a code equal to one proves nothing.
SERVER_NUMBERS = {"200", "201", "204", "400", "402", "404", "409", "413", "429", "500", "503"} | {
    str(v) for v in Settings().model_dump().values() if isinstance(v, int) and not isinstance(v, bool)
}


@st.composite
def cards(draw: st.DrawFn) -> tuple[str, str, int, int]:
    """(pan, cvv, month, year): a Luhn-valid Visa or Mastercard of 16 digits, a 3-digit code."""
    prefix = draw(st.sampled_from(["4", "51", "55", "2221"]))
    body = draw(st.text("0123456789", min_size=15 - len(prefix), max_size=15 - len(prefix)))
    pan = prefix + body + _luhn_digit(prefix + body)
    month, year = draw(st.integers(1, 12)), draw(st.integers(2028, 2036))
    assume(not pan.startswith("40000"))  # the sandbox's and Stripe's decline and 3-D Secure test cards
    cvv = draw(st.text("0123456789", min_size=3, max_size=3))
    assume(cvv not in SERVER_NUMBERS and cvv not in {pan[-4:], str(year), f"{month:02d}", f"{year % 100}"})
    assume(cvv not in {f"{month:02d}{year % 100:02d}"[i : i + 3] for i in range(2)})
    return pan, cvv, month, year


def pan_in(parts: Iterable[str], pan: str) -> list[str]:
    """Which parts (log records, request bodies, answers) hold the number in any form."""
    return [f"part {i}" for i, part in enumerate(parts) if pan in digits_in(part)]


# ---------------------------------------------------------------- shared rigs


@pytest.fixture(scope="module")
def converse() -> Iterator[ConverseServer]:
    server = ConverseServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bedrock_client(
    converse: ConverseServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """`paybot serve`'s app with the Bedrock model (a local Converse server) and typed card entry."""
    env = {
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": converse.url,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        services = build(
            Settings(
                data_dir=tmp_path_factory.mktemp("bedrock"),
                language_model="bedrock",
                allow_typed_card_entry=True,
                log_level="DEBUG",
            )
        )
        with TestClient(create_app(services, sweep_expired=False)) as client:
            yield client


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    services = build(Settings(data_dir=tmp_path_factory.mktemp("findings"), allow_typed_card_entry=True))
    with TestClient(create_app(services, sweep_expired=False)) as test_client:
        yield test_client


def _session(client: TestClient, **body: Any) -> str:
    created = client.post("/v1/sessions", json={"cardEntry": "typed", **body})
    assert created.status_code == 201, created.text
    return str(created.json()["sessionId"])


def _say(client: TestClient, session: str, message: str) -> httpx.Response:
    return client.post("/v1/chat", json={"sessionId": session, "message": message})


# ---------------------------------------------------------------- finding 1


@FEW
@given(data=st.data(), card=cards())
def test_finding_1_no_form_of_card_data_at_the_name_or_amount_prompt_reaches_the_model_or_the_log(
    bedrock_client, converse, caplog, data, card
) -> None:
    """Card numbers in any separators, scripts, invisible characters, words or halves, and codes under
    any label or right after an expiry, typed where the bot asked for a name or an amount."""
    pan, cvv, month, year = card
    attack = data.draw(pan_attack(pan))
    code = data.draw(st.one_of(labelled_cvv(cvv), cvv_after_expiry(cvv, month, year)))
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    converse.reset()
    session = _session(bedrock_client)
    answers = [_say(bedrock_client, session, f"{attack}").text, _say(bedrock_client, session, code).text]
    _say(bedrock_client, session, "Jane Doe")
    answers += [_say(bedrock_client, session, f"{attack} dollars").text]
    answers += [_say(bedrock_client, session, code).text]
    records = [f"{r.getMessage()} {r.exc_text or ''}" for r in caplog.records]
    bodies = [_payer_parts(body) for body in converse.bodies]
    assert not pan_in(bodies, pan), "card number in a model request"
    assert not [b for b in bodies if cvv_in(b, cvv)], "security code in a model request"
    assert not pan_in(records, pan), "card number in the log"
    assert not [r for r in records if cvv_in(r, cvv)], "security code in the log"
    assert not pan_in(answers, pan)


# ---------------------------------------------------------------- findings 2 and 7: paybot serve at DEBUG


@pytest.fixture(scope="module")
def debug_server(moto_url, localstripe_url, converse, tmp_path_factory) -> Iterator[dict[str, Any]]:  # noqa: F811
    """`paybot serve` at PAYBOT_LOG_LEVEL=DEBUG on every remote adapter: DynamoDB and KMS, the vault key
    in Secrets Manager (moto), Stripe (localstripe), Bedrock (the Converse server)."""
    dynamodb, kms, secretsmanager = (moto.client(n, moto_url) for n in ("dynamodb", "kms", "secretsmanager"))
    table = f"sessions-{uuid.uuid4().hex[:8]}"
    moto.create_session_table(dynamodb, table)
    vault_key = secrets.token_bytes(32)
    secret = secretsmanager.create_secret(
        Name=f"vault-{uuid.uuid4().hex[:8]}", SecretString=base64.b64encode(vault_key).decode()
    )["ARN"]
    env = {
        **moto.aws_env(moto_url),
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": converse.url,
        "PAYBOT_LOG_LEVEL": "DEBUG",
        "PAYBOT_ALLOW_TYPED_CARD_ENTRY": "true",
        "PAYBOT_SESSION_STORE": "dynamodb",
        "PAYBOT_DYNAMODB_TABLE": table,
        "PAYBOT_SESSION_KMS_KEY_ID": moto.create_kms_key(kms),
        "PAYBOT_VAULT_KEY_SECRET_ID": secret,
        "PAYBOT_PAYMENT_GATEWAY": "stripe",
        "PAYBOT_STRIPE_SECRET_KEY": SECRET_KEY,
        "PAYBOT_STRIPE_API_BASE": localstripe_url,
        "PAYBOT_LANGUAGE_MODEL": "bedrock",
        "PAYBOT_RATE_LIMIT_PER_CLIENT": "100000",
        "PAYBOT_RATE_LIMIT_PER_SESSION": "100000",
    }
    if "session_keys_table" in Settings.model_fields:  # the vault's key table, where the code has one
        keys_table = f"keys-{uuid.uuid4().hex[:8]}"
        moto.create_session_table(dynamodb, keys_table)
        env["PAYBOT_SESSION_KEYS_TABLE"] = keys_table
    data_dir = tmp_path_factory.mktemp("serve")
    log_path = data_dir.parent / f"{data_dir.name}.log"
    with paybot_server(data_dir, env=env, log_path=log_path) as url:
        yield {"url": url, "log": log_path, "vault_key": vault_key}


_LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d[,.]\d+ ")


def _log_since(path: Path, offset: int) -> list[str]:
    """The server's log lines written after `offset`, without their timestamps (digits of the clock)."""
    with path.open("rb") as opened:
        opened.seek(offset)
        text = opened.read().decode(errors="replace")
    return [_LOG_PREFIX.sub("", line) for line in text.splitlines()]


def _key_forms(key: bytes) -> list[str]:
    return [base64.b64encode(key).decode(), base64.urlsafe_b64encode(key).decode().rstrip("="), key.hex()]


@pytest.mark.aws
@pytest.mark.stripe
@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(card=cards())
def test_finding_2_at_debug_on_the_aws_adapters_and_stripe_the_log_holds_no_key_data_key_or_card(
    debug_server, card
) -> None:
    """A whole typed payment; then the server's log alone must not hold the vault key, a KMS data key,
    a sealed card with what opens it, the card number or the security code."""
    pan, cvv, month, year = card
    offset = debug_server["log"].stat().st_size
    with httpx.Client(base_url=debug_server["url"], timeout=30) as http:
        session = http.post("/v1/sessions", json={"cardEntry": "typed", "amount": 5000}).json()["sessionId"]
        for message in ("Jane Doe", pan, f"{month:02d}/{year % 100:02d}", f"cvv {cvv}", "yes"):
            answer = http.post("/v1/chat", json={"sessionId": session, "message": message})
            assert answer.status_code in (200, 402, 503), answer.status_code
    lines = _log_since(debug_server["log"], offset)
    text = "\n".join(lines)
    assert lines, "the server logged nothing: the scan would be vacuous"
    assert not [f for f in _key_forms(debug_server["vault_key"]) if f in text], "the vault key is in the log"
    assert '"Plaintext"' not in text, "a KMS data key in plain form is in the log"
    assert "card[cvc]" not in text and "card[number]" not in text, "a Stripe request body is in the log"
    assert not pan_in(lines, pan), "card number in the log"
    assert not [line for line in lines if cvv_in(line, cvv)], "security code in the log"


@pytest.mark.aws
@pytest.mark.stripe
@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(card=cards(), sep=st.sampled_from([".", "%20", "-", "_", "%C2%A0"]))
def test_finding_7_card_numbers_in_paths_queries_headers_and_ids_never_reach_the_log(
    debug_server, card, sep
) -> None:
    pan = card[0]
    grouped = sep.join(pan[i : i + 4] for i in range(0, len(pan), 4))
    offset = debug_server["log"].stat().st_size
    with httpx.Client(base_url=debug_server["url"], timeout=30) as http:
        answers = [
            http.get(f"/v1/sessions/{grouped}"),
            http.get(f"/v1/sessions/ses_abc?card={grouped}&n={pan}"),
            http.get("/v1/healthz", headers={"X-Forwarded-For": f"{grouped}, 10.0.0.1"}),
            http.get(f"/{grouped}"),
        ]
        session = http.post("/v1/sessions", json={"cardEntry": "secure", "amount": 5000}).json()["sessionId"]
        http.post("/v1/chat", json={"sessionId": session, "message": "Jane Doe"})
        pm = "pm_" + "_".join(pan[i : i + 4] for i in range(0, len(pan), 4))
        answers.append(http.post("/v1/chat", json={"sessionId": session, "paymentMethod": pm}))
    lines = _log_since(debug_server["log"], offset)
    assert lines, "the server logged nothing: the scan would be vacuous"
    assert not pan_in(lines, pan), "card number in the log"
    assert not pan_in([a.text for a in answers], pan), "card number answered back"


# ---------------------------------------------------------------- finding 3

# A sealed card as a session row serialises it: the blob and its expiry (the associated data).
_SEALED = re.compile(rb'"blob":\s*"(v\d\.[A-Za-z0-9_\-=]+)",\s*"expires_at":\s*([0-9.]+)')


def _typed_payment(data_dir: Path, pan: str, cvv: str, month: int, year: int, upto: int = 5) -> str:
    services = build(Settings(data_dir=data_dir, allow_typed_card_entry=True))
    with TestClient(create_app(services, sweep_expired=False)) as client:
        session = _session(client, amount=5000)
        # The code before the expiry: it is sealed in more than one state before tokenization.
        for message in ("Jane Doe", pan, f"cvv {cvv}", f"{month:02d}/{year % 100:02d}", "yes")[:upto]:
            assert _say(client, session, message).status_code == 200
        if upto == 5:
            assert client.get(f"/v1/sessions/{session}").json()["status"] == "completed"
    return session


def _opened_by_an_attacker(data_dir: Path, session: str) -> list[str]:
    """An attacker with a copy of the data dir and paybot's code: every sealed blob any byte of any
    file holds (the SQLite files with their WAL), opened by a vault built from that same dir."""
    raw = b"".join(p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file())
    blobs = {(m.group(1).decode(), float(m.group(2))) for m in _SEALED.finditer(raw)}
    vault = build(Settings(data_dir=data_dir)).conversations.vault
    opened = []
    for blob, expires_at in blobs:
        try:
            fields = vault.open(session, SealedCard(blob=blob, expires_at=expires_at), expires_at - 1)
        except Exception:  # any refusal is the attacker failing
            continue
        opened.append(json.dumps(fields))
    return opened


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(card=cards())
def test_finding_3_after_a_typed_payment_nothing_under_the_data_dir_opens_with_what_is_there(card) -> None:
    import tempfile

    pan, cvv, month, year = card
    with tempfile.TemporaryDirectory(prefix="paybot-wiped-") as tmp:
        data_dir = Path(tmp) / "data"
        session = _typed_payment(data_dir, pan, cvv, month, year)
        assert _opened_by_an_attacker(data_dir, session) == []
        for path in data_dir.rglob("*"):
            if path.is_file():
                assert pan not in digits_in(path.read_bytes().decode("latin-1")), path.name


def test_finding_3_the_attacker_is_real_while_the_card_is_held(tmp_path: Path) -> None:
    """The same attacker opens the card while the session holds it: the test above is not vacuous."""
    session = _typed_payment(tmp_path / "data", "4929854192326189", "846", 12, 2030, upto=3)
    assert any("4929854192326189" in fields for fields in _opened_by_an_attacker(tmp_path / "data", session))


def test_finding_3_the_data_dir_and_its_files_are_the_owner_s_alone(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _typed_payment(data_dir, "4929854192326189", "846", 12, 2030)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert files
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {p.name: "0o600" for p in files}


# ---------------------------------------------------------------- findings 4, 5, 6


@FEW
@given(data=st.data(), card=cards(), key=st.sampled_from(["reference", "description", "customerName"]))
def test_finding_4_merchant_presets_carrying_card_data_are_refused_naming_the_key(client, data, card, key):
    pan, cvv, _, _ = card
    attack = data.draw(st.one_of(pan_attack(pan), labelled_cvv(cvv)))
    value = data.draw(st.sampled_from(["{}", "INV {}", "Order for {} thanks"])).format(attack)[:60]
    assume(pan in digits_in(value) or cvv_in(value, cvv))
    response = client.post("/v1/sessions", json={"amount": 500, key: value})
    assert response.status_code == 400, (key, response.status_code)
    assert key in response.json()["error"]["message"]
    assert not pan_in([response.text], pan) and not cvv_in(response.text, cvv)


@FEW
@given(data=st.data(), card=cards(), path=st.sampled_from(["/v1/sessions", "/v1/chat"]))
def test_finding_5_errors_never_echo_a_client_key(client, data, card, path):
    key = data.draw(pan_attack(card[0]))
    body = {"message": "hi", "x": {key: 1}} if data.draw(st.booleans()) else {key: 1}
    response = client.post(path, content=json.dumps(body), headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500
    assert not pan_in([response.text], card[0])


@FEW
@given(data=st.data(), card=cards())
def test_finding_6_a_card_number_typed_as_a_name_never_becomes_the_name(client, data, card):
    shown = data.draw(pan_attack(card[0], ("scripts", "words")))
    session = client.post("/v1/sessions", json={"cardEntry": "secure", "amount": 500}).json()["sessionId"]
    reply = _say(client, session, shown)
    assert reply.status_code == 200
    assert reply.json()["collected"].get("name") is None
    assert not pan_in([reply.text], card[0])


# ---------------------------------------------------------------- findings 8 and 9: the phone


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> PhoneChannel:
    return PhoneChannel(build(Settings(data_dir=tmp_path_factory.mktemp("phone"))), allow_plaintext=True)


@FEW
@given(
    data=st.data(),
    card=cards(),
    where=st.sampled_from(["ContactId", "step", "tries", "session", "field", "reason"]),
)
def test_finding_8_crafted_connect_events_get_nothing_logged_or_answered_back_raw(
    phone, caplog, data, card, where
):
    pan = card[0]
    attack = data.draw(pan_attack(pan, ("separators", "scripts", "invisible")))
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    parameters = {
        "step": "retry",
        "field": "card_number",
        "reason": "timeout",
        "tries": "0",
        "session": "ses_x",
    }
    event = (
        _event(parameters, contact_id=attack)
        if where == "ContactId"
        else _event({**parameters, where: attack})
    )
    answer = respond(phone, event)
    sinks = [json.dumps(answer, ensure_ascii=False), *(r.getMessage() for r in caplog.records)]
    assert not pan_in(sinks, pan)


@pytest.mark.parametrize("tries", ["4929854192326188", "-3", "1e9", "٣", "99999999999"])
def test_finding_8_tries_is_a_small_number_never_echoed_back_changed(phone, tries) -> None:
    answer = respond(phone, _event({"step": "lookup_reference", "reference": "77", "tries": tries}))
    assert tries not in json.dumps(answer, ensure_ascii=False)
    assert answer.get("tries", "0") in {str(n) for n in range(11)}, "tries answered back out of range"


def _flow() -> dict[str, Any]:
    import paybot_channels.connect as connect

    return json.loads((Path(connect.__file__).parent / "flow.json").read_text())


def test_finding_9_every_keyed_input_of_the_flow_is_encrypted_and_taken_with_logging_and_recording_off():
    """Walk every path of the contact flow, keeping whether flow logging and recording are on: each
    block that stores keyed digits (the account number as much as the card) must be reached with both
    off, and encrypt its input."""
    flow = _flow()
    actions = {a["Identifier"]: a for a in flow["Actions"]}
    seen: set[tuple[str, bool, bool]] = set()
    todo = [(flow["StartAction"], True, True)]
    keyed = []
    while todo:
        node = todo.pop()
        if node in seen or node[0] not in actions:
            continue
        seen.add(node)
        ident, logging_on, recording_on = node
        action = actions[ident]
        parameters = action.get("Parameters", {})
        if action["Type"] == "UpdateFlowLoggingBehavior":
            logging_on = parameters["FlowLoggingBehavior"] == "Enabled"
        if action["Type"] == "UpdateContactRecordingBehavior":
            recording_on = parameters["RecordingBehavior"]["IVRRecordingBehavior"] == "Enabled"
        if action["Type"] == "GetParticipantInput" and parameters.get("StoreInput") == "True":
            keyed.append(ident)
            assert not logging_on, f"{ident} is taken with flow logging on"
            assert not recording_on, f"{ident} is taken with recording on"
            assert parameters.get("InputEncryption"), f"{ident} stores its input unencrypted"
        transitions = action.get("Transitions", {})
        targets = [transitions.get("NextAction")]
        targets += [c.get("NextAction") for c in transitions.get("Conditions", [])]
        targets += [e.get("NextAction") for e in transitions.get("Errors", [])]
        todo += [(t, logging_on, recording_on) for t in targets if t]
    assert {"reference-input", "number-input"} <= set(keyed) or len(keyed) >= 4, keyed


@FEW
@given(card=cards(), end=st.sampled_from(["#", ""]))
def test_finding_9_a_card_number_keyed_at_the_account_prompt_is_refused_and_never_logged(
    phone, caplog, card, end
):
    caplog.clear()
    caplog.set_level(logging.DEBUG)
    session = respond(phone, _event({"step": "lookup"}))["session"]  # a caller whose number has no account
    answer = respond(
        phone, _event({"step": "lookup_reference", "session": session, "reference": card[0] + end})
    )
    assert answer["result"] == "retry"
    assert "card" in answer["say"].lower()  # told why, so they key the account number instead
    assert not pan_in([json.dumps(answer), *(r.getMessage() for r in caplog.records)], card[0])


# ---------------------------------------------------------------- finding 10


@pytest.mark.parametrize("month", ["ſept", "ſeptember", "ＳＥＰＴ", "SEPTIEMBRE", "ſeptiembre"])
def test_finding_10_a_month_name_in_a_compatibility_or_case_form_is_read_not_a_crash(client, month) -> None:
    session = _session(client, amount=5000)
    _say(client, session, "Jane Doe")
    _say(client, session, "4929854192326189")
    reply = _say(client, session, f"{month} 2031")
    assert reply.status_code == 200
    card = reply.json()["collected"]["card"]
    assert (card.get("expMonth"), card.get("expYear")) == (9, 2031), "the month was not read"


def _fullwidth(digits: str) -> str:
    return "".join(chr(0xFF10 + int(d)) for d in digits)


@FEW
@given(card=cards(), wrong=st.integers(1, 9))
def test_finding_10_luhn_reads_fullwidth_digits_by_their_value(client, card, wrong) -> None:
    pan = card[0]
    session = _session(client, amount=5000)
    _say(client, session, "Jane Doe")
    good = _say(client, session, _fullwidth(pan)).json()["collected"].get("card") or {}
    assert good.get("last4") == pan[-4:], "a valid card in fullwidth digits was not taken"
    bad_pan = pan[:-1] + str((int(pan[-1]) + wrong) % 10)
    other = _session(client, amount=5000)
    _say(client, other, "Jane Doe")
    bad = _say(client, other, _fullwidth(bad_pan)).json()["collected"].get("card") or {}
    assert bad.get("last4") != bad_pan[-4:], "a card failing Luhn in fullwidth digits was taken"


def test_the_oracle_reads_every_form_it_is_trusted_with() -> None:
    """The scans above are only as good as `digits_in`; it reads what the attacks write."""
    assert digits_in("4929.8541_9232\u202f6189") == "4929854192326189"
    assert digits_in("④⑨²⁹ ８５４１ ٩٢٣٢ 𝟔𝟏𝟖𝟗") == "4929854192326189"
    assert digits_in("Four-nine two NUEVE nueve") == "49299"
    assert cvv_in("cvv ８４６", "846") and not cvv_in("ses_846abc 1846 8.846", "846")
    assert cvv_in("code 8 4 6", "846") and cvv_in("code eight-four-six", "846")
