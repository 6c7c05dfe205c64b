"""Telegram end to end: the real python-telegram-bot against a fake Bot API server,
the real desk on a real SQLite file. What families and volunteers would notice."""

from __future__ import annotations

import asyncio
import logging

from bot.settings import SettingsError, TelegramSettings
from bot.transports.telegram import TelegramTransport
from tests.fakes.telegram_server import FakeTelegram
from tests.transports.conftest import GROUP

FAMILY_A, FAMILY_B = 5550001, 5550002
ANA, BAS, STRANGER = 9001, 9002, 9666


def buttons(message: dict) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [(b["text"], b["callback_data"]) for row in rows for b in row]


async def escalate(fake: FakeTelegram, family: int, question: str = "how tall is the eiffel tower",
                   lang: str = "en") -> None:
    """A family asks something the FAQ cannot answer and agrees to ask a volunteer."""
    before = len(fake.sent(family))
    fake.push_text(family, family, question, language_code=lang)
    offer = (await fake.wait_sent(family, before + 1))[-1]
    if ("none", "none") in [(d, d) for _, d in buttons(offer)]:  # "did you mean": none of these
        fake.push_callback(family, family, offer["message_id"], "none")
        before += 1
        offer = (await fake.wait_sent(family, before + 1))[-1]
    assert "ticket:open" in [data for _, data in buttons(offer)]
    fake.push_callback(family, family, offer["message_id"], "ticket:open")
    await fake.wait_sent(family, before + 2)


async def card_of(fake: FakeTelegram, ticket: int) -> dict:
    def card() -> dict | None:
        return next((m for m in fake.sent(GROUP) if m["text"].startswith(f"Ticket #{ticket} ")
                     or m["text"].startswith(f"URGENT · Ticket #{ticket} ")), None)

    await fake.wait_for(lambda: card() is not None)
    found = card()
    assert found is not None
    return found


async def claimed(fake: FakeTelegram) -> dict:
    """Family A's question, escalated and claimed by Ana; returns the ticket's card."""
    await escalate(fake, FAMILY_A)
    card = await card_of(fake, 1)
    fake.push_callback(GROUP, ANA, card["message_id"], "claim:1")
    await fake.wait_for(lambda: any("picked up" in t for t in fake.texts(FAMILY_A)))
    return card


async def test_a_family_gets_a_greeting_in_their_language_and_an_answer_with_buttons(
        fake_telegram, helpdesk):
    async with helpdesk(fake_telegram):
        fake_telegram.push_text(FAMILY_A, FAMILY_A, "/start", language_code="nl")
        greeting = (await fake_telegram.wait_sent(FAMILY_A))[0]
        assert greeting["text"].startswith("Hallo.") and "/forget" in greeting["text"]
        assert buttons(greeting) == []  # Dutch is switched on: no language picker
        fake_telegram.push_text(FAMILY_A, FAMILY_A, "mag ik naar de dokter zonder papieren")
        answer = (await fake_telegram.wait_sent(FAMILY_A, 2))[-1]
        assert "CAK" in answer["text"]
        assert [data for _, data in buttons(answer)] == [
            "fb:up:health.doctor", "fb:down:health.doctor", "ticket:ask"]

        fake_telegram.push_text(FAMILY_B, FAMILY_B, "/start", language_code="ti")
        sent = await fake_telegram.wait_sent(FAMILY_B, 2)
        picker = sent[-1]
        labels = [label for label, _ in buttons(picker)]
        assert labels[:2] == ["Nederlands", "English"] and "العربية" in labels
        assert len(labels) == 10  # every language switched on, in its own name
        rows = picker["reply_markup"]["inline_keyboard"]
        assert len(rows) == 5  # two a row: ten languages fit one phone screen


async def test_two_families_two_volunteers_relay_both_ways_anonymously(fake_telegram, helpdesk):
    async with helpdesk(fake_telegram):
        await asyncio.gather(
            escalate(fake_telegram, FAMILY_A),
            escalate(fake_telegram, FAMILY_B, "hoe laat begint de voetbalwedstrijd", "nl"))
        card1, card2 = await card_of(fake_telegram, 1), await card_of(fake_telegram, 2)
        assert [label for label, _ in buttons(card1)] == ["Claim"]
        fake_telegram.push_callback(GROUP, ANA, card1["message_id"], "claim:1")
        fake_telegram.push_callback(GROUP, BAS, card2["message_id"], "claim:2")
        await fake_telegram.wait_for(lambda: sum("Family:" in t for t in fake_telegram.texts(GROUP))
                                     == 2)
        # each volunteer answers by replying to their card; each family gets only its answer
        fake_telegram.push_text(GROUP, ANA, "Bus 80 from the station", reply_to=card1["message_id"])
        fake_telegram.push_text(GROUP, BAS, "Stuur een foto van de brief niet, typ de tekst",
                                reply_to=card2["message_id"])
        await fake_telegram.wait_for(lambda: "Volunteer: Bus 80 from the station"
                                     in fake_telegram.texts(FAMILY_A))
        await fake_telegram.wait_for(lambda: any(t.startswith("Vrijwilliger: Stuur")
                                                 for t in fake_telegram.texts(FAMILY_B)))
        assert not any("Stuur" in t for t in fake_telegram.texts(FAMILY_A))
        # and the family's next words reach the right volunteer, as a reply to that card
        fake_telegram.push_text(FAMILY_A, FAMILY_A, "thank you, and at night?")
        await fake_telegram.wait_for(lambda: "Family: thank you, and at night?"
                                     in fake_telegram.texts(GROUP))
        relayed = next(m for m in fake_telegram.sent(GROUP)
                       if m["text"] == "Family: thank you, and at night?")
        assert relayed["reply_to_message"]["message_id"] == card1["message_id"]
        # nobody's account crosses over: no names, usernames or ids either way
        group_text = "\n".join(fake_telegram.texts(GROUP))
        for family in (FAMILY_A, FAMILY_B):
            assert str(family) not in group_text and f"User{family}" not in group_text
        family_text = "\n".join(fake_telegram.texts(FAMILY_A) + fake_telegram.texts(FAMILY_B))
        for vol in (ANA, BAS):
            assert str(vol) not in family_text and f"User{vol}" not in family_text
        assert not any(c.method.lower() == "forwardmessage" for c in fake_telegram.calls)


async def test_a_claim_race_has_one_winner_and_the_other_is_told(fake_telegram, helpdesk):
    async with helpdesk(fake_telegram):
        await escalate(fake_telegram, FAMILY_A)
        card = await card_of(fake_telegram, 1)
        fake_telegram.push_callback(GROUP, ANA, card["message_id"], "claim:1")
        fake_telegram.push_callback(GROUP, BAS, card["message_id"], "claim:1")
        def answers() -> list[str]:
            return sorted(a.get("text", "") for a in fake_telegram.callback_answers()
                          if "ticket #1" in a.get("text", "").lower())

        await fake_telegram.wait_for(lambda: len(answers()) == 2)
        assert answers() == ["Ticket #1 was already taken by another volunteer.",
                             "You have ticket #1."]
        await fake_telegram.wait_for(lambda: "Taken by User" in
                                     (fake_telegram.message(GROUP, card["message_id"]) or {})
                                     .get("text", ""))
        assert buttons(fake_telegram.message(GROUP, card["message_id"]) or {}) == []
        assert sum(t.startswith("Ticket #1 ") for t in fake_telegram.texts(GROUP)) == 1  # one card


async def test_forum_topic_faq_release_and_close(fake_telegram, helpdesk):
    async with helpdesk(fake_telegram, forum=True):
        await escalate(fake_telegram, FAMILY_A, "hoe laat begint de voetbalwedstrijd", "nl")
        card = await card_of(fake_telegram, 1)
        fake_telegram.push_callback(GROUP, ANA, card["message_id"], "claim:1")
        await fake_telegram.wait_for(lambda: any(m.get("message_thread_id")
                                                 for m in fake_telegram.sent(GROUP)))
        topic = next(c for c in fake_telegram.calls if c.method.lower() == "createforumtopic")
        assert topic.params["name"] == "Ticket #1 · nl"
        thread = next(m["message_thread_id"] for m in fake_telegram.sent(GROUP)
                      if m.get("message_thread_id"))
        # a volunteer who reads no Dutch sends the checked Dutch answer
        fake_telegram.push_text(GROUP, ANA, "/faq health.doctor", thread_id=thread)
        await fake_telegram.wait_for(lambda: any("CAK" in t for t in fake_telegram.texts(FAMILY_A)))
        dutch = next(t for t in fake_telegram.texts(FAMILY_A) if "CAK" in t)
        assert "dokter" in dutch.lower() or "huisarts" in dutch.lower()
        await fake_telegram.wait_for(lambda: any(t.startswith("Sent to ticket #1")
                                                 for t in fake_telegram.texts(GROUP)))
        # plain text in the topic goes to the family; /note stays in the group
        fake_telegram.push_text(GROUP, ANA, "/note checked with the coordinator", thread_id=thread)
        fake_telegram.push_text(GROUP, ANA, "Is er nog iets?", thread_id=thread)
        await fake_telegram.wait_for(lambda: "Vrijwilliger: Is er nog iets?"
                                     in fake_telegram.texts(FAMILY_A))
        assert not any("coordinator" in t for t in fake_telegram.texts(FAMILY_A))
        # release: back in the queue, the card can be claimed again
        fake_telegram.push_text(GROUP, ANA, "/release", thread_id=thread)
        await fake_telegram.wait_for(lambda: buttons(fake_telegram.message(GROUP, card["message_id"])
                                                     or {}) == [("Claim", "claim:1")])
        await fake_telegram.wait_for(lambda: "andere vrijwilliger" in fake_telegram.texts(FAMILY_A)[-1])
        # claim again and close: the family is told, the topic is closed
        fake_telegram.push_callback(GROUP, BAS, card["message_id"], "claim:1")
        await fake_telegram.wait_for(lambda: "Taken by" in
                                     fake_telegram.message(GROUP, card["message_id"])["text"])
        fake_telegram.push_text(GROUP, BAS, "/close", thread_id=thread)
        await fake_telegram.wait_for(lambda: "gesloten" in fake_telegram.texts(FAMILY_A)[-1])
        await fake_telegram.wait_for(lambda: any(c.method.lower() == "closeforumtopic"
                                                 for c in fake_telegram.calls))
        assert "Closed by the volunteer" in fake_telegram.message(GROUP, card["message_id"])["text"]


async def test_a_restart_mid_ticket_keeps_the_ticket_claim_and_relay(fake_telegram, helpdesk):
    async with helpdesk(fake_telegram) as service:
        await escalate(fake_telegram, FAMILY_A)
        card = await card_of(fake_telegram, 1)
        fake_telegram.push_callback(GROUP, ANA, card["message_id"], "claim:1")
        await fake_telegram.wait_for(lambda: "Family: how tall is the eiffel tower"
                                     in fake_telegram.texts(GROUP))
        assert service.store is not None
    async with helpdesk(fake_telegram):  # a new process on the same data folder
        fake_telegram.push_text(GROUP, ANA, "Which beach do you mean?", reply_to=card["message_id"])
        await fake_telegram.wait_for(lambda: "Volunteer: Which beach do you mean?"
                                     in fake_telegram.texts(FAMILY_A))
        fake_telegram.push_text(FAMILY_A, FAMILY_A, "Zandvoort")
        await fake_telegram.wait_for(lambda: "Family: Zandvoort" in fake_telegram.texts(GROUP))
        fake_telegram.push_text(GROUP, ANA, "/close 1")
        await fake_telegram.wait_for(lambda: "closed this conversation"
                                     in fake_telegram.texts(FAMILY_A)[-1])


async def test_429_and_5xx_on_send_are_retried_without_loss_or_duplicates(fake_telegram, helpdesk):
    async with helpdesk(fake_telegram):
        card = await claimed(fake_telegram)
        fake_telegram.fail("sendMessage", 500, times=2, chat_id=FAMILY_A)
        fake_telegram.fail("sendMessage", 429, retry_after=1, chat_id=FAMILY_A)
        fake_telegram.push_text(GROUP, ANA, "first", reply_to=card["message_id"])
        fake_telegram.push_text(GROUP, ANA, "second", reply_to=card["message_id"])
        await fake_telegram.wait_for(lambda: "Volunteer: second" in fake_telegram.texts(FAMILY_A),
                                     timeout=15)
        relayed = [t for t in fake_telegram.texts(FAMILY_A) if t.startswith("Volunteer: ")]
        assert relayed == ["Volunteer: first", "Volunteer: second"]  # in order, once each
        failed = [c for c in fake_telegram.calls if c.status in (429, 500)]
        assert len(failed) == 3
        # the family's words survive a 502 towards the group the same way
        fake_telegram.fail("sendMessage", 502, chat_id=GROUP)
        fake_telegram.push_text(FAMILY_A, FAMILY_A, "are you still there")
        await fake_telegram.wait_for(lambda: "Family: are you still there"
                                     in fake_telegram.texts(GROUP), timeout=10)
        assert fake_telegram.texts(GROUP).count("Family: are you still there") == 1


async def test_a_family_that_blocked_the_bot_closes_the_ticket_with_a_note(fake_telegram, helpdesk):
    async with helpdesk(fake_telegram):
        card = await claimed(fake_telegram)
        fake_telegram.block(FAMILY_A)
        fake_telegram.push_text(GROUP, ANA, "hello?", reply_to=card["message_id"])
        await fake_telegram.wait_for(lambda: any("can no longer be reached" in t
                                                 for t in fake_telegram.texts(GROUP)))
        await fake_telegram.wait_for(lambda: "can no longer be reached" in
                                     fake_telegram.message(GROUP, card["message_id"])["text"])


async def test_strangers_cannot_claim_or_answer(fake_telegram, helpdesk):
    async with helpdesk(fake_telegram, allow=frozenset({ANA})):
        await escalate(fake_telegram, FAMILY_A)
        card = await card_of(fake_telegram, 1)
        fake_telegram.push_callback(GROUP, STRANGER, card["message_id"], "claim:1")
        fake_telegram.push_text(GROUP, STRANGER, "/claim 1")
        fake_telegram.push_text(GROUP, STRANGER, "hi family", reply_to=card["message_id"])
        # another family tries the volunteers' commands in a private chat
        fake_telegram.push_text(FAMILY_B, FAMILY_B, "/claim 1")
        fake_telegram.push_text(FAMILY_B, FAMILY_B, "/reply 1 I am a volunteer")
        await fake_telegram.wait_sent(FAMILY_B, 2)
        fake_telegram.push_callback(GROUP, ANA, card["message_id"], "claim:1")
        await fake_telegram.wait_for(lambda: "Taken by" in
                                     fake_telegram.message(GROUP, card["message_id"])["text"])
        await asyncio.sleep(0.3)
        assert "Taken by User9001" in fake_telegram.message(GROUP, card["message_id"])["text"]
        family_a = "\n".join(fake_telegram.texts(FAMILY_A))
        assert "hi family" not in family_a and "I am a volunteer" not in family_a
        assert all("ticket" not in t.lower() or "volunteer" in t.lower()
                   for t in fake_telegram.texts(FAMILY_B))


async def test_non_text_messages_get_a_kind_reply_and_locations_are_deleted(fake_telegram,
                                                                            helpdesk):
    async with helpdesk(fake_telegram):
        fake_telegram.push_message(FAMILY_A, FAMILY_A, photo=True, language_code="en")
        fake_telegram.push_message(FAMILY_A, FAMILY_A, voice=True)
        fake_telegram.push_message(FAMILY_A, FAMILY_A, sticker=True)
        location = fake_telegram.push_message(FAMILY_A, FAMILY_A, location=True)
        fake_telegram.push_message(FAMILY_A, FAMILY_A, contact=True)
        fake_telegram.push_message(FAMILY_A, FAMILY_A, document=True)
        sent = await fake_telegram.wait_sent(FAMILY_A, 6)
        texts = [m["text"] for m in sent]
        assert sum(t.startswith("I can only read text") for t in texts) == 4
        assert sum(t.startswith("I did not keep this") for t in texts) == 2
        assert location["message_id"] in fake_telegram.deleted(FAMILY_A)


async def test_wrong_settings_stop_start_up_with_one_clear_line(fake_telegram, content):
    from bot.core.engine import Engine

    fake_telegram.add_group(GROUP)
    bad_chat = TelegramTransport(TelegramSettings(FakeTelegram.TOKEN, fake_telegram.base_url,
                                                  -100999, frozenset()), Engine(content), None)
    try:
        await bad_chat.start()
        raise AssertionError("started with a group the bot cannot see")
    except SettingsError as exc:
        assert "HELPDESK_TELEGRAM_VOLUNTEER_CHAT" in str(exc)
    bad_token = TelegramTransport(TelegramSettings("123456:WRONG-token-xxxxxxxxxxxxxxx",
                                                   fake_telegram.base_url, GROUP, frozenset()),
                                  Engine(content), None)
    try:
        await bad_token.start()
        raise AssertionError("started with a refused token")
    except SettingsError as exc:
        assert "HELPDESK_TELEGRAM_TOKEN" in str(exc)


async def test_logs_never_hold_the_token_or_message_text(fake_telegram, helpdesk, caplog):
    caplog.set_level(logging.DEBUG)
    async with helpdesk(fake_telegram):
        await escalate(fake_telegram, FAMILY_A, "how tall is the eiffel tower, secret question")
        card = await card_of(fake_telegram, 1)
        fake_telegram.push_callback(GROUP, ANA, card["message_id"], "claim:1")
        await fake_telegram.wait_for(lambda: any("picked up" in t
                                                 for t in fake_telegram.texts(FAMILY_A)))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "ticket opened" in logged
    for secret in (FakeTelegram.TOKEN, "secret question", str(FAMILY_A), "User5550001"):
        assert secret not in logged


async def test_without_the_right_to_make_topics_volunteers_reply_to_the_card(fake_telegram,
                                                                            helpdesk):
    async with helpdesk(fake_telegram, forum=True):
        fake_telegram.fail("createForumTopic", 400, times=5,
                           description="Bad Request: not enough rights to create a topic")
        await escalate(fake_telegram, FAMILY_A)
        card = await card_of(fake_telegram, 1)
        fake_telegram.push_callback(GROUP, ANA, card["message_id"], "claim:1")
        await fake_telegram.wait_for(lambda: "Family: how tall is the eiffel tower"
                                     in fake_telegram.texts(GROUP))
        history = next(m for m in fake_telegram.sent(GROUP)
                       if m["text"] == "Family: how tall is the eiffel tower")
        assert history["reply_to_message"]["message_id"] == card["message_id"]
        fake_telegram.push_text(GROUP, ANA, "Which beach?", reply_to=history["message_id"])
        await fake_telegram.wait_for(lambda: "Volunteer: Which beach?"
                                     in fake_telegram.texts(FAMILY_A))


async def test_forget_deletes_the_chat_on_both_sides_and_withdraws_the_ticket(fake_telegram,
                                                                               helpdesk):
    async with helpdesk(fake_telegram):
        card = await claimed(fake_telegram)
        asked = fake_telegram.push_text(FAMILY_A, FAMILY_A, "one more thing")
        await fake_telegram.wait_for(lambda: "Family: one more thing" in fake_telegram.texts(GROUP))
        bot_messages = [m["message_id"] for m in fake_telegram.sent(FAMILY_A)]
        fake_telegram.push_text(FAMILY_A, FAMILY_A, "/forget")
        await fake_telegram.wait_for(lambda: any(t.startswith("Done. I have forgotten")
                                                 for t in fake_telegram.texts(FAMILY_A)))
        deleted = fake_telegram.deleted(FAMILY_A)
        assert asked["message_id"] in deleted and set(bot_messages) <= deleted
        await fake_telegram.wait_for(lambda: "Withdrawn by the family" in
                                     fake_telegram.message(GROUP, card["message_id"])["text"])
