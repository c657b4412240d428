"""'Wiped' means unrecoverable (issue 13, finding 3).

After a typed payment through the HTTP API, an attacker holding a copy of the whole data dir
(the SQLite files with their WAL, the key store, `vault.key`, the audit log) tries every sealed
blob any byte of it still holds with every key found there: none opens. The per-session data
keys the vault used are in no file any more, and every file is the owner's alone.
"""

from __future__ import annotations

import base64
import re
import sqlite3
import stat
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi.testclient import TestClient

from paybot_channels.connect.channel import PhoneChannel
from paybot_channels.connect.handler import respond
from paybot_channels.connect.simulator import CallSimulator, ConnectStyleEncryptor, Keypad, load_flow
from paybot_channels.web.app import create_app
from paybot_core import Settings, build
from paybot_core.pci.vault import CardVault, SqliteSessionKeys, decode_key

from .leaks import all_digits

PAN = "4929854192326189"
# A sealed card as the session row serialises it: the blob and its expiry (the associated data).
SEALED = re.compile(rb'"blob":"(v\d\.[A-Za-z0-9_\-=]+)","expires_at":([0-9.]+)')


class RecordingKeys(SqliteSessionKeys):
    """The real key store, remembering each wrapped key it was given (what an attacker would want)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.given: list[bytes] = []

    def put(self, session_id: str, wrapped: bytes, expires_at: float) -> None:
        self.given.append(wrapped)
        super().put(session_id, wrapped, expires_at)


def _pay_by_typing(data_dir: Path, keys: RecordingKeys | None) -> str:
    settings = Settings(data_dir=data_dir, allow_typed_card_entry=True)
    vault = None
    if keys is not None:
        vault = CardVault(decode_key((data_dir / "vault.key").read_text().strip()), keys)
    services = build(settings, vault=vault) if vault else build(settings)
    with TestClient(create_app(services, sweep_expired=False)) as client:
        session_id = client.post("/v1/sessions", json={"cardEntry": "typed", "amount": 5000}).json()[
            "sessionId"
        ]
        # The code before the expiry: it is sealed in two states before tokenization.
        for message in ("Jane Doe", f"{PAN}", "cvv 846", "12/30", "yes"):
            reply = client.post("/v1/chat", json={"sessionId": session_id, "message": message})
            assert reply.status_code == 200
        assert reply.json()["status"] == "completed"
    return session_id


def _attempts(data_dir: Path, session_id: str, vault_key: bytes) -> list[str]:
    """What the attacker opens: sealed blobs from any file's bytes, with every key material found."""
    opened = []
    raw = b"".join(p.read_bytes() for p in sorted(data_dir.rglob("*")) if p.is_file())
    blobs = {(m.group(1).decode(), float(m.group(2))) for m in SEALED.finditer(raw)}
    keys_db = data_dir / "session_keys.sqlite3"
    wrapped = []
    if keys_db.exists():
        with sqlite3.connect(keys_db) as conn:
            wrapped = [bytes(r[0]) for r in conn.execute("SELECT wrapped FROM session_keys")]
    for blob, expires_at in blobs:
        associated = f"paybot-vault|{session_id}|{expires_at:.3f}".encode()
        data = base64.urlsafe_b64decode(blob.partition(".")[2])
        candidates = [vault_key]  # the old scheme: the vault key sealed the card itself
        for w in wrapped:
            try:
                candidates.append(AESGCM(vault_key).decrypt(w[:12], w[12:], associated))
            except InvalidTag:
                continue
        for key in candidates:
            try:
                opened.append(AESGCM(key).decrypt(data[:12], data[12:], associated).decode())
            except InvalidTag:
                continue
    return opened


def test_after_a_typed_payment_nothing_under_the_data_dir_opens_with_any_key_found_there(tmp_path) -> None:
    build(Settings(data_dir=tmp_path))  # creates vault.key
    keys = RecordingKeys(tmp_path / "session_keys.sqlite3")
    session_id = _pay_by_typing(tmp_path, keys)
    vault_key = decode_key((tmp_path / "vault.key").read_text().strip())
    assert _attempts(tmp_path, session_id, vault_key) == []
    assert len(keys.given) >= 3  # each seal had a fresh key, and none of them is left in any file
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(w in data for w in keys.given), path.name
            assert PAN.encode() not in data and PAN not in all_digits(data.decode("latin-1")), path.name


def test_the_wiped_session_s_blobs_were_really_written_and_really_shredded(tmp_path) -> None:
    """The attack above is not vacuous: while the card is held, the same attacker opens it."""
    build(Settings(data_dir=tmp_path))
    vault_key = decode_key((tmp_path / "vault.key").read_text().strip())
    services = build(Settings(data_dir=tmp_path, allow_typed_card_entry=True))
    with TestClient(create_app(services, sweep_expired=False)) as client:
        session_id = client.post("/v1/sessions", json={"cardEntry": "typed", "amount": 5000}).json()[
            "sessionId"
        ]
        for message in ("Jane Doe", PAN, "cvv 846"):
            client.post("/v1/chat", json={"sessionId": session_id, "message": message})
        opened = _attempts(tmp_path, session_id, vault_key)
        assert any(PAN in text for text in opened)


def test_data_files_are_the_owner_s_alone(tmp_path) -> None:
    data_dir = tmp_path / "data"
    _pay_by_typing(data_dir, None)
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert {p.name for p in files} >= {"sessions.sqlite3", "session_keys.sqlite3", "audit.jsonl", "vault.key"}
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def _keys_left(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "session_keys.sqlite3") as conn:
        return int(conn.execute("SELECT count(*) FROM session_keys").fetchone()[0])


@pytest.mark.parametrize(
    "messages",
    [
        ("Jane Doe", PAN, "cvv 846", "12/30", "yes"),
        ("Jane Doe", f"{PAN} 12/30 846", "yes"),  # sealed and tokenized within one turn
    ],
    ids=["field by field", "one message"],
)
def test_no_data_key_outlives_a_typed_payment(tmp_path: Path, messages: tuple[str, ...]) -> None:
    services = build(Settings(data_dir=tmp_path, allow_typed_card_entry=True))
    with TestClient(create_app(services, sweep_expired=False)) as client:
        session = client.post("/v1/sessions", json={"cardEntry": "typed", "amount": 5000}).json()["sessionId"]
        for message in messages:
            assert client.post("/v1/chat", json={"sessionId": session, "message": message}).status_code == 200
    assert client.get(f"/v1/sessions/{session}").json()["status"] == "completed"
    assert _keys_left(tmp_path) == 0


def test_no_data_key_outlives_a_phone_payment(tmp_path: Path) -> None:
    """The keypad's card (after 1 for English) is sealed and tokenized in the one step that submits it."""
    encryptor = ConnectStyleEncryptor()
    services = build(Settings(data_dir=tmp_path))
    channel = PhoneChannel(services, encryptor.decryptor())
    call = CallSimulator(
        load_flow(), lambda event: respond(channel, event), Keypad(f"1{PAN}#1230#846#1"), encrypt=encryptor
    ).run()
    assert call.outcome == "completed"
    assert _keys_left(tmp_path) == 0
