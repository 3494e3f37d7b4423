"""settings: one typed place for every environment variable, and one table of listeners."""

from __future__ import annotations

from pathlib import Path

import pytest

import settings
from settings import ports, table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_no_two_listeners_share_a_default_port_and_all_bind_to_loopback():
    defaults = [listener.default_port for listener in ports.LISTENERS]
    assert len(defaults) == len(set(defaults)), defaults
    assert {listener.default_host for listener in ports.LISTENERS} == {"127.0.0.1"}


def test_every_variable_and_listener_is_documented_in_the_readme():
    text = README.read_text(encoding="utf-8")
    missing = [v.metadata["env"] for v in settings.VARIABLES if f"`{v.metadata['env']}`" not in text]
    assert missing == []
    assert table.listeners_markdown() in text and table.variables_markdown() in text, "run `python -m settings`"


def test_values_are_read_once_typed_and_re_read_on_reload(set_env, monkeypatch):
    set_env(OFFICE_PORT="9123", OFFICE_TRUST_PROXY="1", GAPS_LOW_CONFIDENCE="0.4")
    config = settings.get()
    assert (config.office_port, config.office_trust_proxy, config.gaps_low_confidence) == (9123, True, 0.4)
    monkeypatch.setenv("OFFICE_PORT", "9124")
    assert settings.get().office_port == 9123  # read once
    assert settings.reload().office_port == 9124


def test_a_malformed_number_is_refused_with_its_name(set_env):
    with pytest.raises(SystemExit, match="OFFICE_PORT"):
        set_env(OFFICE_PORT="tám nghìn")


def test_secrets_are_kept_out_of_the_repr(set_env):
    set_env(PRIVACY_SECRET="rat-bi-mat", TELEGRAM_BOT_TOKEN="123:abc")
    shown = repr(settings.get())
    assert "rat-bi-mat" not in shown and "123:abc" not in shown
