"""The suite talks to loopback only: pytest-socket (`--allow-hosts` in pyproject.toml) refuses the rest."""

from __future__ import annotations

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


@pytest.mark.parametrize("address", [("192.0.2.1", 443), ("2001:db8::1", 443)])
def test_a_connection_off_the_machine_is_refused(address: tuple[str, int]) -> None:
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with (
        socket.socket(family, socket.SOCK_STREAM) as sock,
        pytest.warns(UserWarning, match="tried to use socket.socket.connect"),  # an error in the suite
        pytest.raises(SocketConnectBlockedError),
    ):
        sock.connect(address)


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
