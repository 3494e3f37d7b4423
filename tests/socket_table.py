"""What listens where, read from the kernel's socket table (`ss`), never by connecting.

Why not connect to the machine's network address to see that nothing answers there: that
address is the machine's real network, shared with everything else on it (and a test
must not depend on, or send traffic to, whatever routes there); a refused connection also
proves little (a firewall refuses too). The socket table says exactly which address each
listener is bound to."""

from __future__ import annotations

import ipaddress
import subprocess


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the TCP sockets listening on `port` (IPv6 without brackets)."""
    output = subprocess.run(["ss", "-H", "-l", "-t", "-n", f"sport = :{port}"], capture_output=True, text=True, check=True).stdout
    addresses = set()
    for line in output.splitlines():
        local = line.split()[3]  # State Recv-Q Send-Q Local:Port Peer:Port
        host = local.rsplit(":", 1)[0].strip("[]").split("%")[0]
        addresses.add(host)
    return addresses


def only_on_loopback(addresses: set[str]) -> bool:
    """Every address is a loopback one (127.0.0.0/8, ::1); `*` or 0.0.0.0 is every interface."""
    return bool(addresses) and all(host not in ("*", "") and ipaddress.ip_address(host).is_loopback for host in addresses)
