"""Telegram, with python-telegram-bot 22.x: families in private chats, volunteers in
one supergroup. Every update becomes a verb of the core (engine) or the desk.

- Families: text and buttons go to the engine; other messages (photo, voice...)
  get a kind reply; a location or contact is deleted from the chat at once.
- Volunteers: one card per ticket, edited as it changes; the Claim button and
  the commands in bot/handoff/commands.py. In a forum group a claimed ticket gets
  its own topic; otherwise volunteers reply to the card or the ticket's messages.
- Anonymity: the bot always sends fresh text, never forwards, so volunteers never
  see a family's account, and families never see a volunteer's.
- Logs: httpx logs each request URL (with the token) at INFO, so it is kept at
  WARNING; errors are logged by type only, never with the update.
- /forget: Telegram lets a bot delete messages of a private chat for 48 hours, so
  the ids of recent messages (never their text) are kept in memory for that long,
  to erase the chat from a shared phone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

# Opt in to PTB's coming behaviour (RetryAfter.retry_after as a timedelta; _retry takes
# both) rather than warn on every flood-control answer.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.core.engine import Engine
from bot.core.messages import Button, Erase, Inbound, Response, Say
from bot.core.split import split_text
from bot.handoff import commands
from bot.handoff.cards import Card
from bot.handoff.desk import Desk, Unreachable, Verdict, Volunteer
from bot.logs import quiet_libraries
from bot.settings import SettingsError, TelegramSettings
from bot.transports.card_state import CardStates
from bot.transports.recent import RecentMessages

log = logging.getLogger(__name__)
quiet_libraries()  # importing this module is enough: no path to Telegram logs the token

CHANNEL = "telegram"
NON_TEXT = ("photo", "voice", "audio", "video", "video_note", "sticker", "animation", "document",
            "location", "venue", "contact", "poll", "dice", "story")
DIRECT_TRIES = 4  # direct replies (not queued) are retried this often on network errors
DELETABLE_SECONDS = 47 * 3600  # Telegram: 48 hours; a margin for clocks
T = TypeVar("T")


def keyboard(buttons: tuple[Button, ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    keys = [InlineKeyboardButton(b.label, callback_data=b.payload[:64]) for b in buttons]
    # Language names are short: two a row keeps ten languages on one phone screen.
    per_row = 2 if all(b.payload.startswith("lang:") for b in buttons) else 1
    return InlineKeyboardMarkup([keys[i:i + per_row] for i in range(0, len(keys), per_row)])


def message_kind(message: Message) -> str:
    if message.text is not None:
        return "text"
    return next((kind for kind in NON_TEXT if getattr(message, kind, None)), "other")


class TelegramTransport:
    """Both a family channel and a volunteers' room for the desk, named "telegram"."""

    name = CHANNEL

    def __init__(self, settings: TelegramSettings, engine: Engine, desk: Desk | None, *,
                 rate_limiter: AIORateLimiter | None = None, poll_timeout: int = 10):
        self.settings = settings
        self.engine = engine
        self.desk = desk
        self.poll_timeout = poll_timeout
        self.forum = False
        self.recent: RecentMessages[int, int] = RecentMessages(DELETABLE_SECONDS)
        self.cards = CardStates(CHANNEL)
        builder = (ApplicationBuilder().token(settings.token)
                   .rate_limiter(rate_limiter or AIORateLimiter(max_retries=3))
                   # updates of different people run side by side; the engine keeps
                   # each person's messages in order with a lock per person
                   .concurrent_updates(64))
        if settings.base_url:
            builder = builder.base_url(settings.base_url)
        self.app: Application = builder.build()
        self.app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE,
                                            self._family_message))
        if settings.volunteer_chat is not None:
            group = filters.Chat(chat_id=settings.volunteer_chat)
            self.app.add_handler(MessageHandler(group & filters.UpdateType.MESSAGE & filters.TEXT,
                                                self._room_message))
        self.app.add_handler(CallbackQueryHandler(self._button))
        self.app.add_error_handler(self._on_error)

    @property
    def bot(self) -> Bot:
        return self.app.bot

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        try:
            await self.app.initialize()
        except InvalidToken as exc:
            raise SettingsError("HELPDESK_TELEGRAM_TOKEN was refused by Telegram: "
                                "check it with @BotFather") from exc
        except NetworkError as exc:
            raise SettingsError("cannot reach the Telegram Bot API (check the network or "
                                "HELPDESK_TELEGRAM_BASE_URL)") from exc
        if self.settings.volunteer_chat is not None:
            try:
                chat = await self.bot.get_chat(self.settings.volunteer_chat)
            except TelegramError as exc:
                await self.app.shutdown()
                raise SettingsError("HELPDESK_TELEGRAM_VOLUNTEER_CHAT: the bot cannot see that "
                                    "group; add the bot to the volunteers' group and check the id"
                                    ) from exc
            self.forum = bool(getattr(chat, "is_forum", False))
        if self.desk is not None:
            self.desk.add_family_channel(self)
            if self.settings.volunteer_chat is not None:
                self.desk.add_room(self)
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(
            timeout=self.poll_timeout, allowed_updates=["message", "callback_query"],
            drop_pending_updates=False)
        log.info("telegram started (volunteers' group: %s)",
                 "none" if self.settings.volunteer_chat is None
                 else "a forum" if self.forum else "a plain group")

    async def stop(self) -> None:
        if self.app.updater and self.app.updater.running:
            await self.app.updater.stop()
        if self.app.running:
            await self.app.stop()
        await self.app.shutdown()

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Never log the update: it holds names, ids and message text.
        log.error("telegram handler failed: %s", type(context.error).__name__)

    # -- families ----------------------------------------------------------------------------

    async def _family_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        user = update.effective_user
        if message is None or user is None or user.is_bot:
            return
        kind = message_kind(message)
        self.recent.add(message.chat_id, message.message_id)
        msg = Inbound(CHANNEL, str(message.chat_id), message.text or "",
                      lang_hint=(user.language_code or "")[:2] or None, kind=kind,
                      message_id=str(message.message_id))
        if kind in ("location", "venue", "contact"):
            # Do not leave where someone is, or who they know, on a shared phone.
            with contextlib.suppress(TelegramError):
                await self.bot.delete_message(message.chat_id, message.message_id)
        await self.engine.handle(msg, reply=lambda r: self._send_response(message.chat_id, r))

    async def _send_response(self, chat_id: int, response: Response) -> None:
        for action in response.actions:
            if isinstance(action, Say):
                await self._send(chat_id, action.text, action.buttons)
            elif isinstance(action, Erase):
                await self._erase(chat_id)

    async def _erase(self, chat_id: int) -> None:
        """Delete the chat's recent messages, both sides, so a shared phone shows nothing."""
        ids = self.recent.take(chat_id)
        for start in range(0, len(ids), 100):  # deleteMessages takes up to 100 ids
            with contextlib.suppress(TelegramError):
                await self.bot.delete_messages(chat_id, ids[start:start + 100])
        log.info("chat erased on request")

    async def _send(self, chat_id: int, text: str, buttons: tuple[Button, ...] = (),
                    thread_id: int | None = None, reply_to: int | None = None) -> Message:
        pieces = split_text(text, MessageLimit.MAX_TEXT_LENGTH)
        sent: Message | None = None
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            sent = await self._retry(lambda p=piece, last=last: self.bot.send_message(
                chat_id, p, reply_markup=keyboard(buttons) if last else None,
                message_thread_id=thread_id,
                reply_parameters=(ReplyParameters(reply_to, allow_sending_without_reply=True)
                                  if reply_to else None)))
            if chat_id > 0:  # a private chat: remember the id for /forget
                self.recent.add(chat_id, sent.message_id)
        assert sent is not None
        return sent

    @staticmethod
    async def _retry(call: Callable[[], Awaitable[T]]) -> T:
        """Retry a direct send on network trouble (5xx, timeouts); queued sends use the outbox."""
        for attempt in range(DIRECT_TRIES):
            try:
                return await call()
            except RetryAfter as exc:
                if attempt == DIRECT_TRIES - 1:
                    raise
                delay = exc.retry_after
                await asyncio.sleep(delay.total_seconds() if hasattr(delay, "total_seconds")
                                    else float(delay))
            except (Forbidden, BadRequest, InvalidToken):
                raise
            except NetworkError:
                if attempt == DIRECT_TRIES - 1:
                    raise
                await asyncio.sleep(0.5 * 2 ** attempt)
        raise AssertionError("unreachable")

    async def deliver(self, address: str, text: str, buttons: tuple[Button, ...]) -> None:
        """Desk → family (volunteer replies, notices); raises Unreachable when blocked."""
        try:
            await self._send(int(address), text, buttons)
        except Forbidden as exc:
            raise Unreachable from exc
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                raise Unreachable from exc
            raise

    # -- buttons -------------------------------------------------------------------------------

    async def _button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.message is None or query.data is None:
            return
        chat = query.message.chat
        if chat.type == "private":
            await self._family_button(query)
        elif (self.settings.volunteer_chat is not None and chat.id == self.settings.volunteer_chat
              and query.data.startswith("claim:")):
            await self._claim_button(query)
        else:
            await _answer(query)

    async def _family_button(self, query: CallbackQuery) -> None:
        await _answer(query)
        message = query.message
        assert message is not None and query.data is not None
        with contextlib.suppress(TelegramError):  # a pressed choice cannot be pressed twice
            await self.bot.edit_message_reply_markup(message.chat.id, message.message_id)
        msg = Inbound(CHANNEL, str(message.chat.id), payload=query.data,
                      lang_hint=(query.from_user.language_code or "")[:2] or None)
        await self.engine.handle(msg, reply=lambda r: self._send_response(message.chat.id, r))

    async def _claim_button(self, query: CallbackQuery) -> None:
        vol = self._volunteer(query.from_user)
        number = query.data.split(":", 1)[1] if query.data else ""
        if vol is None or self.desk is None or not number.isdecimal():
            await _answer(query)
            return
        verdict = await self.desk.claim(int(number), vol)
        text = (f"You have ticket #{number}." if verdict is Verdict.OK
                else self.desk.verdict_text(verdict, int(number)))
        await _answer(query, text, alert=verdict is not Verdict.OK)

    # -- volunteers ------------------------------------------------------------------------------

    def _volunteer(self, user: Any) -> Volunteer | None:
        if user is None or user.is_bot:
            return None
        if self.settings.allowlist and user.id not in self.settings.allowlist:
            return None
        return Volunteer(CHANNEL, str(user.id), user.first_name or "a volunteer")

    async def _room_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None or self.desk is None:
            return
        if message.sender_chat is not None:  # anonymous admins and channels: nobody to trust
            return
        vol = self._volunteer(update.effective_user)
        if vol is None:
            return
        ticket = await self._ticket_of(message)
        thread = message.message_thread_id if message.is_topic_message else None
        key = f"{message.chat_id}:{message.message_id}"
        cmd = commands.parse(message.text, ticket)
        if cmd is not None:
            answer = await commands.run(self.desk, vol, cmd, key)
        elif message.text.startswith("/") or ticket is None:
            return  # other bots' commands, and the volunteers' own chat, are not for us
        else:
            verdict = await self.desk.reply(ticket, vol, message.text, key)
            ok = verdict in (Verdict.OK, Verdict.DUPLICATE)
            answer = "" if ok else self.desk.verdict_text(verdict, ticket)
        if answer:
            with contextlib.suppress(TelegramError):
                await self._send(message.chat_id, answer, thread_id=thread,
                                 reply_to=message.message_id)

    async def _ticket_of(self, message: Message) -> int | None:
        """The ticket a volunteer's message belongs to: its topic, or the message it replies to."""
        assert self.desk is not None
        if message.is_topic_message and message.message_thread_id:
            found = await self.desk.store.linked(self.name, f"thread:{message.message_thread_id}")
            if found is not None:
                return found
        reply = message.reply_to_message
        if reply is not None and not (message.is_topic_message
                                      and reply.message_id == message.message_thread_id):
            return await self.desk.store.linked(self.name, f"msg:{reply.message_id}")
        return None

    # -- the room, as the desk sees it -----------------------------------------------------------

    async def show(self, card: Card, ref: str | None) -> str | None:
        assert self.desk is not None
        chat = self.settings.volunteer_chat
        assert chat is not None  # only a transport with a group is a room
        async with self.cards.lock(card.ticket):
            state = await self.cards.read(self.desk.store, card.ticket)
            markup = keyboard((Button("Claim", f"claim:{card.ticket}"),) if card.claimable else ())
            shown = False
            if "card" in state:
                try:
                    await self.bot.edit_message_text(card.text, chat, state["card"],
                                                     reply_markup=markup)
                    shown = True
                except BadRequest as exc:
                    if "not modified" in str(exc).lower():
                        shown = True
                    elif "not found" not in str(exc).lower():
                        raise
            if not shown:
                sent = await self.bot.send_message(chat, card.text, reply_markup=markup)
                state["card"] = sent.message_id
                await self.desk.store.link(self.name, f"msg:{sent.message_id}", card.ticket)
            if card.status == "claimed":
                await self._ensure_topic(card, state)
            if card.status == "closed" and "thread" in state and not state.get("thread_closed"):
                with contextlib.suppress(TelegramError):
                    await self.bot.close_forum_topic(chat, state["thread"])
                state["thread_closed"] = True
            return await self._save(card.ticket, state)

    async def post(self, card: Card, ref: str | None, text: str) -> str | None:
        assert self.desk is not None
        async with self.cards.lock(card.ticket):
            state = await self.cards.read(self.desk.store, card.ticket)
            if card.status == "claimed":
                await self._ensure_topic(card, state)
            thread = state.get("thread") if card.status == "claimed" else None
            assert self.settings.volunteer_chat is not None
            for piece in split_text(text, MessageLimit.MAX_TEXT_LENGTH):
                sent = await self.bot.send_message(
                    self.settings.volunteer_chat, piece, message_thread_id=thread,
                    reply_parameters=(None if thread or "card" not in state else
                                      ReplyParameters(state["card"],
                                                      allow_sending_without_reply=True)))
                await self.desk.store.link(self.name, f"msg:{sent.message_id}", card.ticket)
            return await self._save(card.ticket, state)

    async def _ensure_topic(self, card: Card, state: dict) -> None:
        if not self.forum or "thread" in state or state.get("no_topic"):
            return
        assert self.desk is not None and self.settings.volunteer_chat is not None
        try:
            topic = await self.bot.create_forum_topic(self.settings.volunteer_chat,
                                                      f"Ticket #{card.ticket} · {card.lang}")
        except (BadRequest, Forbidden):
            # Without the "Manage topics" right the conversation still works, as replies
            # to the card; retrying would hold up the family's words for nothing.
            log.warning("cannot create a topic in the volunteers' group (give the bot the "
                        "'Manage topics' right); replying to the card instead")
            state["no_topic"] = True
            return
        state["thread"] = topic.message_thread_id
        await self.desk.store.link(self.name, f"thread:{topic.message_thread_id}", card.ticket)
        await self._save(card.ticket, state)

    async def _save(self, ticket: int, state: dict) -> str:
        assert self.desk is not None
        ref = json.dumps(state)
        await self.desk.store.set_card_ref(ticket, self.name, ref)
        return ref


async def _answer(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
    with contextlib.suppress(TelegramError):
        await query.answer(text, show_alert=alert)
