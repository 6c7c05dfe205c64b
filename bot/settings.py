"""Settings from the environment, checked once at start-up.

A wrong or missing setting stops start-up with one line that names it; the bot
never half-starts. Documented in README.md and deploy/env.example.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

TOKEN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")


class SettingsError(Exception):
    """One line for the operator: which setting, what is wrong, what to do."""


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    base_url: str | None
    volunteer_chat: int | None  # None: volunteers sit on Signal only
    allowlist: frozenset[int]  # empty: every member of the volunteers' group


@dataclass(frozen=True)
class SignalSettings:
    number: str  # the bot's own account, as signal-cli-rest-api knows it
    service: str  # host:port of signal-cli-rest-api
    https: bool
    volunteer_group: str | None  # None: volunteers sit on Telegram only
    disappearing_seconds: int | None  # timer set on each family's chat; None: left alone
    download_attachments: bool = False


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    telegram: TelegramSettings | None
    signal: SignalSettings | None = None

    @property
    def database(self) -> Path:
        return self.data_dir / "helpdesk.sqlite3"


def from_env(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env

    def get(name: str) -> str:
        return env.get(name, "").strip()

    data_dir = Path(get("HELPDESK_DATA_DIR") or "data").expanduser()
    signal = _signal(get)
    signal_room = signal is not None and signal.volunteer_group is not None
    telegram = None
    token = get("HELPDESK_TELEGRAM_TOKEN")
    if token:
        if not TOKEN.match(token):
            raise SettingsError("HELPDESK_TELEGRAM_TOKEN does not look like a bot token "
                                "(digits, a colon, then letters: ask @BotFather)")
        chat = get("HELPDESK_TELEGRAM_VOLUNTEER_CHAT")
        if not chat and not signal_room:
            raise SettingsError("HELPDESK_TELEGRAM_VOLUNTEER_CHAT is missing: set it to the id of "
                                "the volunteers' supergroup (a negative number like -100123...)")
        if chat and not re.fullmatch(r"-\d+", chat):
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
        telegram = TelegramSettings(token, base_url, int(chat) if chat else None,
                                    frozenset(int(i) for i in ids))
    elif get("HELPDESK_TELEGRAM_VOLUNTEER_CHAT"):
        raise SettingsError("HELPDESK_TELEGRAM_VOLUNTEER_CHAT is set but HELPDESK_TELEGRAM_TOKEN "
                            "is missing")
    if telegram is None and signal is not None and not signal_room:
        raise SettingsError("HELPDESK_SIGNAL_VOLUNTEER_GROUP is missing: with no Telegram "
                            "volunteers' group, the Signal group is where volunteers answer")
    return Settings(data_dir=data_dir, telegram=telegram, signal=signal)


DURATION = re.compile(r"^(\d+)\s*([smhdw])$")
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def _signal(get: Callable[[str], str]) -> SignalSettings | None:
    number = get("HELPDESK_SIGNAL_NUMBER")
    service = get("HELPDESK_SIGNAL_SERVICE")
    group = get("HELPDESK_SIGNAL_VOLUNTEER_GROUP") or None
    if not number:
        for name in ("HELPDESK_SIGNAL_SERVICE", "HELPDESK_SIGNAL_VOLUNTEER_GROUP"):
            if get(name):
                raise SettingsError(f"{name} is set but HELPDESK_SIGNAL_NUMBER is missing")
        return None
    if not re.fullmatch(r"\+\d{7,15}", number):
        raise SettingsError("HELPDESK_SIGNAL_NUMBER must be the bot's Signal number in "
                            "international form, like +31612345678")
    if not service:
        raise SettingsError("HELPDESK_SIGNAL_SERVICE is missing: set it to host:port of "
                            "signal-cli-rest-api, e.g. signal-cli:8080")
    https = service.startswith("https://")
    service = service.removeprefix("https://").removeprefix("http://").rstrip("/")
    if not re.fullmatch(r"[A-Za-z0-9.\-\[\]:]+:\d{1,5}", service):
        raise SettingsError("HELPDESK_SIGNAL_SERVICE must be host:port of signal-cli-rest-api, "
                            "e.g. signal-cli:8080 or 127.0.0.1:8080")
    timer = (get("HELPDESK_SIGNAL_DISAPPEARING") or "1w").lower()
    seconds: int | None = None
    if timer not in ("off", "0"):
        found = DURATION.match(timer)
        if not found or int(found[1]) == 0:
            raise SettingsError("HELPDESK_SIGNAL_DISAPPEARING must be a duration like 1w, 3d, "
                                "12h, or off")
        seconds = int(found[1]) * UNIT_SECONDS[found[2]]
    download = get("HELPDESK_SIGNAL_DOWNLOAD_ATTACHMENTS").lower() in ("1", "yes", "true", "on")
    return SignalSettings(number, service, https, group, seconds, download)


def prepare_data_dir(path: Path) -> None:
    """Create the data folder, readable by this user only."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise SettingsError(f"HELPDESK_DATA_DIR: cannot create {path} ({exc.strerror})") from exc
    if not os.access(path, os.W_OK):
        raise SettingsError(f"HELPDESK_DATA_DIR: {path} is not writable")
