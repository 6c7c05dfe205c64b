"""The volunteer queue: every verb of families and volunteers about tickets.

The desk knows rooms and family channels only by name, through two small
protocols, so a family on one network can be helped by a volunteer on another.
Whatever must reach someone goes through the outbox first (see store.py): the
dispatcher sends it, retries on errors, and deletes it once accepted.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.content import Content, VolunteerSettings
from bot.core.messages import Button, Inbound
from bot.handoff import cards
from bot.handoff.cards import Card
from bot.handoff.seal import Sealer
from bot.handoff.store import OutboxItem, Ticket, TicketStore, Tx

log = logging.getLogger(__name__)

CHECK_EVERY = 30.0  # seconds between re-announce / expiry / purge rounds
MAX_BACKOFF = 60.0
PARALLEL_SENDS = 16


class Unreachable(Exception):
    """The network says this recipient is gone for good (blocked the bot, chat deleted)."""


class FamilyChannel(Protocol):
    name: str

    async def deliver(self, address: str, text: str, buttons: tuple[Button, ...]) -> None:
        """Send to a family; raise Unreachable if they cannot be reached, anything else to retry."""


class Room(Protocol):
    name: str

    async def show(self, card: Card, ref: str | None) -> str | None:
        """Post or edit the ticket's card; return the reference to keep (e.g. a message id)."""

    async def post(self, card: Card, ref: str | None, text: str) -> str | None:
        """Write into the ticket's conversation (topic, or a reply to the card); return the ref."""


@dataclass(frozen=True)
class Volunteer:
    room: str
    user: str  # the network's id, only ever used to build a pseudonym
    name: str  # shown to other volunteers on the card


class Verdict(StrEnum):
    OK = "ok"
    TAKEN = "taken"
    NOT_YOURS = "not_yours"
    CLOSED = "closed"
    UNKNOWN = "unknown"
    DUPLICATE = "duplicate"
    BAD_FAQ = "bad_faq"


VERDICT_TEXT = {
    Verdict.TAKEN: "Ticket #{n} was already taken by another volunteer.",
    Verdict.NOT_YOURS: "Ticket #{n} is not yours: claim it first (only the claimer can answer).",
    Verdict.CLOSED: "Ticket #{n} is closed.",
    Verdict.UNKNOWN: "There is no ticket #{n}.",
    Verdict.BAD_FAQ: "No FAQ entry with that id. Ids look like health.doctor.",
}


@dataclass(frozen=True)
class Opened:
    ticket: int
    created: bool  # False: the family already had an open ticket
    back_at: dt.datetime | None  # volunteers' next hours, when outside them now
    now: dt.datetime  # the desk's time, for "today" and "tomorrow"


class Desk:
    def __init__(self, store: TicketStore, sealer: Sealer, content: Content,
                 settings: VolunteerSettings | None = None,
                 clock: Callable[[], float] = time.time):
        self.store = store
        self.sealer = sealer
        self.content = content
        self.settings = settings or content.volunteers
        self.clock = clock
        self.families: dict[str, FamilyChannel] = {}
        self.rooms: dict[str, Room] = {}
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._busy: set[tuple[int, str]] = set()
        self._sending: set[asyncio.Task] = set()
        self._limit = asyncio.Semaphore(PARALLEL_SENDS)

    def add_family_channel(self, channel: FamilyChannel) -> None:
        self.families[channel.name] = channel

    def add_room(self, room: Room) -> None:
        self.rooms[room.name] = room

    def family_key(self, msg: Inbound) -> str:
        return self.sealer.pseudonym("family", msg.channel, msg.user)

    def _volunteer_key(self, vol: Volunteer) -> str:
        return self.sealer.pseudonym("volunteer", vol.room, vol.user)

    # -- families ----------------------------------------------------------------------------

    async def active(self, msg: Inbound) -> Ticket | None:
        return await self.store.active(self.family_key(msg))

    async def open_ticket(self, msg: Inbound, question: str, lang: str,
                          guesses: tuple[str, ...], urgent: bool) -> Opened:
        family = self.family_key(msg)
        async with self.store.tx(self.clock()) as tx:
            existing = await tx.active(family)
            if existing:
                if urgent and not existing.urgent:
                    await tx.set_urgent(existing.id)
                    await tx.dirty(existing.id)
                ticket_id, created = existing.id, False
            else:
                ticket_id = await tx.create(
                    family=family, channel=msg.channel, address=self.sealer.seal(msg.user),
                    lang=lang, guesses=guesses, urgent=urgent, rooms=tuple(self.rooms))
                created = True
            if question:
                await self._family_message(tx, ticket_id, question)
        self._wake.set()
        log.info("ticket opened")
        now = dt.datetime.fromtimestamp(self.clock(), dt.UTC)
        back_at = self.settings.hours.next_open(now)
        return Opened(ticket_id, created, back_at,
                      now.astimezone(back_at.tzinfo) if back_at else now)

    async def family_says(self, msg: Inbound, text: str, message_key: str | None = None
                          ) -> Ticket | None:
        """Add the family's words to their open ticket (relayed if claimed); None if no ticket."""
        family = self.family_key(msg)
        async with self.store.tx(self.clock()) as tx:
            ticket = await tx.active(family)
            if ticket is None:
                return None
            if message_key and not await tx.first_time(
                    self.sealer.pseudonym("in", msg.channel, msg.user, message_key)):
                return ticket  # a redelivered update: already relayed
            await self._family_message(tx, ticket.id, text)
        self._wake.set()
        return ticket

    async def _family_message(self, tx: Tx, ticket_id: int, text: str) -> None:
        await tx.add_message(ticket_id, "family", self.sealer.seal(text))
        ticket = await tx.ticket(ticket_id)
        if ticket and ticket.status == "claimed" and ticket.room:
            await self._to_room(tx, ticket.id, ticket.room, cards.family_line(text))
        await tx.dirty(ticket_id)

    async def withdraw(self, msg: Inbound) -> bool:
        """The family cancels (or erases itself): close the ticket; volunteers learn only that."""
        async with self.store.tx(self.clock()) as tx:
            ticket = await tx.active(self.family_key(msg))
            if ticket is None:
                return False
            await self._close(tx, ticket, "withdrawn")
        self._wake.set()
        log.info("ticket withdrawn")
        return True

    # -- volunteers ----------------------------------------------------------------------------

    async def claim(self, ticket_id: int, vol: Volunteer) -> Verdict:
        key = self._volunteer_key(vol)
        family_name = await self.store.volunteer_name(key)
        async with self.store.tx(self.clock()) as tx:
            ticket = await tx.ticket(ticket_id)
            if ticket is None:
                return Verdict.UNKNOWN
            if ticket.status == "closed":
                return Verdict.CLOSED
            if not await tx.claim(ticket_id, key, vol.name, vol.room):
                return Verdict.OK if ticket.volunteer == key else Verdict.TAKEN
            for author, body in await tx.messages(ticket_id):
                text = self.sealer.open(body)
                line = cards.family_line(text) if author == "family" else text
                await self._to_room(tx, ticket_id, vol.room, line)
            name = family_name or self._t(ticket.lang, "volunteer")
            await self._to_family(tx, ticket, self._t(ticket.lang, "ticket_claimed").format(name=name))
            await tx.count("tickets_claimed")
            await tx.dirty(ticket_id)
        self._wake.set()
        log.info("ticket claimed")
        return Verdict.OK

    async def reply(self, ticket_id: int, vol: Volunteer, text: str,
                    message_key: str | None = None) -> Verdict:
        key = self._volunteer_key(vol)
        name = await self.store.volunteer_name(key)
        async with self.store.tx(self.clock()) as tx:
            ticket, verdict = await self._claimed_by(tx, ticket_id, key)
            if ticket is None:
                return verdict
            if message_key and not await tx.first_time(
                    self.sealer.pseudonym("in", vol.room, message_key)):
                return Verdict.DUPLICATE
            line = cards.volunteer_line(name or self._t(ticket.lang, "volunteer"), text)
            await tx.add_message(ticket_id, "volunteer", self.sealer.seal(line))
            await self._to_family(tx, ticket, line)
        self._wake.set()
        return Verdict.OK

    async def send_faq(self, ticket_id: int, vol: Volunteer, faq_id: str) -> tuple[Verdict, str]:
        """Send an entry's checked answer in the family's language; return what was sent (title)."""
        entry = self.content.faq_by_id.get(faq_id)
        if entry is None:
            return Verdict.BAD_FAQ, ""
        key = self._volunteer_key(vol)
        async with self.store.tx(self.clock()) as tx:
            ticket, verdict = await self._claimed_by(tx, ticket_id, key)
            if ticket is None:
                return verdict, ""
            tr = entry.text(ticket.lang, self.content.fallback_language)
            if tr is None:
                return Verdict.BAD_FAQ, ""
            await tx.add_message(ticket_id, "volunteer",
                                 self.sealer.seal(f"[FAQ {faq_id} sent, {tr.lang}]"))
            await self._to_family(tx, ticket, tr.answer)
        self._wake.set()
        english = entry.text("en", self.content.fallback_language)
        return Verdict.OK, f"{english.title if english else faq_id} ({tr.lang})"

    async def release(self, ticket_id: int, vol: Volunteer) -> Verdict:
        async with self.store.tx(self.clock()) as tx:
            ticket, verdict = await self._claimed_by(tx, ticket_id, self._volunteer_key(vol))
            if ticket is None:
                return verdict
            await tx.release(ticket_id)
            await self._to_family(tx, ticket, self._t(ticket.lang, "ticket_released"))
            await tx.dirty(ticket_id)
        self._wake.set()
        log.info("ticket released")
        return Verdict.OK

    async def close(self, ticket_id: int, vol: Volunteer) -> Verdict:
        async with self.store.tx(self.clock()) as tx:
            ticket, verdict = await self._claimed_by(tx, ticket_id, self._volunteer_key(vol))
            if ticket is None:
                return verdict
            await self._to_family(tx, ticket, self._t(ticket.lang, "ticket_closed"))
            await self._close(tx, ticket, "volunteer")
        self._wake.set()
        log.info("ticket closed")
        return Verdict.OK

    async def banned(self, msg: Inbound) -> bool:
        return await self.store.banned_until(self.family_key(msg), self.clock()) is not None

    async def ban(self, ticket_id: int, vol: Volunteer, hours: float) -> Verdict:
        """Pause the person behind a ticket (spam, abuse): the ticket closes; the bot ignores
        them, but for danger phrases, until the time is up. Stored by pseudonym only."""
        async with self.store.tx(self.clock()) as tx:
            ticket, verdict = await self._claimed_by(tx, ticket_id, self._volunteer_key(vol))
            if ticket is None:
                return verdict
            await tx.ban(ticket.family, self.clock() + hours * 3600)
            await self._to_family(tx, ticket, self._t(ticket.lang, "paused"))
            await self._close(tx, ticket, "banned")
            await tx.count("bans")
        self._wake.set()
        log.info("sender paused")
        return Verdict.OK

    async def set_name(self, vol: Volunteer, name: str) -> None:
        await self.store.set_volunteer_name(self._volunteer_key(vol), name, self.clock())

    async def queue(self, viewer: str | None = None) -> list[Card]:
        return [await self.card(t, viewer) for t in await self.store.open_tickets()]

    def verdict_text(self, verdict: Verdict, ticket_id: int) -> str:
        return VERDICT_TEXT.get(verdict, "").format(n=ticket_id)

    async def _claimed_by(self, tx: Tx, ticket_id: int, key: str
                          ) -> tuple[Ticket | None, Verdict]:
        ticket = await tx.ticket(ticket_id)
        if ticket is None:
            return None, Verdict.UNKNOWN
        if ticket.status == "closed":
            return None, Verdict.CLOSED
        if ticket.volunteer != key:
            return None, Verdict.NOT_YOURS
        return ticket, Verdict.OK

    # -- outbox --------------------------------------------------------------------------------

    async def _to_family(self, tx: Tx, ticket: Ticket, text: str,
                         buttons: tuple[Button, ...] = ()) -> None:
        if ticket.address is None:
            return
        body = {"channel": ticket.channel, "address": self.sealer.open(ticket.address),
                "text": text, "buttons": [[b.label, b.payload] for b in buttons]}
        await tx.enqueue(ticket.id, "family", self.sealer.seal(json.dumps(body)))

    async def _to_room(self, tx: Tx, ticket_id: int, room: str, text: str) -> None:
        await tx.enqueue(ticket_id, f"room:{room}", self.sealer.seal(json.dumps({"text": text})))

    async def _close(self, tx: Tx, ticket: Ticket, reason: str) -> None:
        if ticket.status == "claimed" and ticket.room and reason != "volunteer":
            # the claimer must learn it even if they are not looking at the card
            note = f"Ticket #{ticket.id} {cards.CLOSE_REASONS[reason]}."
            await tx.close(ticket.id, reason)
            await self._to_room(tx, ticket.id, ticket.room, note)
        else:
            await tx.close(ticket.id, reason)
        await tx.dirty(ticket.id)

    # -- the dispatcher --------------------------------------------------------------------------

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._send_loop(), name="desk-outbox"),
                       asyncio.create_task(self._card_loop(), name="desk-cards"),
                       asyncio.create_task(self._housekeeping_loop(), name="desk-housekeeping")]

    async def stop(self) -> None:
        for task in [*self._tasks, *self._sending]:
            task.cancel()
        for task in [*self._tasks, *self._sending]:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []

    def wake(self) -> None:
        self._wake.set()

    async def drain(self) -> None:
        """Send everything due and refresh every card, here and now, in order.

        The console uses this instead of the background loops, so a scripted
        conversation prints the same way every time; items waiting for a retry stay.
        """
        for _ in range(20):  # a room that keeps failing must not hang the console
            items = await self.store.due(self.clock(), limit=200)
            stale = await self.store.stale_cards()
            for item in items:
                await self._send(item, (item.ticket, item.target))
            for row in stale:
                await self._refresh(*row)
            if not items and not stale:
                return

    async def _send_loop(self) -> None:
        while True:
            self._wake.clear()
            try:
                for item in await self.store.due(self.clock(), limit=200):
                    lane = (item.ticket, item.target)
                    if lane not in self._busy:
                        self._busy.add(lane)
                        task = asyncio.create_task(self._send(item, lane))
                        self._sending.add(task)
                        task.add_done_callback(self._sending.discard)
            except Exception:
                log.exception("outbox round failed")
            await self._sleep_until_woken(1.0)

    async def _sleep_until_woken(self, seconds: float) -> None:
        # Not asyncio.wait_for: on Python 3.11 it swallows a cancel that arrives in the same
        # round as the wake-up, so the loop ran on and stop() waited for it for ever.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wake.wait()

    async def _send(self, item: OutboxItem, lane: tuple[int, str]) -> None:
        try:
            async with self._limit:
                await self._deliver(item)
            await self.store.sent(item.id)
        except Unreachable:
            await self.store.sent(item.id)
            if item.target == "family":
                await self._family_unreachable(item.ticket)
            else:
                log.error("a volunteers' room refused a message for good; check the bot's rights")
        except Exception as exc:
            delay = min(MAX_BACKOFF, 2.0 ** item.attempts)
            log.warning("send failed (%s), retry in %.0f s", type(exc).__name__, delay)
            await self.store.retry_later(item.id, self.clock() + delay)
        finally:
            self._busy.discard(lane)
            self._wake.set()

    async def _deliver(self, item: OutboxItem) -> None:
        body = json.loads(self.sealer.open(item.body))
        if item.target == "family":
            channel = self.families.get(body["channel"])
            if channel is None:
                raise RuntimeError("family channel not running")
            buttons = tuple(Button(label, payload) for label, payload in body["buttons"])
            await channel.deliver(body["address"], body["text"], buttons)
            return
        room = self.rooms.get(item.target.removeprefix("room:"))
        if room is None:
            raise RuntimeError("room not running")
        ticket = await self.store.ticket(item.ticket)
        if ticket is None:
            return
        card = await self.card(ticket, room.name)
        ref = await room.post(card, await self.store.card_ref(ticket.id, room.name), body["text"])
        if ref is not None:
            await self.store.set_card_ref(ticket.id, room.name, ref)

    async def _family_unreachable(self, ticket_id: int) -> None:
        async with self.store.tx(self.clock()) as tx:
            ticket = await tx.ticket(ticket_id)
            if ticket and ticket.status != "closed":
                await self._close(tx, ticket, "unreachable")
        log.info("ticket closed: family unreachable")

    async def card(self, ticket: Ticket, viewer: str | None = None) -> Card:
        """The ticket as volunteers in room `viewer` see it. A claimer's name stays on
        their own network: other rooms read "a volunteer on Signal"."""
        now = self.clock()
        claimer = ticket.volunteer_name
        if claimer and viewer and ticket.room and ticket.room != viewer:
            claimer = f"a volunteer on {ticket.room.capitalize()}"
        rows = await self.store.read("SELECT count(*) FROM messages WHERE ticket = ? "
                                     "AND author = 'family'", (ticket.id,))
        reason = None
        if ticket.status == "closed":
            found = await self.store.read("SELECT close_reason FROM tickets WHERE id = ?",
                                          (ticket.id,))
            reason = found[0][0] if found else None
        info = self.content.language_info.get(ticket.lang)
        return Card(ticket=ticket.id, status=ticket.status, lang=ticket.lang,
                    lang_name=info.name if info else ticket.lang, guesses=ticket.guesses,
                    urgent=ticket.urgent, waiting_minutes=int((now - ticket.created) // 60),
                    messages=int(rows[0][0]), claimer=claimer, close_reason=reason,
                    reannounced=ticket.announced > ticket.created + 1)

    async def _card_loop(self) -> None:
        while True:
            try:
                stale = await self.store.stale_cards()
                await asyncio.gather(*(self._refresh(*row) for row in stale))
            except Exception:
                log.exception("card round failed")
            await self._sleep_until_woken(1.0)

    async def _refresh(self, ticket_id: int, room_name: str, version: int, ref: str | None) -> None:
        room = self.rooms.get(room_name)
        ticket = await self.store.ticket(ticket_id)
        if room is None or ticket is None:
            return
        try:
            new_ref = await room.show(await self.card(ticket, room_name), ref)
        except Exception as exc:
            log.warning("card update failed (%s); will retry", type(exc).__name__)
            return
        await self.store.card_shown(ticket_id, room_name, version, new_ref or ref)

    async def _housekeeping_loop(self) -> None:
        while True:
            try:
                await self.housekeeping()
            except Exception:
                log.exception("housekeeping failed")
            await asyncio.sleep(CHECK_EVERY)

    async def housekeeping(self) -> None:
        """Re-announce unclaimed tickets, close expired ones, delete what is no longer needed."""
        now = self.clock()
        for ticket in await self.store.open_tickets():
            async with self.store.tx(now) as tx:
                if now - ticket.created > self.settings.ticket_max_hours * 3600:
                    await self._to_family(tx, ticket, self._t(ticket.lang, "ticket_expired"))
                    await self._close(tx, ticket, "expired")
                elif (ticket.status == "open"
                      and now - ticket.announced > self.settings.reannounce_minutes * 60):
                    await tx.announced(ticket.id)
                    await tx.dirty(ticket.id)
        await self.store.purge(now)
        self._wake.set()

    def _t(self, lang: str, key: str) -> str:
        texts = self.content.ui.get(lang) or self.content.ui[self.content.fallback_language]
        return texts[key]
