"""The phone channel against Amazon Connect's 8 s Lambda budget.

Prints the Connect handler's cold import time in a fresh interpreter (median of 7, against a
bare `python -c pass` in the same run), a cold start to the first answer (import, build the
services, look up the demo account), the p50/p99 of the pay invocation ("press 1") and
of the card invocation before it (three Connect-encrypted fields decrypted, one turn that
tokenizes), and of a caller from an unknown number identifying the account (the lookup by their
number, then the account number keyed, Connect-encrypted), on the embedded defaults: SQLite
store, file audit, sandbox gateway.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from _common import import_time, ms, percentile

from paybot_channels.connect.channel import PhoneChannel
from paybot_channels.connect.handler import respond
from paybot_channels.connect.simulator import ConnectStyleEncryptor
from paybot_core import Settings, build

BUDGET_SECONDS = 8.0
RUNS = 300
WARM_UP = 20
UNKNOWN_CALLER = "+15555550111"  # no demo account has this number; DEMO-2002's is keyed instead


def event(
    contact: str, attributes: dict[str, str], caller: str = "+15555550100", **parameters: str
) -> dict[str, Any]:
    """Shaped like Connect's Lambda event."""
    return {
        "Name": "ContactFlowEvent",
        "Details": {
            "ContactData": {
                "Attributes": attributes,
                "Channel": "VOICE",
                "ContactId": contact,
                "CustomerEndpoint": {"Address": caller, "Type": "TELEPHONE_NUMBER"},
                "InitialContactId": contact,
                "InitiationMethod": "INBOUND",
                "InstanceARN": "arn:aws:connect:us-east-1:111122223333:instance/bench",
                "SystemEndpoint": {"Address": "+15555550199", "Type": "TELEPHONE_NUMBER"},
            },
            "Parameters": parameters,
        },
    }


def one_call(channel: PhoneChannel, encryptor: ConnectStyleEncryptor) -> tuple[float, float]:
    contact = str(uuid.uuid4())
    session = respond(channel, event(contact, {}, step="lookup"))["session"]
    attrs = {"paybotSession": session}
    card = event(
        contact,
        attrs,
        step="submit_card",
        session=session,
        number=encryptor("key", "4242424242424242"),
        expiry=encryptor("key", "1230"),
        input=encryptor("key", "123"),
    )
    started = time.perf_counter()
    answer = respond(channel, card)
    submitted = time.perf_counter()
    assert answer["result"] == "ok", answer
    paid = respond(channel, event(contact, attrs, step="pay", session=session))
    finished = time.perf_counter()
    assert paid["result"] == "completed", paid
    return submitted - started, finished - submitted


def account_call(channel: PhoneChannel, encryptor: ConnectStyleEncryptor) -> float:
    """An unknown number's lookup, then the account number keyed: the two invocations, together."""
    contact = str(uuid.uuid4())
    reference = encryptor("key", "2002")
    started = time.perf_counter()
    asked = respond(channel, event(contact, {}, UNKNOWN_CALLER, step="lookup"))
    session = asked.get("session", "")
    found = respond(
        channel,
        event(contact, {"paybotSession": session}, UNKNOWN_CALLER, step="lookup_reference",
              session=session, reference=reference),
    )  # fmt: skip
    took = time.perf_counter() - started
    assert (asked["result"], found["result"]) == ("ask_reference", "ok"), (asked, found)
    return took


def cold_first_answer(data: Path, runs: int = 5) -> float:
    # Connect's contact ids are UUIDs; the handler refuses an event whose id is not shaped like one.
    code = (
        "import json, paybot_channels.connect.handler as h; "
        f"e = {event(str(uuid.uuid4()), {}, step='lookup')!r}; "
        "assert h.handler(e)['result'] == 'ok'"
    )
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", code], env={**os.environ, "PAYBOT_DATA_DIR": str(data)}, check=True
        )
        samples.append(time.perf_counter() - start)
    return sorted(samples)[len(samples) // 2]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        handler, baseline = import_time(
            "paybot_channels.connect.handler", {"PAYBOT_DATA_DIR": str(data / "i")}
        )
        print(
            f"  connect handler cold import (fresh interpreter, median of 7): {ms(handler)} "
            f"(bare interpreter {ms(baseline)}; import itself {ms(handler - baseline)})"
        )
        first = cold_first_answer(data / "c")
        print(f"  cold start to the first answer (import, build, lookup; median of 5): {ms(first)}")

        encryptor = ConnectStyleEncryptor()
        channel = PhoneChannel(build(Settings(data_dir=data / "b")), encryptor.decryptor())
        for _ in range(WARM_UP):
            one_call(channel, encryptor)
        for _ in range(WARM_UP):
            account_call(channel, encryptor)
        card, pay, account = [], [], []
        for _ in range(RUNS):
            c, p = one_call(channel, encryptor)
            card.append(c)
            pay.append(p)
            account.append(account_call(channel, encryptor))
        print(
            f"  pay invocation, sandbox gateway ({RUNS} calls): p50 {ms(percentile(pay, 0.5))}, "
            f"p99 {ms(percentile(pay, 0.99))}"
        )
        print(
            f"  card invocation (3 fields decrypted, tokenized): p50 {ms(percentile(card, 0.5))}, "
            f"p99 {ms(percentile(card, 0.99))}"
        )
        print(
            f"  unknown caller, lookup then account number keyed (2 invocations): "
            f"p50 {ms(percentile(account, 0.5))}, p99 {ms(percentile(account, 0.99))}"
        )
        worst = max(handler, first, percentile(pay, 0.99), percentile(card, 0.99), percentile(account, 0.99))
        print(
            f"  Connect's budget: {BUDGET_SECONDS:.0f} s; "
            f"the slowest figure above uses {worst / BUDGET_SECONDS:.2%} of it"
        )
        return 0 if worst < BUDGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
