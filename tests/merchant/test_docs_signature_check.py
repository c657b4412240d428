"""The ten-line signature check in docs/merchant.md works as printed, against paybot's own signer."""

from __future__ import annotations

import re
import time
from pathlib import Path

from paybot_core import signing

DOC = Path(__file__).resolve().parents[2] / "docs" / "merchant.md"


def documented_verify():
    text = DOC.read_text()
    section = text[text.index("### Verifying a webhook") :]
    code = re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1)
    assert len([line for line in code.splitlines() if line.strip()]) <= 10
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)
    return namespace["verify"]


def test_the_documented_check_accepts_paybots_signature_and_nothing_else() -> None:
    verify = documented_verify()
    body = b'{"id":"evt_abc","type":"payment.succeeded"}'
    header = signing.sign("whsec_doc", body, int(time.time()))
    assert verify("whsec_doc", body, header)
    assert not verify("whsec_other", body, header)
    assert not verify("whsec_doc", body + b" ", header)
    assert not verify("whsec_doc", body, signing.sign("whsec_doc", body, int(time.time()) - 3600))
    assert not verify("whsec_doc", body, "t=1,v2=abc")
