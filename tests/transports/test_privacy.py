"""Logs hold events, never content; the SQLite file keeps nothing once tickets close.

Complete conversations on Telegram (the real library against the fake Bot API) and
on the console, with every logger at DEBUG. Nothing a family or volunteer wrote,
no user id, phone number, name or token may appear in the captured logs, nor in
the raw bytes of the SQLite file after the tickets are closed.
"""

from __future__ import annotations

import asyncio
import io
import logging
from pathlib import Path

from bot.core.engine import Engine
from bot.handoff.seal import Sealer
from bot.handoff.store import TicketStore
from bot.service import open_queue
from bot.transports.console import chat
from tests.fakes.telegram_server import FakeTelegram
from tests.transports.conftest import GROUP
from tests.transports.test_telegram import ANA, FAMILY_A, card_of, escalate

SECRETS = ["SECRET-QUESTION-ZANDVOORT", "0612345678", "NL91ABNA0417164300",
           "SECRET-ANSWER-BUS-80", str(FAMILY_A), f"User{FAMILY_A}", str(ANA), f"User{ANA}",
           FakeTelegram.TOKEN]


def logged(caplog) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)


async def test_a_whole_telegram_conversation_leaves_no_trace(fake_telegram, helpdesk, caplog,
                                                             tmp_path: Path):
    caplog.set_level(logging.DEBUG)
    for name in ("", "bot", "telegram", "httpx", "aiosqlite"):
        logging.getLogger(name).setLevel(logging.DEBUG)  # whatever an operator might set
    async with helpdesk(fake_telegram):
        await escalate(fake_telegram, FAMILY_A, "how tall is the eiffel tower SECRET-QUESTION-ZANDVOORT")
        card = await card_of(fake_telegram, 1)
        fake_telegram.push_callback(GROUP, ANA, card["message_id"], "claim:1")
        await fake_telegram.wait_for(lambda: any("SECRET-QUESTION" in t
                                                 for t in fake_telegram.texts(GROUP)))
        fake_telegram.push_text(FAMILY_A, FAMILY_A, "call me on 0612345678, bank NL91ABNA0417164300")
        fake_telegram.push_text(GROUP, ANA, "SECRET-ANSWER-BUS-80", reply_to=card["message_id"])
        await fake_telegram.wait_for(lambda: any("SECRET-ANSWER" in t
                                                 for t in fake_telegram.texts(FAMILY_A)))
        await fake_telegram.wait_for(lambda: any("[phone number removed]" in t
                                                 for t in fake_telegram.texts(GROUP)))
        fake_telegram.push_text(GROUP, ANA, "/close")
        fake_telegram.push_text(GROUP, ANA, "/close 1")
        await fake_telegram.wait_for(lambda: "Closed by the volunteer" in
                                     fake_telegram.message(GROUP, card["message_id"])["text"])
        fake_telegram.push_text(FAMILY_A, FAMILY_A, "/forget")
        await fake_telegram.wait_for(lambda: any(t.startswith("Done.")
                                                 for t in fake_telegram.texts(FAMILY_A)))
        await asyncio.sleep(0.2)
    group_text = "\n".join(fake_telegram.texts(GROUP))
    assert "0612345678" not in group_text and "NL91ABNA" not in group_text  # scrubbed
    text = logged(caplog)
    assert "ticket opened" in text and "ticket closed" in text  # events are logged
    for secret in SECRETS:
        assert secret not in text, secret
    store = await TicketStore.open(tmp_path / "data" / "helpdesk.sqlite3")
    desk = await open_queue_for_purge(store)
    await desk.housekeeping()
    await store.close()
    raw = (tmp_path / "data" / "helpdesk.sqlite3").read_bytes()
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
    assert b"Family:" not in raw


async def open_queue_for_purge(store: TicketStore):
    from bot.content import load_content
    from tests.transports.conftest import SECRET

    return await open_queue(load_content(), store, Sealer(SECRET))


async def test_a_console_conversation_logs_no_content(content, caplog):
    caplog.set_level(logging.DEBUG)
    store = await TicketStore.open(":memory:")
    desk = await open_queue(content, store, Sealer("console-test-secret-0123456789"))
    out = io.StringIO()
    script = ["can I see a doctor SECRET-QUESTION-ZANDVOORT", "how tall is the eiffel tower",
              "1", "v: /claim 1", "my number is 0612345678", "v: /reply 1 SECRET-ANSWER-BUS-80",
              "v: /close 1", "/forget"]
    await chat(Engine(content, handoff=desk), script, out, desk=desk)
    await store.close()
    assert "SECRET-ANSWER-BUS-80" in out.getvalue()
    assert "[volunteers] #1 Family: my number is [phone number removed]" in out.getvalue()
    text = logged(caplog)
    for secret in SECRETS:
        assert secret not in text, secret
