"""Whatever arrives, the bot answers readably and never crashes."""

from __future__ import annotations

import asyncio
import itertools
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.engine import Engine
from bot.core.messages import Inbound, Outcome

NASTY = [
    "", "   ", "\t\n", "a" * 50_000, "doctor " * 8000, "\x00\x07\x1b[31mred", "\ud800\udfff\ud800",
    "😀😀😀", "\u200f\u202eschool\u202c", "مدرسة school школа", "123456", "0", "99",
    "/", "/unknowncommand", "\ufeff", "\u0000" * 100, "ل" * 3000,
]


USERS = itertools.count()


def readable(text: str) -> bool:
    if not text.strip():
        return False
    text.encode("utf-8")  # raises on lone surrogates
    return not any(unicodedata.category(c) in ("Cc", "Cs") and c != "\n" for c in text)


def run(engine: Engine, text: str, user: str = "u") -> None:
    r = asyncio.run(engine.handle(Inbound("test", user, text)))
    assert r.outcome in set(Outcome)
    assert readable(r.text), repr(r.text[:80])
    assert all(readable(b.label) for b in r.buttons)


def test_known_nasty_inputs(engine):
    for i, text in enumerate(NASTY):
        run(engine, text, user=f"u{i}")


def test_only_symbols_asks_for_words(engine):
    r = asyncio.run(engine.handle(Inbound("test", "u", "😀😀😀")))
    assert r.outcome == Outcome.REPLY
    assert "write your question" in r.text.lower()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_text(engine, text):
    run(engine, text, user=f"u{next(USERS)}")  # one person sending 300 would hit the rate limit


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([*NASTY[:14], "school", "1", "2", "hello", "doctor"]),
                max_size=6))
def test_any_sequence_in_one_session(engine, texts):
    user = f"s{next(USERS)}"
    for text in texts:
        run(engine, text, user=user)
