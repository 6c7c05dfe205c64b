"""The volunteer queue's promises: one claimer, nothing lost, nothing twice, nothing kept."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.core.engine import Engine
from bot.core.messages import Inbound
from bot.handoff.desk import Verdict, Volunteer
from bot.handoff.seal import SecretError
from tests.handoff.conftest import Blocked, Clock, Family, Room

ANA = Volunteer("room", "1001", "Ana")
BAS = Volunteer("room", "1002", "Bas")


def family(user: str = "555123") -> Inbound:
    return Inbound("test", user, "")


async def test_two_volunteers_claim_at_once_exactly_one_wins(desk_factory):
    desk = await desk_factory()
    opened = await desk.open_ticket(family(), "can my son go to school", "en", (), False)
    verdicts = await asyncio.gather(desk.claim(opened.ticket, ANA), desk.claim(opened.ticket, BAS))
    assert sorted(verdicts) == sorted([Verdict.OK, Verdict.TAKEN])
    assert "already taken" in desk.verdict_text(Verdict.TAKEN, opened.ticket)


async def test_relay_both_ways_without_identities(desk_factory):
    fam, room = Family(), Room()
    desk = await desk_factory(fam, (room,))
    await desk.set_name(ANA, "Ana from the NGO")
    opened = await desk.open_ticket(family(), "where can I sleep tonight", "en", ("housing.shelter",),
                                    False)
    await desk.drain()
    assert room.cards[opened.ticket].claimable and room.cards[opened.ticket].messages == 1
    assert await desk.claim(opened.ticket, ANA) is Verdict.OK
    await desk.family_says(family(), "we are with two children")
    assert await desk.reply(opened.ticket, ANA, "There is a night shelter, I will look it up") \
        is Verdict.OK
    await desk.drain()
    assert room.texts(opened.ticket) == ["Family: where can I sleep tonight",
                                         "Family: we are with two children"]
    said = fam.texts("555123")
    assert said[0].startswith("Ana from the NGO has picked up your question")
    assert said[1] == "Ana from the NGO: There is a night shelter, I will look it up"
    card = room.cards[opened.ticket]
    assert card.status == "claimed" and card.claimer == "Ana"
    assert "555123" not in card.text and all("555123" not in t for _, t in room.posts)
    assert all("1001" not in t for _, t in fam.received)


async def test_only_the_claimer_answers(desk_factory):
    desk = await desk_factory()
    opened = await desk.open_ticket(family(), "question", "en", (), False)
    assert await desk.reply(opened.ticket, ANA, "hi") is Verdict.NOT_YOURS
    await desk.claim(opened.ticket, ANA)
    assert await desk.reply(opened.ticket, BAS, "hi") is Verdict.NOT_YOURS
    assert await desk.close(opened.ticket, BAS) is Verdict.NOT_YOURS
    assert await desk.reply(999, ANA, "hi") is Verdict.UNKNOWN


async def test_release_puts_the_ticket_back_with_its_history(desk_factory):
    fam, room = Family(), Room()
    desk = await desk_factory(fam, (room,))
    opened = await desk.open_ticket(family(), "my landlord wants me out", "en", (), False)
    await desk.claim(opened.ticket, ANA)
    await desk.reply(opened.ticket, ANA, "How long have you lived there?")
    assert await desk.release(opened.ticket, ANA) is Verdict.OK
    await desk.drain()
    assert room.cards[opened.ticket].claimable
    assert "back in the queue" in fam.texts("555123")[-1]
    room.posts.clear()
    assert await desk.claim(opened.ticket, BAS) is Verdict.OK
    await desk.drain()
    assert room.texts(opened.ticket) == ["Family: my landlord wants me out",
                                         "Volunteer: How long have you lived there?"]


async def test_a_redelivered_message_is_relayed_once(desk_factory):
    room = Room()
    desk = await desk_factory(rooms=(room,))
    opened = await desk.open_ticket(family(), "question", "en", (), False)
    await desk.claim(opened.ticket, ANA)
    for _ in range(3):
        await desk.family_says(family(), "the same message", message_key="77")
    assert await desk.reply(opened.ticket, ANA, "answer", "room-9") is Verdict.OK
    assert await desk.reply(opened.ticket, ANA, "answer", "room-9") is Verdict.DUPLICATE
    await desk.drain()
    assert room.texts(opened.ticket).count("Family: the same message") == 1


async def test_failed_sends_wait_on_disk_and_survive_a_restart(desk_factory):
    clock = Clock()
    broken = Family()
    broken.failures = [ConnectionError("5xx"), ConnectionError("timeout")]
    desk = await desk_factory(broken, clock=clock)
    opened = await desk.open_ticket(family(), "question", "en", (), False)
    await desk.claim(opened.ticket, ANA)
    await desk.reply(opened.ticket, ANA, "first answer")
    await desk.drain()
    assert broken.received == [] and await desk.store.pending() == 2
    await desk.store.close()  # the process stops here

    working = Family()
    clock.now += 120
    desk = await desk_factory(working, clock=clock)  # the same file, a new process
    await desk.drain()
    assert [t.split(" has picked")[0] for t in working.texts("555123")] == [
        "Volunteer", "Volunteer: first answer"]
    assert await desk.store.pending() == 0
    assert await desk.reply(opened.ticket, ANA, "second") is Verdict.OK  # the claim survived
    await desk.drain()
    assert working.texts("555123")[-1] == "Volunteer: second"


async def test_a_family_that_blocked_the_bot_closes_the_ticket(desk_factory):
    room = Room()
    desk = await desk_factory(Blocked(), (room,))
    opened = await desk.open_ticket(family(), "question", "en", (), False)
    await desk.claim(opened.ticket, ANA)
    await desk.drain()
    assert room.cards[opened.ticket].status == "closed"
    assert "can no longer be reached" in room.texts(opened.ticket)[-1]
    assert await desk.active(family()) is None


async def test_closed_tickets_leave_only_counts(desk_factory, tmp_path):
    fam, room = Family(), Room()
    desk = await desk_factory(fam, (room,))
    opened = await desk.open_ticket(family("31612345678"), "UNIQUE-QUESTION-TEXT", "en", (), False)
    await desk.claim(opened.ticket, ANA)
    await desk.reply(opened.ticket, ANA, "UNIQUE-ANSWER-TEXT")
    await desk.close(opened.ticket, ANA)
    await desk.drain()
    await desk.housekeeping()
    assert await desk.store.read("SELECT count(*) FROM tickets") == [(0,)]
    assert await desk.store.read("SELECT count(*) FROM messages") == [(0,)]
    counts = await desk.store.counts()
    assert counts["tickets_opened"] == 1 and counts["tickets_closed_volunteer"] == 1
    raw = (tmp_path / "queue.sqlite3").read_bytes()
    for secret in (b"UNIQUE-QUESTION-TEXT", b"UNIQUE-ANSWER-TEXT", b"31612345678"):
        assert secret not in raw


async def test_the_family_can_withdraw_and_volunteers_learn_only_that(desk_factory):
    room = Room()
    desk = await desk_factory(rooms=(room,))
    opened = await desk.open_ticket(family(), "question", "en", (), False)
    await desk.claim(opened.ticket, ANA)
    assert await desk.withdraw(family()) is True
    await desk.drain()
    assert room.texts(opened.ticket)[-1] == f"Ticket #{opened.ticket} withdrawn by the family."
    assert await desk.withdraw(family()) is False


async def test_a_changed_secret_is_refused(desk_factory):
    await desk_factory()
    with pytest.raises(SecretError, match="not the secret"):
        await desk_factory(secret="another-secret-0123456789")


async def test_unclaimed_tickets_are_reannounced_and_old_ones_expire(desk_factory):
    clock, fam, room = Clock(), Family(), Room()
    desk = await desk_factory(fam, (room,), clock=clock)
    opened = await desk.open_ticket(family(), "question", "en", (), False)
    await desk.drain()
    assert room.cards[opened.ticket].text.splitlines()[1].startswith("Waiting: 0 min")
    clock.now += 16 * 60
    await desk.housekeeping()
    await desk.drain()
    assert room.cards[opened.ticket].text.splitlines()[1].startswith("Still waiting: 16 min")
    clock.now += 73 * 3600
    await desk.housekeeping()
    await desk.drain()
    assert room.cards[opened.ticket].status == "closed"
    assert "no volunteer could answer" in fam.texts("555123")[-1]


async def test_outside_volunteer_hours_the_family_hears_when_they_are_back(desk_factory, content):
    # The bundled hours are Monday to Friday, 09:00-17:00, Amsterdam time.
    saturday = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC).timestamp()
    desk = await desk_factory(clock=Clock(saturday))
    engine = Engine(content, handoff=desk)
    await engine.handle(Inbound("test", "u1", "hoe laat begint de voetbalwedstrijd"))
    reply = await engine.handle(Inbound("test", "u1", payload="ticket:open"))
    assert "Ze zijn er weer op maandag om 09:00; je vraag wacht op hen." in reply.text
    sunday_night = dt.datetime(2026, 11, 29, 20, 0, tzinfo=dt.UTC).timestamp()
    desk.clock = Clock(sunday_night)
    await engine.handle(Inbound("test", "u2", "how tall is the eiffel tower, to the sea"))
    reply = await engine.handle(Inbound("test", "u2", payload="ticket:open"))
    assert "They are back tomorrow at 09:00" in reply.text
    desk.clock = Clock(dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.UTC).timestamp())
    await engine.handle(Inbound("test", "u3", "how tall is the eiffel tower, to the sea"))
    reply = await engine.handle(Inbound("test", "u3", payload="ticket:open"))
    assert "not available" not in reply.text  # Monday 11:00 in Amsterdam: volunteers are in


async def test_a_banned_sender_is_paused_but_still_gets_emergency_help(desk_factory, content):
    fam, room = Family(), Room()
    desk = await desk_factory(fam, (room,))
    engine = Engine(content, handoff=desk)
    spammer = Inbound("test", "spam-1", "how tall is the eiffel tower, to the sea")
    await engine.handle(spammer)
    await engine.handle(Inbound("test", "spam-1", payload="ticket:open"))
    assert await desk.ban(1, ANA, 24) is Verdict.NOT_YOURS  # only the claimer may ban
    await desk.claim(1, ANA)
    assert await desk.ban(1, ANA, 24) is Verdict.OK
    await desk.drain()
    assert room.cards[1].status == "closed" and "paused" in room.cards[1].text
    first = await engine.handle(Inbound("test", "spam-1", "hello again"))
    assert "paused" in first.text and "112" in first.text
    second = await engine.handle(Inbound("test", "spam-1", "can I see a doctor"))
    assert second.actions == ()  # told once, then silence
    danger = await engine.handle(Inbound("test", "spam-1", "my partner is hurting me right now"))
    assert danger.outcome == "emergency" and "112" in danger.text
    other = await engine.handle(Inbound("test", "someone-else", "can I see a doctor without papers"))
    assert "CAK" in other.text
    await desk.store.db.execute("UPDATE bans SET until = 0")  # the pause is over
    assert not await desk.banned(Inbound("test", "spam-1"))


async def test_numbers_are_removed_before_a_volunteer_reads_them_and_the_family_is_told_once(
        desk_factory, content):
    room = Room()
    desk = await desk_factory(rooms=(room,))
    engine = Engine(content, handoff=desk)
    await engine.handle(Inbound("test", "f1", "my landlord 0612345678 wants me out, which bus"))
    opened = await engine.handle(Inbound("test", "f1", payload="ticket:open"))
    assert "I removed numbers and addresses" in opened.text
    await desk.claim(1, ANA)
    again = await engine.handle(Inbound("test", "f1", "my bsn is 123456782 and email a@b.nl"))
    assert "I removed" not in again.text  # told once per conversation
    await desk.drain()
    relayed = "\n".join(room.texts(1))
    assert "0612345678" not in relayed and "123456782" not in relayed and "a@b.nl" not in relayed
    assert "[phone number removed]" in relayed and "[BSN removed]" in relayed


async def test_nothing_waits_on_disk_forever_for_a_closed_ticket(desk_factory):
    clock, broken = Clock(), Family()
    broken.failures = [ConnectionError("down")] * 100
    desk = await desk_factory(broken, clock=clock)
    opened = await desk.open_ticket(family(), "question", "en", (), False)
    await desk.claim(opened.ticket, ANA)
    await desk.close(opened.ticket, ANA)
    for _ in range(25):  # the network stays down for every retry
        clock.now += 120
        await desk.drain()
    await desk.housekeeping()
    assert await desk.store.pending() == 0
    assert await desk.store.read("SELECT count(*) FROM tickets") == [(0,)]


async def test_stop_returns_even_when_woken_as_it_is_cancelled(desk_factory):
    # A reply queued as the service stops wakes the loops in the same round as the cancel.
    # On Python 3.11, asyncio.wait_for then swallowed the cancel and stop() hung (seen in CI).
    for _ in range(5):
        desk = await desk_factory(Family())
        await desk.start()
        await asyncio.sleep(0.05)  # the loops have done a round and sleep until woken
        desk.wake()
        stopping = asyncio.create_task(desk.stop())
        done, _ = await asyncio.wait({stopping}, timeout=5)
        if not done:  # a loop ran on: end it, so the failure is reported, not a hang
            for task in desk._tasks:
                task.cancel()
            await stopping
        assert done, "stop() still waiting for a loop after 5 s"
