"""Settings from the environment, checked once at start-up.

A wrong or missing setting stops start-up with one line that names it; the bot
never half-starts. Documented in README.md and deploy/env.example.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")


class SettingsError(Exception):
    """One line for the operator: which setting, what is wrong, what to do."""


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    base_url: str | None
    volunteer_chat: int
    allowlist: frozenset[int]  # empty: every member of the volunteers' group


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    telegram: TelegramSettings | None

    @property
    def database(self) -> Path:
        return self.data_dir / "helpdesk.sqlite3"


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env

    def get(name: str) -> str:
        return env.get(name, "").strip()

    data_dir = Path(get("HELPDESK_DATA_DIR") or "data").expanduser()
    telegram = None
    token = get("HELPDESK_TELEGRAM_TOKEN")
    if token:
        if not TOKEN.match(token):
            raise SettingsError("HELPDESK_TELEGRAM_TOKEN does not look like a bot token "
                                "(digits, a colon, then letters: ask @BotFather)")
        chat = get("HELPDESK_TELEGRAM_VOLUNTEER_CHAT")
        if not chat:
            raise SettingsError("HELPDESK_TELEGRAM_VOLUNTEER_CHAT is missing: set it to the id of "
                                "the volunteers' supergroup (a negative number like -100123...)")
        if not re.fullmatch(r"-\d+", chat):
            raise SettingsError("HELPDESK_TELEGRAM_VOLUNTEER_CHAT must be a group id: a negative "
                                "number like -1001234567890")
        base_url = get("HELPDESK_TELEGRAM_BASE_URL") or None
        if base_url and not re.match(r"^https?://[^/\s]+", base_url):
            raise SettingsError("HELPDESK_TELEGRAM_BASE_URL must be an http(s) address like "
                                "http://127.0.0.1:8081/bot")
        allow = get("HELPDESK_TELEGRAM_VOLUNTEERS")
        ids = [part.strip() for part in allow.split(",") if part.strip()]
        if not all(re.fullmatch(r"\d+", i) for i in ids):
            raise SettingsError("HELPDESK_TELEGRAM_VOLUNTEERS must be Telegram user ids separated "
                                "by commas (or empty: every member of the group)")
        telegram = TelegramSettings(token, base_url, int(chat), frozenset(int(i) for i in ids))
    elif get("HELPDESK_TELEGRAM_VOLUNTEER_CHAT"):
        raise SettingsError("HELPDESK_TELEGRAM_VOLUNTEER_CHAT is set but HELPDESK_TELEGRAM_TOKEN "
                            "is missing")
    return Settings(data_dir=data_dir, telegram=telegram)


def prepare_data_dir(path: Path) -> None:
    """Create the data folder, readable by this user only."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise SettingsError(f"HELPDESK_DATA_DIR: cannot create {path} ({exc.strerror})") from exc
    if not os.access(path, os.W_OK):
        raise SettingsError(f"HELPDESK_DATA_DIR: {path} is not writable")
