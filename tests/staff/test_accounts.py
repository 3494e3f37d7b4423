"""Login throttling in staff.accounts, on a real database: which failures block whom, and
the delay that failures on one name from many addresses add (a wait, never a lock)."""

from __future__ import annotations

from staff import accounts

PASSWORD = "mat-khau-thu-nghiem"


def _fail(url: str, address: str, times: int = 1, username: str = "canbo.a") -> None:
    for _ in range(times):
        assert accounts.log_in(username, "doan-mo-mat-khau", address, url=url) is None


def test_failures_from_many_addresses_add_a_growing_delay_not_a_block(catalog_url, set_env):
    set_env(OFFICE_LOGIN_MAX_DELAY_SECONDS="6")
    accounts.add_user("canbo.a", PASSWORD, "school", ["QN-VHBM"], url=catalog_url)
    delays = []
    for n in range(8):
        _fail(catalog_url, f"192.0.2.{n}")
        throttle = accounts.login_throttle("canbo.a", "198.51.100.7", url=catalog_url)
        assert throttle.blocked is None
        delays.append(throttle.delay_seconds)
    assert delays == [0, 0, 0, 0, 1, 2, 4, 6]  # doubles past OFFICE_LOGIN_MAX_FAILURES, up to the ceiling
    assert accounts.login_throttle("canbo.b", "198.51.100.7", url=catalog_url).delay_seconds == 0  # other names


def test_the_block_is_for_the_name_from_that_address_and_a_success_clears_it(catalog_url):
    accounts.add_user("canbo.a", PASSWORD, "school", ["QN-VHBM"], url=catalog_url)
    _fail(catalog_url, "203.0.113.9", times=4)
    assert accounts.login_throttle("canbo.a", "203.0.113.9", url=catalog_url).blocked is None
    assert accounts.log_in("canbo.a", PASSWORD, "203.0.113.9", url=catalog_url) is not None  # clears those 4
    _fail(catalog_url, "203.0.113.9", times=4)
    assert accounts.login_throttle("canbo.a", "203.0.113.9", url=catalog_url).blocked is None
    _fail(catalog_url, "203.0.113.9")
    assert accounts.login_throttle("canbo.a", "203.0.113.9", url=catalog_url).blocked == "name"
    assert accounts.login_throttle("canbo.a", "198.51.100.7", url=catalog_url).blocked is None
    assert accounts.login_throttle("canbo.b", "203.0.113.9", url=catalog_url).blocked is None
    _fail(catalog_url, "203.0.113.9", times=11, username="ai-do")  # 20 failures from that address in all
    assert accounts.login_throttle("canbo.b", "203.0.113.9", url=catalog_url).blocked == "address"
