"""Signal end to end: the real signalbot against a fake signal-cli-rest-api, the real
desk on a real SQLite file, and (for the cross-network flows) the real
python-telegram-bot against the fake Bot API. What families and volunteers notice."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.content import Content
from bot.service import Service
from bot.settings import Settings, SettingsError, SignalSettings, TelegramSettings
from tests.fakes.signal_server import FakeSignal, Group
from tests.fakes.telegram_server import FakeTelegram
from tests.transports.conftest import GROUP, SECRET, running_service
from tests.transports.test_telegram import FAMILY_A as TG_FAMILY
from tests.transports.test_telegram import card_of

FAMILY = "6f1c2a9e-0d4b-4c55-9a51-3e0b7d2f8a11"
FAMILY_2 = "b2d8e4f0-7a13-4e62-8c9d-51a0c3e7f924"
FAMILY_NUMBER = "+31687654321"  # sent along once, to check it never travels
FAMILY_NAME = "Maria Lopes Tavares"
VOL = "0a6e1b7c-3f2d-4a8b-9c10-d4e5f6a7b8c9"
VOL_2 = "1b7f2c8d-4e3a-4b9c-8d21-e5f607b8c9d0"
ANA = 9001  # a Telegram volunteer
WEEK = 7 * 24 * 3600


@asynccontextmanager
async def running(content: Content, data: Path, signal: FakeSignal, *,
                  group: Group | None = None, telegram: FakeTelegram | None = None,
                  telegram_room: bool = True) -> AsyncIterator[Service]:
    tg = None
    if telegram is not None:
        if telegram_room and GROUP not in telegram._groups:
            telegram.add_group(GROUP)
        tg = TelegramSettings(FakeTelegram.TOKEN, telegram.base_url,
                              GROUP if telegram_room else None, frozenset())
    settings = Settings(data, tg, SignalSettings(
        FakeSignal.NUMBER, signal.service, False, group.id if group else None, WEEK))
    async with running_service(content, settings) as service:
        yield service


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HELPDESK_SECRET", SECRET)
    return tmp_path / "data"


async def ask_volunteer(fake: FakeSignal, family: str, question: str = "how tall is the eiffel tower"
                        ) -> None:
    """The family asks what the FAQ cannot answer and agrees, by typing the choice's number."""
    before = len(fake.texts_to(family))
    fake.push_private(family, question)
    for _ in range(2):  # a "did you mean" first, then the offer of a person
        offer = (await fake.wait_texts(family, before + 1))[-1]
        wanted = "volunteer" if "volunteer" in offer.lower() else "none of these"
        number = next(line.split(".")[0].strip() for line in offer.splitlines()
                      if wanted in line.lower() and line.strip()[:1].isdigit())
        before = len(fake.texts_to(family))
        fake.push_private(family, number)
        await fake.wait_texts(family, before + 1)
        if wanted == "volunteer":
            return
        before = len(fake.texts_to(family)) - 1
    raise AssertionError("no offer of a volunteer")


def notices(fake: FakeSignal, group: Group) -> list[str]:
    return fake.texts_to(group.id)


async def notice_of(fake: FakeSignal, group: Group, ticket: int) -> int:
    """The timestamp of the ticket's notice in the volunteers' Signal group."""
    def posted() -> bool:
        return any(s.text.startswith(f"Ticket #{ticket} ") and s.edit_timestamp is None
                   for s in fake.sent_to(group.id))

    await fake.wait_for(posted)
    return next(s.timestamp for s in fake.sent_to(group.id)
                if s.text.startswith(f"Ticket #{ticket} ") and s.edit_timestamp is None)


async def test_a_family_on_signal_gets_answers_numbered_choices_and_a_disappearing_chat(
        content, data, fake_signal):
    async with running(content, data, fake_signal):
        fake_signal.push_private(FAMILY, "mag ik naar de dokter zonder papieren")
        answer = (await fake_signal.wait_texts(FAMILY))[0]
        assert "CAK" in answer
        assert "  1. " in answer and "  3. " in answer  # the choices, numbered: no buttons here
        # The chat's disappearing timer was set once, for a week, before the first answer.
        assert [c["expiration_in_seconds"] for c in fake_signal.contacts] == [WEEK]
        assert fake_signal.contacts[0]["recipient"] == FAMILY

        # No buttons on Signal: the words of a choice choose, as its number does.
        fake_signal.push_private(FAMILY, "I want to talk to a person")
        await fake_signal.wait_for(lambda: "Yes, ask a volunteer" in fake_signal.texts_to(FAMILY)[-1])
        fake_signal.push_private(FAMILY, "yes, ask a VOLUNTEER")
        await fake_signal.wait_for(lambda: "A volunteer will read your question" in
                                   fake_signal.texts_to(FAMILY)[-1])
        assert len(fake_signal.contacts) == 1  # set once per chat, not per message


async def test_one_familys_messages_are_answered_in_the_order_sent(content, data, fake_signal):
    questions = ["hoi", "mag ik naar de dokter zonder papieren", "dank je", "doei"]
    async with running(content, data, fake_signal):
        for q in questions:
            fake_signal.push_private(FAMILY, q)
        texts = await fake_signal.wait_texts(FAMILY, 4)
    assert "CAK" in texts[1]
    assert "CAK" not in texts[0] + texts[2] + texts[3]


async def test_signal_family_and_signal_volunteer_relay_both_ways(content, data, fake_signal):
    group = fake_signal.add_group(members=[VOL, VOL_2])
    async with running(content, data, fake_signal, group=group):
        await ask_volunteer(fake_signal, FAMILY)
        notice = await notice_of(fake_signal, group, 1)
        assert "/claim 1" in notice_text(fake_signal, group, 1)
        fake_signal.push_group(group, VOL, "/claim 1", name="Vera")
        await fake_signal.wait_for(lambda: any("picked up" in t for t in fake_signal.texts_to(FAMILY)))
        # the claimer gets the family's question, quoting the notice
        await fake_signal.wait_for(lambda: any("Family: how tall is the eiffel tower" in t
                                               for t in notices(fake_signal, group)))
        history = next(s for s in fake_signal.sent_to(group.id) if "Family:" in s.text)
        assert history.quote_timestamp == notice

        # a quote-reply to the notice, or to the history, goes to the family
        fake_signal.push_group(group, VOL, "Which beach do you mean?", quote=history.timestamp)
        await fake_signal.wait_for(lambda: any("Which beach do you mean?" in t
                                               for t in fake_signal.texts_to(FAMILY)))
        fake_signal.push_private(FAMILY, "Scheveningen")
        await fake_signal.wait_for(lambda: any("Family: Scheveningen" in t
                                               for t in notices(fake_signal, group)))
        # someone else cannot answer it
        fake_signal.push_group(group, VOL_2, "/reply 1 hello from me")
        await fake_signal.wait_for(lambda: any("not yours" in t for t in notices(fake_signal, group)))
        fake_signal.push_group(group, VOL, "/close 1")
        await fake_signal.wait_for(lambda: any("closed" in t.lower()
                                               for t in fake_signal.texts_to(FAMILY)))
        await fake_signal.wait_for(lambda: "Closed by the volunteer" in notice_text(
            fake_signal, group, 1))
        assert "hello from me" not in "".join(fake_signal.texts_to(FAMILY))


def notice_text(fake: FakeSignal, group: Group, ticket: int) -> str:
    """The notice as the group sees it now: the last edit, or the first post."""
    first = next(s for s in fake.sent_to(group.id)
                 if s.text.startswith(f"Ticket #{ticket} ") and s.edit_timestamp is None)
    edits = [s.text for s in fake.sent_to(group.id) if s.edit_timestamp == first.timestamp]
    return edits[-1] if edits else first.text


async def test_cross_network_both_ways_without_crossing_identities(content, data, fake_signal,
                                                                   fake_telegram):
    group = fake_signal.add_group(members=[VOL])
    async with running(content, data, fake_signal, group=group, telegram=fake_telegram):
        # A Signal family (with a number and a profile name), helped by a Telegram volunteer.
        before = len(fake_signal.texts_to(FAMILY))
        fake_signal.push_private(FAMILY, "how tall is the eiffel tower", number=FAMILY_NUMBER,
                                 name=FAMILY_NAME)
        await fake_signal.wait_texts(FAMILY, before + 1)
        fake_signal.push_private(FAMILY, "1", number=FAMILY_NUMBER, name=FAMILY_NAME)
        await fake_signal.wait_texts(FAMILY, before + 2)
        card = await card_of(fake_telegram, 1)
        await notice_of(fake_signal, group, 1)
        fake_telegram.push_callback(GROUP, ANA, card["message_id"], "claim:1")
        await fake_signal.wait_for(lambda: any("picked up" in t for t in fake_signal.texts_to(FAMILY)))
        fake_telegram.push_text(GROUP, ANA, "/reply 1 Which beach, Scheveningen?")
        await fake_signal.wait_for(lambda: any("Which beach, Scheveningen?" in t
                                               for t in fake_signal.texts_to(FAMILY)))
        await fake_signal.wait_for(lambda: "Taken by a volunteer on Telegram" in notice_text(
            fake_signal, group, 1))

        # A Telegram family, helped by a Signal volunteer.
        fake_telegram.push_text(TG_FAMILY, TG_FAMILY, "how tall is the eiffel tower",
                                language_code="en")
        offer = (await fake_telegram.wait_sent(TG_FAMILY))[-1]
        fake_telegram.push_callback(TG_FAMILY, TG_FAMILY, offer["message_id"], "ticket:open")
        await fake_telegram.wait_sent(TG_FAMILY, 2)
        await notice_of(fake_signal, group, 2)
        fake_signal.push_group(group, VOL, "/claim 2", name="Vera Signal")
        await fake_telegram.wait_for(lambda: any("picked up" in t
                                                 for t in fake_telegram.texts(TG_FAMILY)))
        fake_signal.push_group(group, VOL, "/reply 2 Hello from Signal")
        await fake_telegram.wait_for(lambda: any("Hello from Signal" in t
                                                 for t in fake_telegram.texts(TG_FAMILY)))
        fake_telegram.push_text(TG_FAMILY, TG_FAMILY, "thank you, the big beach")
        await fake_signal.wait_for(lambda: any("Family: thank you, the big beach" in t
                                               for t in notices(fake_signal, group)))
        tg_card = await card_of(fake_telegram, 2)
        await fake_telegram.wait_for(lambda: "Taken by a volunteer on Signal" in (
            fake_telegram.message(GROUP, tg_card["message_id"]) or {}).get("text", ""))

    telegram_side = " ".join(str(c.params) for c in fake_telegram.calls)
    for secret in (FAMILY, FAMILY_NUMBER, FAMILY_NAME, VOL, "Vera Signal", FakeSignal.NUMBER):
        assert secret not in telegram_side
    signal_side = " ".join(str(s.raw) for s in fake_signal.sent)
    for secret in (str(TG_FAMILY), str(ANA), "Family" + str(TG_FAMILY)):
        assert secret not in signal_side
    assert FAMILY_NUMBER not in signal_side and FAMILY_NAME not in signal_side
    assert "Vera Signal" not in " ".join(fake_telegram.texts(TG_FAMILY))


async def test_a_claim_race_across_networks_has_exactly_one_winner(content, data, fake_signal,
                                                                  fake_telegram):
    group = fake_signal.add_group(members=[VOL])
    async with running(content, data, fake_signal, group=group, telegram=fake_telegram) as service:
        await ask_volunteer(fake_signal, FAMILY)
        card = await card_of(fake_telegram, 1)
        await notice_of(fake_signal, group, 1)
        fake_telegram.push_callback(GROUP, ANA, card["message_id"], "claim:1")
        fake_signal.push_group(group, VOL, "/claim 1")
        await fake_signal.wait_for(lambda: any("picked up" in t for t in fake_signal.texts_to(FAMILY)))
        await fake_signal.wait_for(lambda: len(fake_telegram.callback_answers()) == 1 and any(
            "#1" in t for t in notices(fake_signal, group)
            if "have ticket" in t or "already taken" in t))
        signal_won = any("You have ticket #1" in t for t in notices(fake_signal, group))
        telegram_won = fake_telegram.callback_answers()[0].get("text") == "You have ticket #1."
        assert signal_won != telegram_won
        assert sum("picked up" in t for t in fake_signal.texts_to(FAMILY)) == 1
        ticket = await service.desk.store.ticket(1)
        assert ticket is not None and ticket.status == "claimed"


async def test_the_socket_drops_and_reconnects_without_losing_or_repeating(content, data,
                                                                           fake_signal):
    async with running(content, data, fake_signal):
        fake_signal.push_private(FAMILY, "hoi")
        await fake_signal.wait_texts(FAMILY)
        await fake_signal.drop()  # a clean close: signal-cli-rest-api restarting
        first = fake_signal.push_private(FAMILY, "mag ik naar de dokter zonder papieren")
        fake_signal.push_private(FAMILY_2, "hello")
        fake_signal.redeliver(first)  # the same envelope twice after the reconnect
        await fake_signal.wait_texts(FAMILY, 2, timeout=10)
        await fake_signal.wait_texts(FAMILY_2, 1, timeout=10)
        await asyncio.sleep(0.5)
        assert fake_signal.connections >= 2
        assert len(fake_signal.texts_to(FAMILY)) == 2 and "CAK" in fake_signal.texts_to(FAMILY)[1]
        assert len(fake_signal.texts_to(FAMILY_2)) == 1


async def test_send_errors_are_retried_and_a_gone_account_closes_its_ticket(
        content, data, fake_signal):
    group = fake_signal.add_group(members=[VOL])
    async with running(content, data, fake_signal, group=group):
        fake_signal.fail("/v2/send", 500, times=2)
        fake_signal.push_private(FAMILY, "mag ik naar de dokter zonder papieren")
        texts = await fake_signal.wait_texts(FAMILY, timeout=10)
        assert len(texts) == 1 and "CAK" in texts[0]

        await ask_volunteer(fake_signal, FAMILY_2)
        await notice_of(fake_signal, group, 1)
        fake_signal.push_group(group, VOL, "/claim 1")
        await fake_signal.wait_for(lambda: any("picked up" in t
                                               for t in fake_signal.texts_to(FAMILY_2)))
        fake_signal.unregistered.add(FAMILY_2)
        fake_signal.push_group(group, VOL, "/reply 1 are you there?")
        await fake_signal.wait_for(lambda: any("can no longer be reached" in t
                                               for t in notices(fake_signal, group)), timeout=10)


async def test_own_phone_sync_messages_and_attachments_are_not_taken_as_a_family(
        content, data, fake_signal):
    async with running(content, data, fake_signal):
        fake_signal.push_sync(FAMILY, "mag ik naar de dokter")  # the NGO phone wrote to FAMILY
        fake_signal.push_private(FAMILY_2, None, attachments=1)
        texts = await fake_signal.wait_texts(FAMILY_2)
        await asyncio.sleep(0.3)
    assert fake_signal.texts_to(FAMILY) == []
    assert "text" in texts[0].lower()
    assert not any("/attachments" in path for _, path, _ in fake_signal.calls)


async def test_forget_deletes_the_bots_messages_from_the_familys_phone(content, data, fake_signal):
    async with running(content, data, fake_signal):
        fake_signal.push_private(FAMILY, "mag ik naar de dokter zonder papieren")
        await fake_signal.wait_texts(FAMILY)
        answer_ts = fake_signal.sent_to(FAMILY)[0].timestamp
        fake_signal.push_private(FAMILY, "/forget")
        await fake_signal.wait_for(lambda: len(fake_signal.remote_deleted) >= 1)
        await fake_signal.wait_texts(FAMILY, 2)
    assert {d["timestamp"] for d in fake_signal.remote_deleted} == {answer_ts}
    assert all(d["recipient"] == FAMILY for d in fake_signal.remote_deleted)


async def test_logs_hold_no_number_uuid_name_or_text_at_any_level(content, data, fake_signal,
                                                                  caplog):
    group = fake_signal.add_group(members=[VOL])
    caplog.set_level(logging.DEBUG)
    for name in ("signalbot", "websockets", "aiohttp"):
        logging.getLogger(name).setLevel(logging.DEBUG)  # an operator turning everything up
    async with running(content, data, fake_signal, group=group):
        fake_signal.push_private(FAMILY, "how tall is the eiffel tower, zebra", number=FAMILY_NUMBER,
                                 name=FAMILY_NAME)
        await fake_signal.wait_texts(FAMILY)
        fake_signal.push_private(FAMILY, "1", number=FAMILY_NUMBER, name=FAMILY_NAME)
        await notice_of(fake_signal, group, 1)
        fake_signal.push_group(group, VOL, "/claim 1", name="Vera")
        fake_signal.push_group(group, VOL, "/reply 1 walrus answer text")
        await fake_signal.wait_for(lambda: any("walrus" in t for t in fake_signal.texts_to(FAMILY)))
    # signalbot adds a console handler per instance: none may remain to print around
    # the helpdesk's own logging (which never holds content).
    assert logging.getLogger("signalbot").handlers == []
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)
    assert logged  # events were logged
    for secret in (FAMILY, FAMILY_NUMBER, FAMILY_NAME, VOL, "Vera", "zebra", "walrus",
                   FakeSignal.NUMBER):
        assert secret not in logged


async def test_start_up_fails_fast_with_one_line_on_a_wrong_mode_or_no_service(content, data):
    wrong = FakeSignal(mode="normal")
    await wrong.start()
    try:
        started = time.monotonic()
        with pytest.raises(SettingsError, match="MODE=json-rpc"):
            async with running(content, data, wrong):
                pass
        assert time.monotonic() - started < 5
    finally:
        await wrong.stop()

    nobody = FakeSignal()
    await nobody.start()
    await nobody.stop()  # the port is free now: nothing answers there
    started = time.monotonic()
    with pytest.raises(SettingsError, match="cannot reach signal-cli-rest-api"):
        async with running(content, data, nobody):
            pass
    assert time.monotonic() - started < 5

    missing = FakeSignal()
    await missing.start()
    try:
        with pytest.raises(SettingsError, match="HELPDESK_SIGNAL_VOLUNTEER_GROUP"):
            async with running(content, data, missing, group=Group("group.bm9uZQ==", "bm9uZQ==",
                                                                   "None", [])):
                pass
    finally:
        await missing.stop()


async def test_a_ticket_survives_a_restart_and_quote_replies_still_reach_the_family(
        content, data, fake_signal):
    group = fake_signal.add_group(members=[VOL])
    async with running(content, data, fake_signal, group=group):
        await ask_volunteer(fake_signal, FAMILY)
        notice = await notice_of(fake_signal, group, 1)
    async with running(content, data, fake_signal, group=group):
        fake_signal.push_group(group, VOL, "/claim 1")
        await fake_signal.wait_for(lambda: any("picked up" in t for t in fake_signal.texts_to(FAMILY)))
        fake_signal.push_group(group, VOL, "Hello after the restart", quote=notice)
        await fake_signal.wait_for(lambda: any("Hello after the restart" in t
                                               for t in fake_signal.texts_to(FAMILY)))
