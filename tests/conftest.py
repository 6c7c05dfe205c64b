"""Shared fixtures: the real bundled content and a real engine on it."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.content import BUNDLED_CONTENT, Content, load_content
from bot.core.engine import Engine
from bot.core.messages import Inbound, Response


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(BUNDLED_CONTENT)


@pytest.fixture
def engine(content: Content) -> Engine:
    return Engine(content)


@pytest.fixture
def say(engine: Engine) -> Callable[..., Response]:
    """Send a message as one console user and return the bot's response (sync helper)."""

    def _say(text: str = "", *, user: str = "family-1", payload: str | None = None,
             lang_hint: str | None = None) -> Response:
        msg = Inbound("test", user, text, lang_hint=lang_hint, payload=payload)
        return asyncio.run(engine.handle(msg))

    return _say


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled content, for tests that break it on purpose."""
    target = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, target)
    return target
