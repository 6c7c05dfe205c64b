"""The helpdesk as deployed (bot/service.py), long-polling a fake Telegram on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from telegram.ext import AIORateLimiter

from bot.content import Content
from bot.service import Service
from bot.settings import Settings, TelegramSettings
from tests.fakes.signal_server import fake_signal  # noqa: F401  (fixture)
from tests.fakes.telegram_server import FakeTelegram, fake_telegram  # noqa: F401  (fixture)

GROUP = -1001234
SECRET = "telegram-test-secret-0123456789"


@asynccontextmanager
async def running_service(content: Content, settings: Settings) -> AsyncIterator[Service]:
    """A started helpdesk whose Telegram side polls fast and skips Telegram's flood limits."""
    service = Service(content, settings, telegram_options={
        "rate_limiter": AIORateLimiter(group_max_rate=0, overall_max_rate=0, max_retries=3),
        "poll_timeout": 1})
    await service.start()
    try:
        yield service
    finally:
        await service.stop()


@pytest.fixture
def helpdesk(content: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
             ) -> Callable[..., object]:
    """`async with helpdesk(fake, forum=..., allow=...) as service:` a running helpdesk.

    Every start uses the same data folder, so a second `async with` is a restart.
    """
    monkeypatch.setenv("HELPDESK_SECRET", SECRET)

    @asynccontextmanager
    async def run(fake: FakeTelegram, *, forum: bool = False,
                  allow: frozenset[int] = frozenset()) -> AsyncIterator[Service]:
        if GROUP not in fake._groups:
            fake.add_group(GROUP, forum=forum)
        settings = Settings(tmp_path / "data", TelegramSettings(
            FakeTelegram.TOKEN, fake.base_url, GROUP, allow))
        async with running_service(content, settings) as service:
            yield service

    return run
