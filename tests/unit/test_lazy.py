"""`Lazy` and the lazy ports: made once on first use, retried after a failure, thread-safe."""

from __future__ import annotations

import threading
import time

import pytest

from paybot_core.adapters.sandbox_gateway import SandboxGateway
from paybot_core.lazy import Lazy, LazyClient, LazyGateway
from paybot_core.pci.vault import CardVault
from paybot_core.ports import CardDetails


def test_the_factory_runs_once_on_first_use_however_many_threads_race() -> None:
    calls = []

    def make() -> object:
        calls.append(1)
        time.sleep(0.01)
        return object()

    lazy = Lazy(make)
    assert not lazy.made and calls == []
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(lazy.get())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert calls == [1] and lazy.made
    assert all(value is seen[0] for value in seen)


def test_a_factory_that_failed_is_tried_again() -> None:
    answers = iter([RuntimeError("secret unreachable"), "key"])

    def make() -> str:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    lazy = Lazy(make)
    with pytest.raises(RuntimeError):
        lazy.get()
    assert not lazy.made
    assert lazy.get() == "key"


def test_a_lazy_client_is_created_on_its_first_method_call() -> None:
    created = []

    class Client:
        def describe(self) -> str:
            return "ok"

    client = LazyClient(lambda: created.append(1) or Client())
    assert created == []
    assert client.describe() == "ok" and client.describe() == "ok"
    assert created == [1]


def test_a_lazy_gateway_builds_on_the_first_call_and_delegates() -> None:
    built = []
    gateway = LazyGateway(lambda: built.append(1) or SandboxGateway())
    assert not gateway.built
    pm, summary = gateway.create_payment_method(
        CardDetails("4242424242424242", 12, 2030, "123"), idempotency_key="k1"
    )
    assert gateway.describe_payment_method(pm) == summary and built == [1]


def test_the_vault_asks_for_its_key_when_it_first_seals() -> None:
    asked = []
    vault = CardVault(lambda: asked.append(1) or b"k" * 32)
    assert asked == []
    sealed = vault.seal("ses_1", {"number": "4242424242424242"}, expires_at=time.time() + 60)
    assert vault.open("ses_1", sealed, time.time()) == {"number": "4242424242424242"}
    assert asked == [1]


def test_a_vault_key_of_the_wrong_size_is_refused_at_construction_or_first_use() -> None:
    from paybot_core.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        CardVault(b"short")
    lazy = CardVault(lambda: b"short")
    with pytest.raises(ConfigurationError):
        lazy.seal("ses_1", {}, expires_at=time.time() + 60)
