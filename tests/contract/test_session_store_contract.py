"""One contract for every SessionStore: memory, SQLite, DynamoDB (moto server over HTTP)."""

from __future__ import annotations

import threading
import uuid

import pytest

from paybot_core.adapters.sqlite_store import SqliteSessionStore
from paybot_core.conversation.state import (
    CardEntry,
    CardSummary,
    Channel,
    Limits,
    Phase,
    Presets,
    SealedCardRef,
    SessionState,
)
from paybot_core.errors import SessionExistsError, VersionConflictError
from paybot_core.ports import SessionStore
from tests.contract.conftest import NOW, new_session_id


def new_state(session_id: str | None = None, expires_in: float = 900) -> SessionState:
    return SessionState(
        session_id=session_id or new_session_id(),
        channel=Channel.WEB,
        presets=Presets(card_entry=CardEntry.TYPED),
        limits=Limits(),
        created_at=NOW,
        updated_at=NOW,
        expires_at=NOW + expires_in,
    )


def test_create_then_load_gives_version_one(store: SessionStore) -> None:
    state = new_state()
    created = store.create(state)
    assert created.version == 1
    assert store.load(state.session_id) == created


def test_load_of_an_unknown_id_is_none(store: SessionStore) -> None:
    assert store.load("ses_doesnotexist") is None


def test_create_twice_is_refused(store: SessionStore) -> None:
    state = new_state()
    store.create(state)
    with pytest.raises(SessionExistsError):
        store.create(state)


def test_save_with_the_version_read_bumps_it(store: SessionStore) -> None:
    created = store.create(new_state())
    saved = store.save(created.evolve(name="Jane Doe", amount=5000), expected_version=1)
    assert saved.version == 2
    loaded = store.load(created.session_id)
    assert loaded is not None and (loaded.name, loaded.amount, loaded.version) == ("Jane Doe", 5000, 2)


def test_save_with_a_stale_version_conflicts_and_changes_nothing(store: SessionStore) -> None:
    created = store.create(new_state())
    store.save(created.evolve(name="First Writer"), expected_version=1)
    with pytest.raises(VersionConflictError):
        store.save(created.evolve(name="Second Writer"), expected_version=1)
    loaded = store.load(created.session_id)
    assert loaded is not None and loaded.name == "First Writer"


def test_concurrent_saves_of_one_version_let_exactly_one_win(store: SessionStore) -> None:
    created = store.create(new_state())
    outcomes: list[str] = []
    barrier = threading.Barrier(4)

    def writer(index: int) -> None:
        barrier.wait()
        try:
            store.save(created.evolve(name=f"Writer {'abcd'[index]}"), expected_version=1)
            outcomes.append("won")
        except VersionConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "won"]
    loaded = store.load(created.session_id)
    assert loaded is not None and loaded.version == 2


def test_sealed_card_round_trips_and_is_removed_when_cleared(store: SessionStore) -> None:
    created = store.create(new_state())
    sealed = SealedCardRef("v1.c2VhbGVkLWJ5LXRoZS12YXVsdA", NOW + 600)
    with_card = store.save(
        created.evolve(sealed_card=sealed, typed_card_fields=("number",)), expected_version=1
    )
    loaded = store.load(created.session_id)
    assert loaded is not None and loaded.sealed_card == sealed
    store.save(
        with_card.evolve(sealed_card=None, card=CardSummary("visa", "4242", 12, 2030)), expected_version=2
    )
    loaded = store.load(created.session_id)
    assert (
        loaded is not None
        and loaded.sealed_card is None
        and loaded.card == CardSummary("visa", "4242", 12, 2030)
    )


def test_expired_session_ids_lists_live_sessions_past_expiry_only(store: SessionStore) -> None:
    expired = store.create(new_state(expires_in=-10))
    live = store.create(new_state(expires_in=900))
    ended = store.create(new_state(expires_in=-10))
    store.save(ended.evolve(phase=Phase.COMPLETED), expected_version=1)
    found = set(store.expired_session_ids(NOW, limit=1000))
    assert expired.session_id in found
    assert live.session_id not in found
    assert ended.session_id not in found


def test_tidy_is_safe_to_call_at_any_time(store: SessionStore) -> None:
    store.tidy()
    created = store.create(new_state())
    store.tidy()
    assert store.load(created.session_id) == created


def test_sqlite_tidy_moves_a_wiped_card_out_of_the_wal(tmp_path) -> None:
    """The save that drops a sealed card stays fast; the sweeper's tidy then leaves no old frame."""
    path = tmp_path / "sessions.sqlite3"
    store = SqliteSessionStore(path)
    blob = "v2." + uuid.uuid4().hex * 3  # stands for a sealed card: only its bytes matter here
    created = store.create(new_state())
    held = store.save(created.evolve(sealed_card=SealedCardRef(blob, NOW + 600)), expected_version=1)
    store.save(held.evolve(sealed_card=None), expected_version=2)
    wal = path.with_name(path.name + "-wal")
    assert blob.encode() in wal.read_bytes()  # the turn did not pay for a checkpoint
    store.tidy()
    files = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert blob.encode() not in files and wal.stat().st_size == 0
    loaded = store.load(created.session_id)
    assert loaded is not None and loaded.sealed_card is None and loaded.version == 3
    store.close()


def test_sqlite_sees_what_another_writer_saved_since_its_own_last_read(tmp_path) -> None:
    """Each store keeps the states it last wrote or read (by version): a row another process wrote
    since is read again, a sealed card that writer saved counts when this one drops it."""
    path = tmp_path / "sessions.sqlite3"
    mine, other = SqliteSessionStore(path), SqliteSessionStore(path)
    created = mine.create(new_state())
    assert mine.load(created.session_id) == created
    blob = "v2." + uuid.uuid4().hex * 3
    other.save(
        created.evolve(name="Ana Ruiz", sealed_card=SealedCardRef(blob, NOW + 600)), expected_version=1
    )
    loaded = mine.load(created.session_id)
    assert loaded is not None and loaded.name == "Ana Ruiz" and loaded.version == 2
    assert loaded.sealed_card is not None and loaded.sealed_card.blob == blob
    with pytest.raises(VersionConflictError):  # what it kept of version 1 is not what it saves against
        mine.save(created.evolve(name="Other"), expected_version=1)
    mine.save(loaded.evolve(sealed_card=None), expected_version=2)
    mine.tidy()  # the card the other writer sealed was dropped here: its frames go
    files = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert blob.encode() not in files
    assert other.load(created.session_id) == mine.load(created.session_id)
    mine.close()
    other.close()


def test_the_sweeper_tidies_the_store_after_a_typed_payment(tmp_path) -> None:
    from paybot_core import CardEntry as Entry
    from paybot_core import Presets as PaymentPresets
    from paybot_core import Say, Settings, build

    services = build(Settings(data_dir=tmp_path, allow_typed_card_entry=True))
    conversations = services.conversations
    session_id = conversations.start(PaymentPresets(amount=2500, card_entry=Entry.TYPED)).state.session_id
    for message in ("Ana Ruiz", "5555 5555 5555 4444", "03/31", "737", "yes"):
        reply = conversations.handle(session_id, Say(message))
    assert reply.state.status.value == "completed"
    wal = tmp_path / "sessions.sqlite3-wal"
    assert wal.stat().st_size > 0
    conversations.sweep_expired()
    assert wal.stat().st_size == 0
