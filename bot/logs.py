"""Logs hold events, never content: keep the chattiest libraries above the level
where they print what passes through them.

Measured: httpx logs every Bot API URL (with the token) at INFO; python-telegram-bot
logs the token in the API URL and every request's parameters (message text, chat
ids) at DEBUG; aiosqlite logs each statement with its values at DEBUG. Our own
loggers may go to DEBUG; these never go below the level set here.
"""

from __future__ import annotations

import logging

LIBRARY_LEVELS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,
    "aiosqlite": logging.INFO,
    "apscheduler": logging.WARNING,
    "asyncio": logging.WARNING,
}


def quiet_libraries() -> None:
    for name, level in LIBRARY_LEVELS.items():
        logging.getLogger(name).setLevel(level)
