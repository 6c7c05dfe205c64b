"""Logs hold events, never content, whatever level an operator sets.

Measured: httpx logs every Bot API URL (with the token) at INFO; python-telegram-bot
logs the token in the API URL and every update and request (message text, chat
ids, names) at DEBUG; aiosqlite logs each statement with its values at DEBUG.

Two layers:
1. those loggers start above the level where they print content;
2. if someone turns them down anyway (`logging.getLogger("telegram").setLevel(DEBUG)`),
   a log-record factory blanks their records below that floor before any handler
   sees them: the event stays visible, its content does not.
Our own loggers (`bot.*`) log events only and may go to DEBUG freely.
"""

from __future__ import annotations

import logging
from typing import Any

LIBRARY_FLOORS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "telegram": logging.INFO,
    "aiosqlite": logging.INFO,
    "apscheduler": logging.WARNING,
    # signalbot logs raw envelopes (numbers, text) at INFO, failed recipients at WARNING
    "signalbot": logging.ERROR,
    # websockets logs every frame, i.e. every Signal envelope, at DEBUG
    "websockets": logging.WARNING,
    "asyncio": logging.WARNING,
}
SUPPRESSED = "(library log suppressed: it may hold message content or the token)"
_installed = False


def _floor(name: str) -> int | None:
    for prefix, level in LIBRARY_FLOORS.items():
        if name == prefix or name.startswith(prefix + "."):
            return level
    return None


def quiet_libraries() -> None:
    global _installed
    for name, level in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(level)
    if _installed:
        return
    _installed = True
    make_record = logging.getLogRecordFactory()

    def guarded(name: str, level: int, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(name, level, *args, **kwargs)
        floor = _floor(name)
        if floor is not None and level < floor:
            record.msg, record.args, record.exc_info, record.exc_text = SUPPRESSED, (), None, None
        return record

    logging.setLogRecordFactory(guarded)
