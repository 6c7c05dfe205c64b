"""A fake Telegram Bot API server that the real python-telegram-bot talks to over HTTP.

Tests push user updates in (``push_text``, ``push_message``, ``push_callback``), let the real
``Application`` long-poll them, and then inspect what the bot did (``calls``, ``sent``, ``message``).
Nothing here touches the internet: the server binds 127.0.0.1 on a free port.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from types import EllipsisType
from typing import Any, ClassVar

import pytest_asyncio
from aiohttp import web

JSON = dict[str, Any]

# PTB form-encodes every parameter as a string, so we restore the types the handlers need.
_NUMBER_KEYS = frozenset({"chat_id", "from_chat_id", "message_id", "message_thread_id", "offset",
                          "timeout", "limit", "user_id", "reply_to_message_id", "icon_color",
                          "latitude", "longitude"})
_JSON_KEYS = frozenset({"reply_markup", "entities", "caption_entities", "reply_parameters",
                        "link_preview_options", "allowed_updates", "commands", "scope", "message_ids",
                        "media", "reaction"})
# Free text that must never be turned into a bool even if a user literally types "true".
_TEXT_KEYS = frozenset({"text", "caption", "name", "title", "description", "data", "url",
                        "callback_query_id", "parse_mode", "action", "icon_custom_emoji_id"})
_REASON = {400: "Bad Request", 403: "Forbidden", 409: "Conflict", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}
# Fields a copied message does not inherit from its source.
_ENVELOPE = frozenset({"message_id", "date", "chat", "from", "message_thread_id", "is_topic_message",
                       "reply_to_message", "reply_markup", "edit_date"})
# PTB 22.8 requires all five flags, including gifts_from_channels (Bot API 9.3).
_GIFTS = {"unlimited_gifts": False, "limited_gifts": False, "unique_gifts": False,
          "premium_subscription": False, "gifts_from_channels": False}


def _file(kind: str, **extra: Any) -> JSON:
    return {"file_id": f"{kind}-file-id", "file_unique_id": f"{kind}-uid", **extra}


# Minimal sub-objects PTB 22.8 requires for each media kind (its constructors' required args).
MEDIA_DEFAULTS: dict[str, JSON] = {
    "photo": _file("photo", width=90, height=90),  # used for every PhotoSize in the list
    "voice": _file("voice", duration=1, mime_type="audio/ogg"), "audio": _file("audio", duration=1),
    "video": _file("video", width=320, height=240, duration=1),
    "video_note": _file("video_note", length=240, duration=1),
    "animation": _file("animation", width=320, height=240, duration=1),
    "document": _file("document", file_name="file.pdf", mime_type="application/pdf"),
    "sticker": _file("sticker", width=512, height=512, is_animated=False, is_video=False,
                     type="regular", emoji="🙂"),
    "location": {"latitude": 0.0, "longitude": 0.0},
    "contact": {"phone_number": "+10000000000", "first_name": "Contact"},
}
# send* methods whose reply PTB parses as a Message carrying one of MEDIA_DEFAULTS' kinds.
_MEDIA_METHODS = {f"send{kind.replace('_', '')}": kind for kind in MEDIA_DEFAULTS}


@dataclass
class Call:
    """One API request as the server saw it (params already type-coerced)."""

    method: str
    params: JSON
    at: float
    status: int = 200


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.retry_after = status, description, retry_after


@dataclass
class _Failure:
    method: str  # lower-cased: Telegram method names are case-insensitive
    chat_id: int | None
    times: int
    error: ApiError


def _coerce(raw: dict[str, Any]) -> JSON:
    params: JSON = {}
    for key, value in raw.items():
        if isinstance(value, str):
            if key in _NUMBER_KEYS:
                with contextlib.suppress(ValueError):  # "@channelname" stays a string
                    value = int(value) if value.lstrip("-").isdigit() else float(value)
            elif key in _JSON_KEYS:
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            elif key not in _TEXT_KEYS and value in ("true", "false"):
                value = value == "true"
        params[key] = value
    return params


def _user(user_id: int, language_code: str | None = None) -> JSON:
    user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "username": f"user{user_id}"}
    return user | ({"language_code": language_code} if language_code else {})


def _merge(default: JSON, given: Any) -> JSON:
    return default | (given if isinstance(given, dict) else {})


def _wire(msg: JSON) -> JSON:
    # Telegram only echoes inline keyboards, and PTB parses any reply_markup in a Message as
    # InlineKeyboardMarkup (a reply keyboard would crash it); the stored copy keeps it for tests.
    markup = msg.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" not in markup:
        return {k: v for k, v in msg.items() if k != "reply_markup"}
    return msg


class FakeTelegram:
    TOKEN: ClassVar[str] = "123456:TEST-token-do-not-log"
    BOT_ID: ClassVar[int] = 123456
    BOT_USER: ClassVar[JSON] = {"id": BOT_ID, "is_bot": True, "first_name": "Helpdesk",
                                "username": "helpdesk_bot", "can_join_groups": True,
                                "can_read_all_group_messages": True, "supports_inline_queries": False}

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.base_url = ""
        self.calls: list[Call] = []
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._groups: dict[int, JSON] = {}
        self._members: dict[int, set[int]] = {}
        self._private: set[int] = set()
        self._blocked: set[int] = set()
        self._failures: list[_Failure] = []
        self._counters: dict[int, int] = {}
        self._messages: dict[tuple[int, int], JSON] = {}
        self._sent: list[tuple[int, int]] = []
        self._deleted: dict[int, set[int]] = {}
        self._updates: list[JSON] = []
        self._ids = itertools.count(1)  # update ids and callback query ids
        # Replaced (not cleared) on every push so each waiting poll sees exactly one wake-up.
        self._wakeup = asyncio.Event()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # Short shutdown timeout: waiting polls are woken by stop(), nothing else lingers.
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/bot"

    async def stop(self) -> None:
        self._closing = True
        self._wakeup.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def add_group(self, chat_id: int, title: str = "Volunteers", *, forum: bool = False,
                  members: Iterable[int] = ()) -> None:
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        chat = {"id": chat_id, "type": "supergroup", "title": title}
        self._groups[chat_id] = chat | ({"is_forum": True} if forum else {})
        self._members.setdefault(chat_id, set()).update(members)

    def add_member(self, chat_id: int, user_id: int) -> None:
        self._members.setdefault(chat_id, set()).add(user_id)

    def block(self, user_id: int) -> None:
        self._blocked.add(user_id)

    def fail(self, method: str, status: int, *, times: int = 1, retry_after: int | None = None,
             chat_id: int | None = None, description: str | None = None) -> None:
        retry_after = (retry_after or 1) if status == 429 else retry_after
        description = description or (f"Too Many Requests: retry after {retry_after}"
                                       if status == 429 else _REASON.get(status, "Error"))
        error = ApiError(status, description, retry_after)
        self._failures.append(_Failure(method.lower(), chat_id, times, error))

    def push_text(self, chat_id: int, user_id: int, text: str, *, language_code: str | None = None,
                  thread_id: int | None = None, reply_to: int | None = None) -> JSON:
        return self.push_message(chat_id, user_id, text=text, language_code=language_code,
                                 thread_id=thread_id, reply_to=reply_to)

    def push_message(self, chat_id: int, user_id: int, *, language_code: str | None = None,
                     thread_id: int | None = None, reply_to: int | None = None, **fields: Any) -> JSON:
        """Push a user message. ``fields`` are Message fields, e.g. ``text="hi"``, ``caption=``.

        Media kinds in ``MEDIA_DEFAULTS`` (photo, voice, audio, video, video_note, animation,
        document, sticker, location, contact) accept ``True`` for a default object or a partial
        dict merged over the defaults (``photo`` also takes a list of partial dicts).
        """
        if chat_id < 0 and chat_id not in self._groups:
            raise ValueError(f"unknown group {chat_id}; call add_group first")
        for kind in MEDIA_DEFAULTS.keys() & fields.keys():
            given, default = fields[kind], MEDIA_DEFAULTS[kind]
            fields[kind] = ([_merge(default, g) for g in (given if isinstance(given, list) else [given])]
                            if kind == "photo" else _merge(default, given))
        text = fields.get("text")
        if isinstance(text, str) and text.startswith("/") and "entities" not in fields:
            # CommandHandler needs this entity; lengths count UTF-16 code units, like Telegram.
            word = text.split(maxsplit=1)[0]
            fields["entities"] = [{"type": "bot_command", "offset": 0,
                                   "length": len(word.encode("utf-16-le")) // 2}]
        if chat_id > 0:
            self._private.add(chat_id)
        msg = self._new_message(chat_id, _user(user_id, language_code), thread_id, reply_to, fields)
        self._push_update({"message": msg})
        return msg

    def push_callback(self, chat_id: int, user_id: int, message_id: int, data: str) -> str:
        msg = self._messages.get((chat_id, message_id))
        if msg is None:
            raise ValueError(f"no message {message_id} in chat {chat_id}")
        query_id = str(next(self._ids))
        self._push_update({"callback_query": {"id": query_id, "from": _user(user_id), "data": data,
                                              "chat_instance": f"ci{chat_id}", "message": _wire(msg)}})
        return query_id

    def _push_update(self, body: JSON) -> None:
        self._updates.append({"update_id": next(self._ids), **body})
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    def sent(self, chat_id: int, *, thread_id: int | EllipsisType | None = ...) -> list[JSON]:
        msgs = [self._messages[key] for key in self._sent if key[0] == chat_id]
        return [m for m in msgs if thread_id is ... or m.get("message_thread_id") == thread_id]

    def texts(self, chat_id: int) -> list[str]:
        return [m.get("text", m.get("caption", "")) for m in self.sent(chat_id)]

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        return self._messages.get((chat_id, message_id))

    def deleted(self, chat_id: int) -> set[int]:
        return set(self._deleted.get(chat_id, set()))

    def callback_answers(self) -> list[JSON]:
        return [c.params for c in self.calls
                if c.method.lower() == "answercallbackquery" and c.status == 200]

    def pending_updates(self) -> int:
        return len(self._updates)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                recent = "\n".join(f"  {c.method} -> {c.status} {c.params}" for c in self.calls[-10:])
                name = getattr(predicate, "__name__", repr(predicate))
                raise AssertionError(f"{name} still false after {timeout}s; last calls:\n"
                                     f"{recent or '  (none)'}")
            await asyncio.sleep(0.01)

    async def wait_sent(self, chat_id: int, count: int = 1, timeout: float = 5.0) -> list[JSON]:
        def enough_sent() -> bool:
            return len(self.sent(chat_id)) >= count

        await self.wait_for(enough_sent, timeout)
        return self.sent(chat_id)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        raw: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            raw.update(await request.json())
        elif request.can_read_body:  # urlencoded (PTB's default) or multipart (uploads)
            form = await request.post()
            raw.update({k: v if isinstance(v, str) else f"<file {getattr(v, 'filename', '')}>"
                        for k, v in form.items()})
        call = Call(method, _coerce(raw), time.monotonic())
        self.calls.append(call)
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            self._injected_failure(call)
            if (call.params.get("chat_id") in self._blocked
                    and method.lower().startswith(("send", "copy", "forward", "edit"))):
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if method.lower() == "getupdates":
                result: Any = await self._get_updates(call.params)
            elif method.lower() in _MEDIA_METHODS:
                result = self._send_media(_MEDIA_METHODS[method.lower()], call.params)
            else:
                handler = getattr(self, f"_m_{method.lower()}", None)
                result = handler(call.params) if handler else True
        except KeyError as exc:  # a required parameter was not sent
            return self._error(call, ApiError(400, f"Bad Request: {exc.args[0]} is required"))
        except ApiError as exc:
            return self._error(call, exc)
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(call: Call, exc: ApiError) -> web.Response:
        call.status = exc.status
        body: JSON = {"ok": False, "error_code": exc.status, "description": exc.description}
        if exc.status == 429:  # PTB maps parameters.retry_after to telegram.error.RetryAfter
            body["parameters"] = {"retry_after": exc.retry_after}
        return web.json_response(body, status=exc.status)

    def _injected_failure(self, call: Call) -> None:
        for failure in self._failures:
            if failure.method == call.method.lower() and failure.chat_id in (
                    None, call.params.get("chat_id")):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                raise failure.error

    async def _get_updates(self, params: JSON) -> list[JSON]:
        offset = int(params.get("offset") or 0)
        if offset > 0:  # asking from `offset` confirms everything before it, like Telegram
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        # Long poll until a push or stop() wakes us; returning [] at once makes PTB spin.
        while not self._updates and not self._closing and (
                remaining := deadline - time.monotonic()) > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), remaining)
        return self._updates[: int(params.get("limit") or 100)]

    def _chat(self, chat_id: int) -> JSON:
        if chat_id in self._groups:
            return dict(self._groups[chat_id])
        if chat_id < 0:
            raise ApiError(400, "Bad Request: chat not found")
        return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}",
                "username": f"user{chat_id}"}

    def _next_id(self, chat_id: int) -> int:
        # One counter per chat shared by users and the bot, as in real Telegram.
        self._counters[chat_id] = self._counters.get(chat_id, 0) + 1
        return self._counters[chat_id]

    def _new_message(self, chat_id: int, sender: JSON, thread_id: int | None, reply_to: int | None,
                     fields: JSON) -> JSON:
        chat = self._chat(chat_id)
        msg: JSON = {"message_id": self._next_id(chat_id), "date": int(time.time()), "chat": chat,
                     "from": sender}
        if thread_id is not None:
            msg["message_thread_id"] = thread_id
            if chat.get("is_forum"):
                msg["is_topic_message"] = True
        if reply_to is not None:
            target = self._messages.get((chat_id, reply_to), {})
            msg["reply_to_message"] = {"message_id": reply_to, "chat": chat, "date": target.get(
                "date", msg["date"])} | ({"text": target["text"]} if "text" in target else {})
        msg.update({k: v for k, v in fields.items() if v is not None})
        self._messages[(chat_id, msg["message_id"])] = msg
        return msg

    def _bot_message(self, p: JSON, fields: JSON) -> JSON:
        reply = p.get("reply_parameters") or {}
        reply_to = (reply.get("message_id") if isinstance(reply, dict) else None) or p.get(
            "reply_to_message_id")
        msg = self._new_message(p["chat_id"], dict(self.BOT_USER), p.get("message_thread_id"), reply_to,
                                fields | {"reply_markup": p.get("reply_markup")})
        self._sent.append((p["chat_id"], msg["message_id"]))
        return msg

    def _editable(self, p: JSON) -> JSON:
        key = (p.get("chat_id"), p.get("message_id"))
        msg = self._messages.get(key)
        if msg is None or key[1] in self._deleted.get(key[0], set()):
            raise ApiError(400, "Bad Request: message to edit not found")
        if msg["from"]["id"] != self.BOT_ID:
            raise ApiError(400, "Bad Request: message can't be edited")
        msg["edit_date"] = int(time.time())
        # Telegram drops the inline keyboard when an edit does not resend it.
        msg.pop("reply_markup", None)
        msg.update({"reply_markup": p["reply_markup"]} if p.get("reply_markup") else {})
        return msg

    def _m_getme(self, p: JSON) -> JSON:
        return dict(self.BOT_USER)

    def _m_deletewebhook(self, p: JSON) -> bool:
        if p.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _m_sendmessage(self, p: JSON) -> JSON:
        text = str(p.get("text", ""))
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise ApiError(400, "Bad Request: message is too long")
        return _wire(self._bot_message(p, {"text": text, "entities": p.get("entities")}))

    def _send_media(self, kind: str, p: JSON) -> JSON:
        media = dict(MEDIA_DEFAULTS[kind])
        # Plain fields such as latitude/longitude, phone_number, duration come from the request.
        media |= {k: p[k] for k in media.keys() & p.keys() if k not in ("file_id", "file_unique_id")}
        if isinstance(p.get(kind), str) and not p[kind].startswith("<file"):
            media["file_id"] = p[kind]  # re-sending a known file_id keeps it visible to tests
        fields = {kind: [media] if kind == "photo" else media, "caption": p.get("caption")}
        return _wire(self._bot_message(p, fields))

    def _m_copymessage(self, p: JSON) -> JSON:
        source = self._messages.get((p.get("from_chat_id"), p.get("message_id")))
        if source is None:
            raise ApiError(400, "Bad Request: message to copy not found")
        fields = {k: v for k, v in source.items() if k not in _ENVELOPE}
        fields |= {"caption": p["caption"]} if "caption" in p else {}
        # The real API answers copyMessage with a bare MessageId, not a Message.
        return {"message_id": self._bot_message(p, fields)["message_id"]}

    def _m_editmessagetext(self, p: JSON) -> JSON | bool:
        if "inline_message_id" in p:  # inline messages are not stored; Telegram answers true
            return True
        msg = self._editable(p)
        if "text" in p:  # absent for editMessageReplyMarkup
            msg.pop("entities", None)
            msg.update({"text": p["text"]} | ({"entities": p["entities"]} if p.get("entities") else {}))
        return _wire(msg)

    _m_editmessagereplymarkup = _m_editmessagetext

    def _m_deletemessages(self, p: JSON) -> bool:
        self._deleted.setdefault(p["chat_id"], set()).update(p.get("message_ids") or [p["message_id"]])
        return True

    _m_deletemessage = _m_deletemessages

    def _m_createforumtopic(self, p: JSON) -> JSON:
        if not self._chat(p["chat_id"]).get("is_forum"):
            raise ApiError(400, "Bad Request: the chat is not a forum")
        # Thread ids are the message ids of the "topic created" service messages.
        return {"message_thread_id": self._next_id(p["chat_id"]), "name": p.get("name", ""),
                "icon_color": p.get("icon_color", 7322096)}

    def _m_getchat(self, p: JSON) -> JSON:
        chat_id = p.get("chat_id")
        if chat_id not in self._groups and chat_id not in self._private:
            raise ApiError(400, "Bad Request: chat not found")
        chat = self._chat(chat_id)
        if chat["type"] != "private":
            chat["is_forum"] = bool(chat.get("is_forum"))
        # accent_color_id, max_reaction_count and accepted_gift_types are required by PTB 22.8.
        return chat | {"accent_color_id": 0, "max_reaction_count": 11,
                       "accepted_gift_types": dict(_GIFTS)}

    def _m_getchatmember(self, p: JSON) -> JSON:
        user_id = p["user_id"]
        user = dict(self.BOT_USER) if user_id == self.BOT_ID else _user(user_id)
        member = user_id in self._members.get(p.get("chat_id"), set())
        return {"status": "member" if member else "left", "user": user}


@pytest_asyncio.fixture
async def fake_telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
