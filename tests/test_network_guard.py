"""The conftest guard: a test that tries to reach beyond loopback is refused and failed."""

from __future__ import annotations

import socket

import pytest
from conftest import REACHED_NETWORK


def test_a_connection_beyond_loopback_is_refused_and_recorded(
        request: pytest.FixtureRequest) -> None:
    reached = request.config.stash[REACHED_NETWORK]
    before = len(reached)
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError, match="127.0.0.1"):
        sock.connect(("192.0.2.7", 443))  # TEST-NET-1: never routed
    assert reached[before:] == [("192.0.2.7", 443)]
    del reached[before:]  # this test meant to: the guard's after-test check must pass


def test_loopback_still_connects() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
