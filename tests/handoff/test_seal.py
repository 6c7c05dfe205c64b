"""The secret: created once when missing, readable by its owner only; the same person
always gets the same pseudonym, which reveals nothing without the secret."""

from __future__ import annotations

import logging
import stat

import pytest

from bot.handoff.seal import SECRET_FILE, Sealer, SecretError, load_secret


def test_a_missing_secret_is_created_once_in_the_data_folder_and_announced(
        tmp_path, monkeypatch, caplog):
    monkeypatch.delenv("HELPDESK_SECRET", raising=False)
    with caplog.at_level(logging.WARNING):
        first = load_secret(tmp_path)
    assert "created a new secret" in caplog.text and first not in caplog.text
    path = tmp_path / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret(tmp_path) == first  # the second start reads the same one
    monkeypatch.setenv("HELPDESK_SECRET", "from-the-environment-0123")
    assert load_secret(tmp_path) == "from-the-environment-0123"


def test_pseudonyms_are_stable_per_secret_and_sealing_round_trips():
    a, b = Sealer("secret-one-0123456789"), Sealer("secret-two-0123456789")
    assert a.pseudonym("telegram", "5550001") == a.pseudonym("telegram", "5550001")
    assert a.pseudonym("telegram", "5550001") != b.pseudonym("telegram", "5550001")
    assert a.pseudonym("telegram", "5550001") != a.pseudonym("signal", "5550001")
    assert "5550001" not in a.pseudonym("telegram", "5550001")
    token = a.seal("chat 5550001")
    assert b"5550001" not in token and a.open(token) == "chat 5550001"
    assert not b.can_open(token)
    with pytest.raises(SecretError, match="too short"):
        Sealer("short")
