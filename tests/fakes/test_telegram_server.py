"""The fake Telegram server must be convincing to the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes import telegram_server
from tests.fakes.telegram_server import FakeTelegram

# Bound by assignment, not `import`, so ruff's F811 does not flag every test parameter.
fake_telegram = telegram_server.fake_telegram

USER = 42
GROUP = -100777


@asynccontextmanager
async def running(fake: FakeTelegram, *handlers: object) -> AsyncIterator[Application]:
    """A real PTB Application long-polling the fake, torn down in PTB's documented order."""
    app = ApplicationBuilder().token(FakeTelegram.TOKEN).base_url(fake.base_url).build()
    for handler in handlers:
        app.add_handler(handler)  # type: ignore[arg-type]
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0)
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@asynccontextmanager
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(FakeTelegram.TOKEN, base_url=fake.base_url) as b:
        yield b


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message and update.effective_message.text
    # do_quote: PTB only quotes by default in groups; force it to exercise reply_parameters.
    await update.effective_message.reply_text(update.effective_message.text, do_quote=True)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_user and update.effective_message
    lang = update.effective_user.language_code
    await update.effective_message.reply_text(f"welcome {lang}")


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message and update.effective_message.photo
    await update.effective_message.reply_text(f"photo {update.effective_message.photo[-1].width}")


async def test_echo_command_and_photo_in_private_chat(fake_telegram: FakeTelegram) -> None:
    handlers = (CommandHandler("start", start),
                MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, echo),
                MessageHandler(filters.PHOTO, photo))
    async with running(fake_telegram, *handlers):
        fake_telegram.push_text(USER, USER, "/start", language_code="es")
        user_msg = fake_telegram.push_text(USER, USER, "hola")
        fake_telegram.push_message(USER, USER, photo=[{"width": 90}, {"width": 800}])
        sent = await fake_telegram.wait_sent(USER, 3)
        assert fake_telegram.texts(USER) == ["welcome es", "hola", "photo 800"]
        # One id counter per chat: 3 user messages, then the replies continue it.
        assert user_msg["message_id"] == 2
        assert [m["message_id"] for m in sent] == [4, 5, 6]
        assert sent[1]["reply_to_message"]["message_id"] == 2  # reply_text quotes the original
        await fake_telegram.wait_for(lambda: fake_telegram.pending_updates() == 0)
    methods = [c.method for c in fake_telegram.calls]
    assert methods[:3] == ["getMe", "deleteWebhook", "getUpdates"]


async def test_callback_query_edits_and_answers(fake_telegram: FakeTelegram) -> None:
    async def on_click(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer("ok")
        await query.edit_message_text(f"chose {query.data}")

    async with running(fake_telegram, CallbackQueryHandler(on_click)) as app:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]])
        msg = await app.bot.send_message(USER, "pick", reply_markup=keyboard)
        stored = fake_telegram.message(USER, msg.message_id)
        assert stored is not None and stored["reply_markup"]["inline_keyboard"][0][0]["text"] == "A"
        query_id = fake_telegram.push_callback(USER, USER, msg.message_id, "a")
        await fake_telegram.wait_for(lambda: fake_telegram.texts(USER) == ["chose a"])
        assert fake_telegram.callback_answers() == [{"callback_query_id": query_id, "text": "ok"}]
        # Like Telegram, an edit that does not resend the keyboard removes it.
        assert "reply_markup" not in fake_telegram.message(USER, msg.message_id)  # type: ignore[operator]


# PTB's own RetryAfter.__init__ trips its retry_after int->timedelta deprecation warning.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_injected_errors_map_to_ptb_exceptions(fake_telegram: FakeTelegram) -> None:
    async with bot(fake_telegram) as b:
        fake_telegram.fail("sendMessage", 500)
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await b.send_message(USER, "one")
        assert (await b.send_message(USER, "two")).text == "two"  # only failed once
        fake_telegram.fail("sendMessage", 429, retry_after=3, chat_id=USER)
        await b.send_message(USER + 1, "other chat is unaffected")
        with pytest.raises(RetryAfter, match=r"3 seconds|0:00:03"):
            await b.send_message(USER, "three")
        fake_telegram.block(USER)
        with pytest.raises(Forbidden, match="blocked by the user"):
            await b.send_message(USER, "four")
        with pytest.raises(BadRequest, match="Chat not found"):
            await b.send_message(-1, "nobody here")
        # A reply keyboard is stored for inspection but not echoed (PTB would not parse it).
        await b.send_message(USER + 1, "kb", reply_markup=ReplyKeyboardMarkup([["yes"]]))
    assert fake_telegram.texts(USER) == ["two"]
    assert [c.status for c in fake_telegram.calls if c.params.get("chat_id") == USER] == [
        500, 200, 429, 403]
    assert fake_telegram.sent(USER + 1)[-1]["reply_markup"]["keyboard"] == [[{"text": "yes"}]]


async def test_groups_forums_and_members(fake_telegram: FakeTelegram) -> None:
    fake_telegram.add_group(GROUP, "Volunteers", forum=True, members=[7])
    fake_telegram.add_group(GROUP - 1, "Plain")
    async with bot(fake_telegram) as b:
        topic = await b.create_forum_topic(GROUP, "Case 1")
        sent = await b.send_message(GROUP, "new case", message_thread_id=topic.message_thread_id)
        assert sent.is_topic_message and sent.chat.is_forum
        assert fake_telegram.sent(GROUP, thread_id=topic.message_thread_id)[0]["text"] == "new case"
        with pytest.raises(BadRequest, match="not a forum"):
            await b.create_forum_topic(GROUP - 1, "nope")
        info = await b.get_chat(GROUP)
        assert info.is_forum and info.title == "Volunteers"
        with pytest.raises(BadRequest, match="Chat not found"):
            await b.get_chat(-5)
        assert (await b.get_chat_member(GROUP, 7)).status == "member"
        assert (await b.get_chat_member(GROUP, 8)).status == "left"
        copy = await b.copy_message(USER, GROUP, sent.message_id)
        assert fake_telegram.message(USER, copy.message_id)["text"] == "new case"  # type: ignore[index]
        # Uploads arrive as multipart; the reply must still parse as a Message.
        doc = await b.send_document(USER, b"%PDF-1.4", filename="guide.pdf", caption="guide")
        assert doc.document is not None and doc.caption == "guide"
        here = await b.send_location(USER, latitude=40.4, longitude=-3.7)
        assert here.location is not None and here.location.latitude == 40.4
    assert fake_telegram.texts(USER)[-2:] == ["guide", ""]


async def test_wrong_token_is_rejected(fake_telegram: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:wrong", base_url=fake_telegram.base_url):
            pass
    assert fake_telegram.calls[-1].status == 401


async def test_long_poll_waits_wakes_and_survives_stop(fake_telegram: FakeTelegram) -> None:
    url = f"{fake_telegram.base_url}{FakeTelegram.TOKEN}/getUpdates"
    async with aiohttp.ClientSession() as http:

        async def poll(offset: int) -> list[dict]:
            async with http.post(url, json={"offset": offset, "timeout": 30}) as resp:
                return (await resp.json())["result"]

        waiting = asyncio.create_task(poll(0))
        await asyncio.sleep(0.05)
        assert not waiting.done()  # no hot loop: an empty poll blocks
        fake_telegram.push_text(USER, USER, "wake up")
        updates = await asyncio.wait_for(waiting, 1)
        assert updates[0]["message"]["text"] == "wake up"
        assert fake_telegram.pending_updates() == 1  # fetched but not yet confirmed
        waiting = asyncio.create_task(poll(updates[0]["update_id"] + 1))
        await asyncio.sleep(0.05)
        assert fake_telegram.pending_updates() == 0
        started = time.monotonic()
        await fake_telegram.stop()  # must wake the waiting poll instead of hanging 30 s
        assert await asyncio.wait_for(waiting, 2) == []
        assert time.monotonic() - started < 1.5
