"""The vault: typed card fields sealed with AES-GCM between turns, under a key per session.

Wiping is crypto-shredding. Every seal draws a fresh random data key for its session, and the
data key lives only in a key store (`SessionKeys`), apart from the session store, wrapped by
the vault's own key. The session store, its WAL, its freed pages and its backups hold only
ciphertext; `shred` deletes the session's data key (the key stores overwrite what they delete
and keep no journal of it), after which no key anywhere, the vault's own included, opens what
was sealed. A superseded seal is shredded the same way the moment the next one replaces its key.

A sealed blob is bound to its session id and to its own expiry through the AES-GCM associated
data, so a blob copied into another session, or kept past its time, does not open. The vault
key comes from settings (or from a key file in the data dir for local use).
"""

from __future__ import annotations

import base64
import functools
import json
import logging
import os
import secrets
import sqlite3
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..errors import ConfigurationError, VaultError
from ..lazy import Lazy
from .files import private_file

KEY_BYTES = 32
NONCE_BYTES = 12
_VERSION = "v2"
# Built once: json.dumps with options builds an encoder per call, json.loads of bytes detects
# their encoding first (a seal and an open happen on most card turns).
_FIELDS_TO_JSON = json.JSONEncoder(separators=(",", ":")).encode
_FIELDS_FROM_JSON = json.JSONDecoder().decode

_log = logging.getLogger(__name__)

# cryptography (its Rust bindings) is imported when a key is first used: a session's first
# answer, and every phone step but the card's, seal nothing (bench/README.md, cold starts).
if TYPE_CHECKING:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class SessionKeys(Protocol):
    """Where per-session data keys live (wrapped), apart from the sealed data; deletes for good."""

    def put(self, session_id: str, wrapped: bytes, expires_at: float) -> None:
        """Store (or replace, destroying the old) the session's wrapped data key."""
        ...

    def get(self, session_id: str, now: float) -> bytes | None:
        """The wrapped data key, or None when there is none or it expired."""
        ...

    def destroy(self, session_id: str) -> None: ...

    def purge_expired(self, now: float) -> int:
        """Destroy every key past its expiry; how many."""
        ...


class MemorySessionKeys:
    """Data keys in a dict: for one process (tests, `paybot chat`, the memory store)."""

    def __init__(self) -> None:
        self._keys: dict[str, tuple[bytes, float]] = {}
        self._lock = threading.Lock()

    def put(self, session_id: str, wrapped: bytes, expires_at: float) -> None:
        with self._lock:
            self._keys[session_id] = (wrapped, expires_at)

    def get(self, session_id: str, now: float) -> bytes | None:
        with self._lock:
            entry = self._keys.get(session_id)
        return entry[0] if entry and now < entry[1] else None

    def destroy(self, session_id: str) -> None:
        with self._lock:
            self._keys.pop(session_id, None)

    def purge_expired(self, now: float) -> int:
        with self._lock:
            gone = [sid for sid, (_, exp) in self._keys.items() if exp <= now]
            for sid in gone:
                del self._keys[sid]
        return len(gone)

    def __len__(self) -> int:
        return len(self._keys)


class SqliteSessionKeys:
    """Data keys in their own SQLite file, shared by every process on the data dir.

    `secure_delete` overwrites a deleted or replaced key with zeros in the file, and the rollback
    journal lives in memory (`journal_mode=MEMORY`): no journal or WAL file ever holds a copy of a
    page, so a shredded key is in no file under the data dir.

    Nothing here is fsync-ed (`synchronous=OFF`), which is what keeps a seal at a few
    microseconds instead of two fsyncs per typed field. What that gives up is safe by design:
    a process crash loses nothing (the writes are in the OS's cache); a crash of the machine
    itself may lose the last seconds of key writes, and a lost key only means the payer types
    the card again. A machine crash in the middle of a write may leave the file unreadable, so
    a file that fails SQLite's check is zero-filled and started again (every key in it is
    thereby shredded, which again only asks for the card again).

    A `get` of a key this process wrote last is answered from memory while the file shows that
    nobody else wrote it since (`_KeysWrittenHere`): the usual turn opens what the same process
    sealed a turn before, and reads no row.
    """

    def __init__(self, path: Path) -> None:
        self.path = private_file(path)
        self._local = threading.local()
        try:
            self._create_table()
        except sqlite3.DatabaseError:
            self._start_again()
        self._written = _KeysWrittenHere(self.path)

    def _create_table(self) -> None:
        conn = self._conn()
        if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise sqlite3.DatabaseError("session key file failed quick_check")
        # WITHOUT ROWID: one b-tree keyed by the session id, so a put, get or destroy touches one
        # tree, not the table and its primary-key index (a file made before keeps its rowid table).
        conn.execute(
            "CREATE TABLE IF NOT EXISTS session_keys "
            "(session_id TEXT PRIMARY KEY, wrapped BLOB NOT NULL, expires_at REAL NOT NULL) WITHOUT ROWID"
        )

    def _start_again(self) -> None:
        """Zero-fill an unreadable key file and make a fresh one: its keys are shredded with it."""
        _log.warning("The session key file %s was unreadable; it was wiped and started again.", self.path)
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        size = self.path.stat().st_size
        with self.path.open("r+b") as file:
            file.write(bytes(size))
            file.flush()
            os.fsync(file.fileno())
        self.path.unlink()
        private_file(self.path)
        self._create_table()

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
            try:
                conn.execute("PRAGMA busy_timeout=10000")
                conn.execute("PRAGMA journal_mode=MEMORY")
                conn.execute("PRAGMA synchronous=OFF")
                conn.execute("PRAGMA secure_delete=ON")
            except sqlite3.DatabaseError:
                conn.close()
                raise
            self._local.conn = conn
        return conn

    def put(self, session_id: str, wrapped: bytes, expires_at: float) -> None:
        self._written.write(
            lambda: self._conn().execute(
                "INSERT OR REPLACE INTO session_keys (session_id, wrapped, expires_at) VALUES (?, ?, ?)",
                (session_id, wrapped, expires_at),
            ),
            session_id,
            (wrapped, expires_at),
        )

    def get(self, session_id: str, now: float) -> bytes | None:
        entry = self._written.get(session_id)
        if entry is None:
            row = (
                self._conn()
                .execute("SELECT wrapped, expires_at FROM session_keys WHERE session_id = ?", (session_id,))
                .fetchone()
            )
            entry = (bytes(row[0]), row[1]) if row else None
        return entry[0] if entry and now < entry[1] else None

    def destroy(self, session_id: str) -> None:
        self._written.write(
            lambda: self._conn().execute("DELETE FROM session_keys WHERE session_id = ?", (session_id,)),
            session_id,
            None,
        )

    def purge_expired(self, now: float) -> int:
        purged: list[int] = []

        def purge() -> sqlite3.Cursor:
            cursor = self._conn().execute("DELETE FROM session_keys WHERE expires_at <= ?", (now,))
            purged.append(cursor.rowcount)
            return cursor

        self._written.write(purge, None, None, expired_at=now)
        return purged[0]


class _KeysWrittenHere:
    """The wrapped keys this process wrote to a key file, kept while nobody else writes the file.

    SQLite bumps the file change counter (bytes 24-27 of the header) on every write transaction
    in rollback-journal mode, the key file's mode; it is documented for exactly this, telling a
    process that another one changed the file. So a key this process wrote is the file's own while
    the counter still reads what it read right after that write; a `get` then needs no statement
    (the counter is one `pread`). Any write by another connection, or a file zero-filled and
    started again, changes the counter, and everything remembered is forgotten at the next look.
    This process's own replace or destroy of a key removes the entry at once, so a shredded key is
    no more here than in the file. The entries are the wrapped keys the file holds (sealed by the
    vault key), never a data key in the clear.
    """

    def __init__(self, path: Path) -> None:
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)
        self._keys: dict[str, tuple[bytes, float]] = {}
        self._counter: int | None = None  # the file's counter after our last write, if only ours since
        self._lock = threading.Lock()

    def _read_counter(self) -> int:
        return int.from_bytes(os.pread(self._fd, 4, 24), "big")

    def write(
        self,
        statement: Callable[[], sqlite3.Cursor],
        session_id: str | None,
        entry: tuple[bytes, float] | None,
        *,
        expired_at: float | None = None,
    ) -> None:
        """Run one autocommit write and remember what it left (`entry` for `session_id`, or its absence)."""
        with self._lock:
            before = self._read_counter()
            changed = statement().rowcount > 0
            after = self._read_counter()
            alone = after == (before + changed) & 0xFFFFFFFF  # nobody wrote between the two reads
            if before != self._counter or not alone:
                self._keys.clear()  # another connection wrote since our last write
            self._counter = after if alone else None
            if session_id is not None:
                self._keys.pop(session_id, None)
                if entry is not None and alone:
                    self._keys[session_id] = entry
            if expired_at is not None:
                for gone in [sid for sid, (_, expires_at) in self._keys.items() if expires_at <= expired_at]:
                    del self._keys[gone]

    def get(self, session_id: str) -> tuple[bytes, float] | None:
        """The entry this process wrote for `session_id`, if still the file's; None: read the file."""
        with self._lock:
            entry = self._keys.get(session_id)
            if entry is None:
                return None
            if self._read_counter() != self._counter:
                self._keys.clear()
                self._counter = None
                return None
            return entry


@dataclass(frozen=True)
class SealedCard:
    """Ciphertext of the card fields typed so far; safe to store, useless without the session's key."""

    blob: str
    expires_at: float


class CardVault:
    """Seals and opens typed card fields. One instance per process, shared by all sessions.

    `key` may be a callable giving the key, called on first use (a key in Secrets Manager is
    fetched when the first typed card needs it, not on every cold start).
    """

    def __init__(self, key: bytes | Callable[[], bytes], keys: SessionKeys | None = None) -> None:
        if isinstance(key, bytes):
            wrapping = _wrapping_key(key)
            self._wrapping = Lazy(lambda: wrapping)
        else:
            self._wrapping = Lazy(lambda: _wrapping_key(key()))
        self.keys: SessionKeys = keys if keys is not None else MemorySessionKeys()

    def forget_key(self) -> None:
        """Read the key again on next use (a key given as a callable: one from Secrets Manager).

        A copy restored from a SnapStart snapshot calls this, so it seals under the vault key as it is
        now, not as it was when the snapshot was taken.
        """
        self._wrapping.forget()

    def seal(self, session_id: str, fields: dict[str, str], expires_at: float) -> SealedCard:
        aesgcm, _ = _aead()
        # The data key and both nonces from one draw (one getrandom call, not three).
        drawn = os.urandom(KEY_BYTES + 2 * NONCE_BYTES)
        data_key, wrap_nonce, nonce = drawn[:KEY_BYTES], drawn[KEY_BYTES:-NONCE_BYTES], drawn[-NONCE_BYTES:]
        associated = _associated_data(session_id, expires_at)
        self.keys.put(
            session_id,
            wrap_nonce + self._wrapping.get().encrypt(wrap_nonce, data_key, associated),
            expires_at,
        )
        plaintext = _FIELDS_TO_JSON(fields).encode()
        ciphertext = aesgcm(data_key).encrypt(nonce, plaintext, associated)
        blob = f"{_VERSION}.{base64.urlsafe_b64encode(nonce + ciphertext).decode()}"
        return SealedCard(blob=blob, expires_at=expires_at)

    def open(self, session_id: str, sealed: SealedCard, now: float) -> dict[str, str]:
        """The sealed fields, or VaultError when expired, shredded, tampered with or from another session."""
        aesgcm, invalid_tag = _aead()
        if now >= sealed.expires_at:
            raise VaultError("The card details expired; please enter them again.")
        version, _, encoded = sealed.blob.partition(".")
        if version != _VERSION:
            raise VaultError("Sealed card data is in an unknown format.")
        wrapped = self.keys.get(session_id, now)
        if wrapped is None:
            raise VaultError("The card details were wiped; please enter them again.")
        associated = _associated_data(session_id, sealed.expires_at)
        raw = base64.urlsafe_b64decode(encoded)
        try:
            data_key = self._wrapping.get().decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], associated)
            plaintext = aesgcm(data_key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated)
        except invalid_tag:
            raise VaultError("Sealed card data could not be opened.") from None
        fields: dict[str, str] = _FIELDS_FROM_JSON(plaintext.decode())
        return fields

    def shred(self, session_id: str) -> None:
        """Destroy the session's data key: whatever it sealed, wherever a copy lies, stays shut."""
        self.keys.destroy(session_id)

    def purge_expired(self, now: float) -> int:
        return self.keys.purge_expired(now)


@functools.cache
def _aead() -> tuple[type[AESGCM], type[InvalidTag]]:
    """cryptography's AES-GCM and its tag error, imported on first use and then kept: an import
    statement in `seal` and `open` cost more than the decryption (about 25 us a turn, cold)."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM, InvalidTag


def _wrapping_key(key: bytes) -> AESGCM:
    if len(key) != KEY_BYTES:
        raise ConfigurationError("The vault key must be 32 bytes (base64-encoded in PAYBOT_VAULT_KEY).")
    aesgcm, _ = _aead()
    return aesgcm(key)


def _associated_data(session_id: str, expires_at: float) -> bytes:
    return f"paybot-vault|{session_id}|{expires_at:.3f}".encode()


def decode_key(encoded: str) -> bytes:
    """A base64 (standard or url-safe) 32-byte key."""
    try:
        key = base64.b64decode(
            encoded + "=" * (-len(encoded) % 4), altchars=b"-_" if "-" in encoded or "_" in encoded else None
        )
    except ValueError:
        raise ConfigurationError("PAYBOT_VAULT_KEY is not valid base64.") from None
    if len(key) != KEY_BYTES:
        raise ConfigurationError(f"PAYBOT_VAULT_KEY must decode to {KEY_BYTES} bytes, not {len(key)}.")
    return key


def load_or_create_key_file(path: Path) -> bytes:
    """The local key: read from `path`, or generated there (mode 0600) on first run."""
    if path.exists():
        return decode_key(path.read_text().strip())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(key).decode() + "\n")
    return key
