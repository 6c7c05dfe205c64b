"""Signal, with signalbot 2.x talking to signal-cli-rest-api in json-rpc mode:
families in 1:1 chats, volunteers (optionally) in one Signal group.

- Families are keyed by their account's uuid (`sourceUuid`); a phone number is
  often absent and never needed. Signal has no buttons: choices are numbered,
  and the number or the choice's words are accepted (bot/core/engine.py).
- Each person's messages are handled one at a time, in the order received;
  different people side by side.
- On first contact the bot sets the chat's disappearing-message timer
  (HELPDESK_SIGNAL_DISAPPEARING, default one week), so a shared phone does not
  keep the conversation.
- Volunteers: a short notice per ticket (edited as it changes), the commands of
  bot/handoff/commands.py, and a quote-reply to any of the ticket's messages goes
  to the family.

Receiving is this module's own loop around signalbot's websocket client and
parser, because two measured behaviours of signalbot 2.2's pipeline do not fit a
helpdesk: when the service closes the socket cleanly (a restart) its receive
loop ends for good without a word, and it reads a sync message (what the NGO's
own phone sent, when the number is linked) as if the recipient had written it.
Sending goes through signalbot's client too, not its message actions, which log
every text at INFO and every failed recipient's number at WARNING.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from packaging.version import Version
from signalbot import Config, SignalBot
from signalbot._generated import RemoteDeleteRequest, UpdateContactRequest
from signalbot.client import ConnectionMode
from signalbot.messages import DataMessage, SendMessage
from signalbot.messages.parser import UnknownMessageFormatError, parse

from bot.core.engine import Engine
from bot.core.messages import Button, Erase, Inbound, Response, Say, numbered
from bot.core.split import split_text
from bot.handoff import commands
from bot.handoff.cards import Card
from bot.handoff.desk import Desk, Unreachable, Verdict, Volunteer
from bot.logs import quiet_libraries
from bot.settings import SettingsError, SignalSettings
from bot.transports.card_state import CardStates
from bot.transports.recent import RecentMessages

log = logging.getLogger(__name__)
quiet_libraries()

CHANNEL = "signal"
MAX_TEXT = 2000  # Signal turns longer messages into a "read more" attachment
STARTUP_SECONDS = 10.0  # the service must answer start-up checks within this
MIN_VERSION = Version("0.101.0")  # what signalbot 2.2 needs
DIRECT_TRIES = 4
DELETABLE_SECONDS = 23 * 3600  # Signal: remote delete for a day; a margin for clocks
TIMER_EVERY = 24 * 3600  # set the disappearing timer again after this long
SEEN_KEEP = 20_000  # envelopes remembered to drop a redelivery
RECONNECT_MAX = 30.0
VOLUNTEER_NAME = "a volunteer"
# Signal has no buttons: the notice says how to take the ticket.
CARD_HINT = "Reply /claim {n} to take it."


class LanesByKey:
    """Run each key's jobs one at a time, in the order given; keys side by side."""

    def __init__(self) -> None:
        self._queues: dict[str, asyncio.Queue[Callable[[], Awaitable[None]]]] = {}
        self._tasks: set[asyncio.Task] = set()

    def submit(self, key: str, job: Callable[[], Awaitable[None]]) -> None:
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = asyncio.Queue()
            task = asyncio.create_task(self._run(key, queue))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        queue.put_nowait(job)

    async def _run(self, key: str, queue: asyncio.Queue[Callable[[], Awaitable[None]]]) -> None:
        while not queue.empty():
            job = queue.get_nowait()
            try:
                await job()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # one failed message must not stop the person's lane
                log.error("signal message handling failed: %s", type(exc).__name__)
        del self._queues[key]

    async def idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        self._queues.clear()


class SeenEnvelopes:
    """Envelopes already handled, to drop one the service sends again (after a reconnect)."""

    def __init__(self, keep: int = SEEN_KEEP):
        self._keep = keep
        self._seen: OrderedDict[tuple[str, int], None] = OrderedDict()

    def first_time(self, sender: str, timestamp: int) -> bool:
        key = (sender, timestamp)
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self._keep:
            self._seen.popitem(last=False)
        return True


class SignalTransport:
    """Both a family channel and (with a volunteers' group) a room for the desk."""

    name = CHANNEL

    def __init__(self, settings: SignalSettings, engine: Engine, desk: Desk | None):
        self.settings = settings
        self.engine = engine
        self.desk = desk
        self.bot: SignalBot | None = None
        self.group_id: str | None = None  # "group.…", as the REST API sends to it
        self.lanes = LanesByKey()
        self.seen = SeenEnvelopes()
        self.recent: RecentMessages[str, int] = RecentMessages(DELETABLE_SECONDS)
        self._timer_set: dict[str, float] = {}
        self.cards = CardStates(CHANNEL)
        self._receiver: asyncio.Task | None = None

    @property
    def api(self) -> Any:
        # signalbot's HTTP and websocket client. Private in 2.2 (`_signal`), but the
        # public message actions log content; pinned to signalbot <3 in pyproject.toml.
        assert self.bot is not None
        return self.bot._signal

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        s = self.settings
        # Built here, inside the running loop: signalbot captures the loop it is built in.
        self.bot = SignalBot(Config(
            phone_number=s.number, signal_service=s.service,
            connection_mode=ConnectionMode.HTTPS_ONLY if s.https else ConnectionMode.HTTP_ONLY,
            download_attachments=s.download_attachments, storage={"type": "in-memory"},
            logging_level=logging.CRITICAL))
        # Each SignalBot adds a console handler of its own; ours are the only ones.
        for handler in list(logging.getLogger("signalbot").handlers):
            logging.getLogger("signalbot").removeHandler(handler)
        quiet_libraries()
        try:
            await asyncio.wait_for(self._check_service(), STARTUP_SECONDS)
        except TimeoutError:
            await self._close()
            raise SettingsError(f"HELPDESK_SIGNAL_SERVICE: signal-cli-rest-api at {s.service} "
                                f"did not answer within {STARTUP_SECONDS:.0f} s") from None
        except BaseException:
            await self._close()
            raise
        if self.desk is not None:
            self.desk.add_family_channel(self)
            if self.group_id is not None:
                self.desk.add_room(self)
        self._receiver = asyncio.create_task(self._receive_forever(), name="signal-receive")
        log.info("signal started (volunteers' group: %s)",
                 "yes" if self.group_id else "none, volunteers are on Telegram")

    async def _check_service(self) -> None:
        s = self.settings
        assert self.bot is not None
        if not await self.api.check_signal_service():
            raise SettingsError(f"HELPDESK_SIGNAL_SERVICE: cannot reach signal-cli-rest-api at "
                                f"{s.service} (is it running? is the port right?)")
        about = await self.bot.general.about()
        if about.mode != "json-rpc":
            raise SettingsError(f"signal-cli-rest-api at {s.service} runs in mode '{about.mode}'; "
                                "the helpdesk needs MODE=json-rpc (see deploy/compose.yaml)")
        if about.version != "unset" and Version(about.version) < MIN_VERSION:
            raise SettingsError(f"signal-cli-rest-api {about.version} is too old; "
                                f"use {MIN_VERSION} or newer")
        try:
            await self.bot.groups.refresh()
        except Exception as exc:
            raise SettingsError("HELPDESK_SIGNAL_NUMBER: signal-cli-rest-api does not know this "
                                "number; register or link it first (deploy/README.md)") from exc
        if s.volunteer_group:
            self.group_id = self.bot.groups.resolve(s.volunteer_group)
            if self.group_id is None:
                raise SettingsError("HELPDESK_SIGNAL_VOLUNTEER_GROUP: the bot's number is not in "
                                    "that group; add it, and use the id from "
                                    "GET /v1/groups/{number} ('group.…')")

    async def stop(self) -> None:
        if self._receiver is not None:
            self._receiver.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._receiver
            self._receiver = None
        await self.lanes.stop()
        await self._close()

    async def _close(self) -> None:
        # Not bot.stop(): that stops the whole event loop, the helpdesk's included.
        if self.bot is not None:
            await self.bot.close()

    # -- receiving ---------------------------------------------------------------------------

    async def _receive_forever(self) -> None:
        delay = 0.5
        while True:
            try:
                async for raw in self.api.messages.receive():
                    delay = 0.5
                    await self._on_frame(raw)
                # A clean close (the service restarted): signalbot's own loop would stop here.
                log.warning("signal: the service closed the connection; reconnecting")
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("signal: receiving failed (%s); reconnecting in %.0f s",
                            type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(RECONNECT_MAX, delay * 2)

    async def _on_frame(self, raw: str) -> None:
        try:
            envelope = json.loads(raw).get("envelope") or {}
        except (ValueError, AttributeError):
            return
        if "syncMessage" in envelope or envelope.get("sourceNumber") == self.settings.number:
            return  # the bot's own account (a linked phone): never a family or a volunteer
        if "dataMessage" not in envelope:
            return  # receipts, typing, calls: nothing to answer
        try:
            message = await parse(self.api, raw)
        except (UnknownMessageFormatError, ValueError):
            return
        if not isinstance(message, DataMessage) or not message.source_uuid:
            return  # reactions, remote deletes, group updates
        if not self.seen.first_time(message.source_uuid, message.timestamp):
            return
        if message.is_private():
            self.lanes.submit(message.source_uuid, lambda: self._family_message(message))
        elif self.group_id is not None and await self._in_volunteer_group(message):
            self.lanes.submit("room:" + message.source_uuid, lambda: self._room_message(message))

    async def _in_volunteer_group(self, message: DataMessage) -> bool:
        assert self.bot is not None and message.group_info is not None
        internal = message.group_info.group_id or ""
        if internal not in self.bot.groups:
            with contextlib.suppress(Exception):
                await self.bot.groups.refresh()
        return self.bot.groups.get_id(internal) == self.group_id

    # -- families ----------------------------------------------------------------------------

    async def _family_message(self, message: DataMessage) -> None:
        uuid = message.source_uuid
        assert uuid is not None
        await self._set_timer(uuid)
        kind = "text" if message.text else ("sticker" if message.sticker else
                                            "document" if message.attachments else "other")
        if message.text and message.attachments:
            kind = "text"  # a caption: read the words, the picture is not kept
        msg = Inbound(CHANNEL, uuid, message.text or "", kind=kind,
                      message_id=str(message.timestamp))
        await self.engine.handle(msg, reply=lambda r: self._send_response(uuid, r))

    async def _set_timer(self, uuid: str) -> None:
        seconds = self.settings.disappearing_seconds
        now = time.monotonic()
        if seconds is None or now - self._timer_set.get(uuid, -TIMER_EVERY) < TIMER_EVERY:
            return
        try:
            await self.api.contacts.update(UpdateContactRequest(
                recipient=uuid, expiration_in_seconds=seconds))
            self._timer_set[uuid] = now
        except Exception as exc:
            log.warning("signal: could not set the disappearing timer (%s)", type(exc).__name__)
        if len(self._timer_set) > SEEN_KEEP:
            self._timer_set = {k: v for k, v in self._timer_set.items() if now - v < TIMER_EVERY}

    async def _send_response(self, uuid: str, response: Response) -> None:
        for action in response.actions:
            if isinstance(action, Say):
                await self._send_text(uuid, numbered(action.text, action.buttons), family=True)
            elif isinstance(action, Erase):
                await self._erase(uuid)

    async def _erase(self, uuid: str) -> None:
        """Delete the bot's messages of the last day from the family's phone too."""
        for timestamp in self.recent.take(uuid):
            with contextlib.suppress(Exception):
                await self.api.messages.remote_delete(RemoteDeleteRequest(
                    recipient=uuid, timestamp=timestamp))
        log.info("chat erased on request")

    async def deliver(self, address: str, text: str, buttons: tuple[Button, ...]) -> None:
        """Desk → family (volunteer replies, notices); raises Unreachable when the account is gone."""
        await self._send_text(address, numbered(text, buttons), family=True)

    async def _send_text(self, recipient: str, text: str, *, family: bool = False,
                         quote: int | None = None, edit: int | None = None) -> int:
        last = 0
        for piece in split_text(text, MAX_TEXT):
            last = await self._send_once(recipient, piece, family=family, quote=quote, edit=edit)
            if family:
                self.recent.add(recipient, last)
        return last

    async def _send_once(self, recipient: str, text: str, *, family: bool,
                         quote: int | None, edit: int | None) -> int:
        message = SendMessage(text=text, edit_timestamp=edit, quote_timestamp=quote,
                              quote_author=self.settings.number if quote else None)
        wire = await message.to_generated(self.settings.number, [recipient])
        for attempt in range(DIRECT_TRIES):
            try:
                [answer] = await self.api.messages.send(wire)
            except Exception as exc:
                status = _status(exc)
                if family and status in (400, 404):
                    raise Unreachable from exc  # e.g. "Unregistered user": the account is gone
                if status is not None and 400 <= status < 500 and status != 429:
                    raise
                if attempt == DIRECT_TRIES - 1:
                    raise
                await asyncio.sleep(0.5 * 2 ** attempt)
                continue
            failed = answer.errors.recipients if answer.errors else None
            if failed and family:
                raise Unreachable
            return int(answer.timestamp)
        raise AssertionError("unreachable")

    # -- volunteers --------------------------------------------------------------------------

    async def _room_message(self, message: DataMessage) -> None:
        if self.desk is None or not message.text or not message.source_uuid:
            return
        # A profile name stays in this group: other networks' rooms read "a volunteer on Signal".
        vol = Volunteer(CHANNEL, message.source_uuid,
                        (message.source_name or VOLUNTEER_NAME)[:commands.MAX_NAME])
        ticket = None
        if message.quote is not None:
            ticket = await self.desk.store.linked(self.name, f"msg:{message.quote.id}")
        text = message.text.strip()
        cmd = commands.parse(text, ticket)
        key = f"{message.source_uuid}:{message.timestamp}"
        if cmd is not None:
            answer = await commands.run(self.desk, vol, cmd, key)
        elif text.startswith("/") or ticket is None:
            return  # the volunteers' own conversation is not for the bot
        else:
            verdict = await self.desk.reply(ticket, vol, text, key)
            ok = verdict in (Verdict.OK, Verdict.DUPLICATE)
            answer = "" if ok else self.desk.verdict_text(verdict, ticket)
        if answer and self.group_id:
            with contextlib.suppress(Exception):
                await self._send_text(self.group_id, answer, quote=message.timestamp)

    # -- the room, as the desk sees it ---------------------------------------------------------

    async def show(self, card: Card, ref: str | None) -> str | None:
        assert self.desk is not None and self.group_id is not None
        async with self.cards.lock(card.ticket):
            state = await self.cards.read(self.desk.store, card.ticket)
            text = card.text + ("\n" + CARD_HINT.format(n=card.ticket) if card.claimable else "")
            if state.get("text") == text:
                return ref
            if "card" in state:
                try:  # an edit: the group is not notified again for every change
                    await self._send_text(self.group_id, text, edit=state["card"])
                    state["text"] = text
                    return json.dumps(state)
                except Exception as exc:
                    status = _status(exc)
                    if status is None or status >= 500:
                        raise
                    # refused (too old to edit): post it anew below
            sent = await self._send_text(self.group_id, text)
            await self.desk.store.link(self.name, f"msg:{sent}", card.ticket)
            state.update(card=sent, text=text)
            return json.dumps(state)

    async def post(self, card: Card, ref: str | None, text: str) -> str | None:
        assert self.desk is not None and self.group_id is not None
        async with self.cards.lock(card.ticket):
            state = await self.cards.read(self.desk.store, card.ticket)
            # Quoting the card shows which ticket this belongs to; a quote-reply to it answers.
            sent = await self._send_text(self.group_id, f"#{card.ticket} {text}",
                                         quote=state.get("card"))
            await self.desk.store.link(self.name, f"msg:{sent}", card.ticket)
            return json.dumps(state) if state else None


def _status(exc: BaseException) -> int | None:
    """The HTTP status behind a signalbot error, if there was an answer at all."""
    cause = exc.__cause__
    if isinstance(cause, aiohttp.ClientResponseError):
        return cause.status
    return None
