"""Encryption and pseudonyms for what the queue must keep on disk.

Everything about a family that reaches the SQLite file (the return address of
an open ticket, their words, a volunteer's reply waiting to be sent) is sealed
with a key derived from `HELPDESK_SECRET`, so a copy of the file alone tells
nobody who asked what. Lookups ("does this person have an open ticket?") use a
keyed hash, a pseudonym, which cannot be turned back into an id without the
secret.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

MIN_SECRET_CHARS = 16
SECRET_FILE = "secret.key"


class SecretError(Exception):
    """A setting about the secret is wrong; the message is one line for the operator."""


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"helpdesk",
                info=purpose).derive(secret.encode())


class Sealer:
    def __init__(self, secret: str):
        if len(secret) < MIN_SECRET_CHARS:
            raise SecretError(f"HELPDESK_SECRET is too short: use at least {MIN_SECRET_CHARS} "
                              "random characters")
        self._fernet = Fernet(base64.urlsafe_b64encode(_derive(secret, b"seal")))
        self._pseudonym_key = _derive(secret, b"pseudonym")

    def seal(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode())

    def open(self, token: bytes) -> str:
        return self._fernet.decrypt(token).decode()

    def can_open(self, token: bytes) -> bool:
        try:
            self.open(token)
        except InvalidToken:
            return False
        return True

    def pseudonym(self, *parts: str) -> str:
        """A stable keyed hash of e.g. (network, user id): the same person, the same value."""
        message = "\x1f".join(parts).encode()
        return hmac.new(self._pseudonym_key, message, hashlib.sha256).hexdigest()[:32]


def load_secret(data_dir: Path | None) -> str:
    """HELPDESK_SECRET, or the one kept in the data folder, created on first start."""
    configured = os.environ.get("HELPDESK_SECRET", "").strip()
    if configured:
        return configured
    if data_dir is None:  # the console keeps nothing on disk: a secret for this run only
        return secrets.token_urlsafe(32)
    path = data_dir / SECRET_FILE
    if path.is_file():
        return path.read_text().strip()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_urlsafe(32) + "\n")
    log.warning("HELPDESK_SECRET is not set: created a new secret in the data folder (%s). "
                "Keep it with the data; without it open tickets cannot be read.", SECRET_FILE)
    return path.read_text().strip()
