"""Putting the parts together: content, the queue on disk, the engine and the networks.

`Service` is what `helpdesk run` starts when a network is configured; tests start
the same object against fake servers, and start it again on the same data folder
to check that tickets survive a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable

from bot.content import Content
from bot.core.engine import Engine
from bot.handoff.desk import Desk
from bot.handoff.seal import Sealer, SecretError, load_secret
from bot.handoff.store import TicketStore
from bot.settings import Settings, SettingsError, prepare_data_dir

log = logging.getLogger(__name__)
CANARY = b"helpdesk"


async def open_queue(content: Content, store: TicketStore, sealer: Sealer,
                     clock: Callable[[], float] | None = None) -> Desk:
    """A desk on this store, after checking the secret can read what is already there."""
    canary = await store.meta("canary")
    if canary is None:
        await store.set_meta("canary", sealer.seal(CANARY.decode()))
    elif not sealer.can_open(canary):
        raise SecretError("HELPDESK_SECRET is not the secret this data folder was written with; "
                          "use the old one (open tickets cannot be read without it)")
    return Desk(store, sealer, content, clock=clock) if clock else Desk(store, sealer, content)


class Service:
    def __init__(self, content: Content, settings: Settings, *,
                 telegram_options: dict | None = None):
        self.content = content
        self.settings = settings
        self.telegram_options = telegram_options or {}
        self.store: TicketStore | None = None
        self.desk: Desk | None = None
        self.engine: Engine | None = None
        self.telegram = None
        self.signal = None

    async def start(self) -> None:
        prepare_data_dir(self.settings.data_dir)
        sealer = Sealer(load_secret(self.settings.data_dir))
        self.store = await TicketStore.open(self.settings.database)
        try:
            self.desk = await open_queue(self.content, self.store, sealer)
            self.engine = Engine(self.content, handoff=self.desk)
            if self.settings.telegram:
                from bot.transports.telegram import TelegramTransport

                self.telegram = TelegramTransport(self.settings.telegram, self.engine, self.desk,
                                                  **self.telegram_options)
                await self.telegram.start()
            if self.settings.signal:
                from bot.transports.signal import SignalTransport

                self.signal = SignalTransport(self.settings.signal, self.engine, self.desk)
                await self.signal.start()
        except BaseException:
            if self.telegram is not None:
                await self.telegram.stop()
            await self.store.close()
            raise
        await self.desk.start()
        log.info("helpdesk started")

    async def stop(self) -> None:
        if self.signal is not None:
            await self.signal.stop()
        if self.telegram is not None:
            await self.telegram.stop()
        if self.desk is not None:
            await self.desk.stop()
        if self.store is not None:
            await self.store.close()
        log.info("helpdesk stopped")


async def serve(content: Content, settings: Settings) -> None:
    """Run until SIGINT or SIGTERM, then stop cleanly (queued messages stay on disk)."""
    service = Service(content, settings)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stopping.set)
    await service.start()
    try:
        await stopping.wait()
    finally:
        await service.stop()


__all__ = ["Service", "SettingsError", "open_queue", "serve"]
