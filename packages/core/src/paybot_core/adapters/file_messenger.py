"""The embedded Messenger: each message becomes a file in `PAYBOT_DATA_DIR/outbox/`.

Emails are `.eml` files (RFC 5322, plain text and HTML alternatives), open in any mail client;
SMS are `.sms.json`. `paybot outbox` lists them. Names sort by time of writing.
"""

from __future__ import annotations

import json
import os
import string
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..ids import random_string
from ..merchant.messages import as_mime
from ..ports import OutgoingMessage


@dataclass(frozen=True)
class OutboxEntry:
    path: Path
    kind: str
    to: str
    subject: str | None
    written_at: float


class FileMessenger:
    def __init__(
        self, directory: Path, *, sender: str = "paybot@localhost", clock: Callable[[], float] = time.time
    ) -> None:
        self.directory = directory
        self.sender = sender
        self._clock = clock

    def send(self, message: OutgoingMessage) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        now = self._clock()
        message_id = f"msg_{random_string(string.ascii_letters, 20)}"
        stem = f"{int(now * 1000):015d}-{message_id}"
        if message.kind == "sms":
            payload = {"id": message_id, "to": message.to, "text": message.text, "sentAt": int(now)}
            data = json.dumps(payload, ensure_ascii=False, indent=2).encode()
            name = f"{stem}.sms.json"
        else:
            data = as_mime(message, self.sender, message_id, now)
            name = f"{stem}.eml"
        temporary = self.directory / f".{name}.tmp"
        temporary.write_bytes(data)
        os.replace(temporary, self.directory / name)  # whole files only: a reader never sees half a message
        return message_id

    def entries(self) -> list[OutboxEntry]:
        """What the outbox holds, oldest first."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in sorted(self.directory.iterdir()):
            if path.name.endswith(".sms.json"):
                data = json.loads(path.read_text())
                found.append(OutboxEntry(path, "sms", data["to"], None, float(data["sentAt"])))
            elif path.suffix == ".eml":
                from email import policy
                from email.parser import BytesParser

                parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes(), headersonly=True)
                written = int(path.name.split("-", 1)[0]) / 1000
                found.append(OutboxEntry(path, "email", str(parsed["To"]), str(parsed["Subject"]), written))
        return found
