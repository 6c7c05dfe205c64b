"""Sessions are short-lived and one message at a time per person."""

from __future__ import annotations

import asyncio

from bot.core.messages import Inbound
from bot.core.sessions import SessionStore


def test_idle_session_is_forgotten():
    now = [0.0]
    store = SessionStore(idle_seconds=60, clock=lambda: now[0])
    store.get("a").lang = "nl"
    now[0] = 59
    assert store.get("a").lang == "nl"
    now[0] = 59 + 61
    assert store.get("a").lang is None


def test_engine_language_choice_expires_with_the_session(content):
    from bot.core.engine import Engine

    now = [0.0]
    engine = Engine(content, clock=lambda: now[0])

    async def say(text: str = "", payload: str | None = None):
        return await engine.handle(Inbound("t", "fam", text, payload=payload))

    asyncio.run(say(payload="lang:nl"))
    now[0] += content.session_idle_minutes * 60 + 1
    assert asyncio.run(say("can I see a doctor without papers")).lang == "en"


def test_messages_of_one_person_are_answered_in_order(engine):
    async def burst():
        msgs = [Inbound("t", "fam", text) for text in ("school", "1", "school", "2")]
        return await asyncio.gather(*(engine.handle(m) for m in msgs))

    first, picked, again, picked2 = asyncio.run(burst())
    assert picked.faq_id == first.suggestions[0]
    assert picked2.faq_id == again.suggestions[1]
