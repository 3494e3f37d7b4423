"""tests/socket_table.py reads real listeners from the kernel's table."""

from __future__ import annotations

import socket

from tests.socket_table import listening_addresses, only_on_loopback


def test_a_loopback_listener_is_seen_on_loopback_only():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert listening_addresses(port) == {"127.0.0.1"} and only_on_loopback({"127.0.0.1"})
    assert listening_addresses(port) == set()


def test_every_interface_or_nothing_is_not_loopback_only():
    assert not only_on_loopback({"0.0.0.0"}) and not only_on_loopback({"*"}) and not only_on_loopback(set())
    assert not only_on_loopback({"127.0.0.1", "192.0.2.7"}) and only_on_loopback({"::1", "127.0.0.1"})
