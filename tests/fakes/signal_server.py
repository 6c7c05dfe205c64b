"""A fake signal-cli-rest-api (json-rpc mode) that the real signalbot talks to.

What signalbot calls, as bbernhard/signal-cli-rest-api answers it: `GET /v1/health`
(204), `GET /v1/about`, `GET /v1/groups/{number}`, the receive websocket
`GET /v1/receive/{number}` (one JSON text frame per envelope), `POST /v2/send`
(201, `[{"timestamp": "..."}]`), `PUT /v1/contacts/{number}`, `DELETE
/v1/remote-delete/{number}`. Tests push envelopes in (`push_private`,
`push_group`, `push_sync`), and read what the bot sent (`sent_to`, `texts_to`).

Envelopes pushed while no websocket is connected wait, as they would on Signal's
servers, and are delivered on the next connect. `drop()` closes the socket the
way a restarting service does (a clean close, code 1000), `redeliver()` sends an
envelope a second time. Nothing here touches the internet: 127.0.0.1, free port.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest_asyncio
from aiohttp import WSCloseCode, web

JSON = dict[str, Any]


@dataclass
class Sent:
    """One accepted POST /v2/send."""

    timestamp: int
    recipients: list[str]
    text: str
    edit_timestamp: int | None = None
    quote_timestamp: int | None = None
    raw: JSON = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


@dataclass
class Group:
    id: str  # "group." + base64 of the internal id, as the REST API shows it
    internal_id: str
    name: str
    members: list[str]


class FakeSignal:
    NUMBER: ClassVar[str] = "+31612345678"  # the bot's account in every test; not a real person's

    def __init__(self, *, mode: str = "json-rpc", version: str = "0.110") -> None:
        self.mode = mode
        self.version = version
        self.service = ""  # host:port, as HELPDESK_SIGNAL_SERVICE takes it
        self.calls: list[tuple[str, str, int]] = []  # (verb, path, status)
        self.sent: list[Sent] = []
        self.contacts: list[JSON] = []
        self.remote_deleted: list[JSON] = []
        self.groups: dict[str, Group] = {}
        self.unregistered: set[str] = set()
        self.connections = 0  # receive websockets opened so far
        self._failures: list[tuple[str, int, int]] = []  # (path prefix, status, times)
        self._pending: list[str] = []  # frames waiting for a connected socket
        self._history: list[str] = []  # every frame ever pushed, for redeliver()
        self._sockets: list[web.WebSocketResponse] = []
        self._clock = itertools.count(int(time.time() * 1000))
        self._runner: web.AppRunner | None = None
        self._wake = asyncio.Event()

    # -- lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/v1/health", self._health)
        app.router.add_get("/v1/about", self._about)
        app.router.add_get("/v1/groups/{number}", self._groups)
        app.router.add_get("/v1/receive/{number}", self._receive)
        app.router.add_post("/v2/send", self._send)
        app.router.add_put("/v1/contacts/{number}", self._contacts)
        app.router.add_delete("/v1/remote-delete/{number}", self._remote_delete)
        app.router.add_route("*", "/v1/typing-indicator/{number}", self._no_content)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.service = f"127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- what tests set up ----------------------------------------------------------------------

    def add_group(self, internal_id: str = "dm9sdW50ZWVycw==", name: str = "Volunteers",
                  members: list[str] | None = None) -> Group:
        group = Group("group." + internal_id.rstrip("=") + "Kw==", internal_id, name,
                      members or [])
        self.groups[group.id] = group
        return group

    def fail(self, path: str, status: int, *, times: int = 1) -> None:
        """The next `times` requests whose path starts with `path` answer `status`."""
        self._failures.append((path, status, times))

    def next_timestamp(self) -> int:
        return next(self._clock)

    def push_private(self, uuid: str, text: str | None, *, name: str = "Someone",
                     number: str | None = None, attachments: int = 0,
                     quote: int | None = None, timestamp: int | None = None) -> int:
        """A 1:1 message from `uuid`, with no phone number unless given. Returns its timestamp."""
        ts = timestamp or self.next_timestamp()
        data: JSON = {"timestamp": ts, "message": text, "expiresInSeconds": 0, "viewOnce": False}
        if attachments:
            data["attachments"] = [{"contentType": "image/jpeg", "id": f"att{i}",
                                    "isVoiceNote": False, "size": 1000}
                                   for i in range(attachments)]
        if quote is not None:
            data["quote"] = {"id": quote, "authorUuid": "bot", "text": ""}
        self._push(self._envelope(uuid, name, number, ts, dataMessage=data))
        return ts

    def push_group(self, group: Group, uuid: str, text: str, *, name: str = "Volunteer",
                   quote: int | None = None, timestamp: int | None = None) -> int:
        ts = timestamp or self.next_timestamp()
        data: JSON = {"timestamp": ts, "message": text, "expiresInSeconds": 0, "viewOnce": False,
                      "groupInfo": {"groupId": group.internal_id, "groupName": group.name,
                                    "revision": 1, "type": "DELIVER"}}
        if quote is not None:
            data["quote"] = {"id": quote, "author": self.NUMBER, "authorNumber": self.NUMBER,
                             "text": ""}
        self._push(self._envelope(uuid, name, None, ts, dataMessage=data))
        return ts

    def push_sync(self, destination_uuid: str, text: str) -> int:
        """What a linked phone of the bot's own account sent to someone (a sync message)."""
        ts = self.next_timestamp()
        sent = {"timestamp": ts, "message": text, "destination": destination_uuid,
                "destinationUuid": destination_uuid, "expiresInSeconds": 0, "viewOnce": False}
        self._push(self._envelope("00000000-0000-4000-8000-00000000b07", "Helpdesk", self.NUMBER,
                                  ts, syncMessage={"sentMessage": sent}))
        return ts

    def redeliver(self, timestamp: int) -> None:
        """Send the envelope with this timestamp again (Signal may, after a reconnect)."""
        for frame in self._history:
            if json.loads(frame)["envelope"]["timestamp"] == timestamp:
                self._push(frame)
                return
        raise ValueError("no such envelope")

    async def drop(self) -> None:
        """Close every receive socket cleanly, as a restarting signal-cli-rest-api does."""
        for ws in list(self._sockets):
            await ws.close(code=WSCloseCode.OK, message=b"restart")

    # -- what tests read ------------------------------------------------------------------------

    def sent_to(self, recipient: str) -> list[Sent]:
        return [s for s in self.sent if recipient in s.recipients]

    def texts_to(self, recipient: str) -> list[str]:
        return [s.text for s in self.sent_to(recipient)]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                recent = "\n".join(f"  {v} {p} -> {s}" for v, p, s in self.calls[-10:])
                name = getattr(predicate, "__name__", repr(predicate))
                raise AssertionError(f"{name} still false after {timeout}s; last calls:\n"
                                     f"{recent or '  (none)'}")
            await asyncio.sleep(0.01)

    async def wait_texts(self, recipient: str, count: int = 1, timeout: float = 5.0) -> list[str]:
        def enough() -> bool:
            return len(self.texts_to(recipient)) >= count

        await self.wait_for(enough, timeout)
        return self.texts_to(recipient)

    # -- the API ----------------------------------------------------------------------------------

    def _envelope(self, uuid: str, name: str, number: str | None, ts: int, **kind: Any) -> str:
        envelope: JSON = {"source": number or uuid, "sourceNumber": number, "sourceUuid": uuid,
                          "sourceName": name, "sourceDevice": 1, "timestamp": ts,
                          "serverReceivedTimestamp": ts + 5, "serverDeliveredTimestamp": ts + 9,
                          **kind}
        return json.dumps({"envelope": envelope, "account": self.NUMBER})

    def _push(self, frame: str) -> None:
        self._history.append(frame)
        self._pending.append(frame)
        self._wake.set()

    def _failure(self, request: web.Request) -> int | None:
        for i, (path, status, times) in enumerate(self._failures):
            if request.path.startswith(path):
                if times <= 1:
                    del self._failures[i]
                else:
                    self._failures[i] = (path, status, times - 1)
                return status
        return None

    def _record(self, request: web.Request, status: int) -> None:
        self.calls.append((request.method, request.path, status))

    def _check(self, request: web.Request) -> web.Response | None:
        status = self._failure(request)
        if status is not None:
            self._record(request, status)
            return web.json_response({"error": "injected failure"}, status=status)
        number = request.match_info.get("number")
        if number is not None and number != self.NUMBER:
            self._record(request, 400)
            return web.json_response({"error": "User is not registered."}, status=400)
        return None

    async def _health(self, request: web.Request) -> web.Response:
        if (failed := self._check(request)) is not None:
            return failed
        self._record(request, 204)
        return web.Response(status=204)

    async def _about(self, request: web.Request) -> web.Response:
        self._record(request, 200)
        return web.json_response({"versions": ["v1", "v2"], "build": 2, "mode": self.mode,
                                  "version": self.version, "capabilities": {"v2/send": ["quotes"]}})

    async def _groups(self, request: web.Request) -> web.Response:
        if (failed := self._check(request)) is not None:
            return failed
        self._record(request, 200)
        return web.json_response([
            {"name": g.name, "id": g.id, "internal_id": g.internal_id, "members": g.members,
             "blocked": False, "pending_invites": [], "pending_requests": [], "invite_link": "",
             "admins": [], "member": True, "description": "",
             "permissions": {"add_members": "only-admins", "edit_group": "only-admins",
                             "send_messages": "every-member"}}
            for g in self.groups.values()])

    async def _receive(self, request: web.Request) -> web.StreamResponse:
        if (failed := self._check(request)) is not None:
            return failed
        self._record(request, 101)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections += 1
        self._sockets.append(ws)
        try:
            while not ws.closed:
                while self._pending and not ws.closed:
                    frame = self._pending[0]
                    await ws.send_str(frame)
                    self._pending.pop(0)  # delivered: gone from the "server"
                self._wake.clear()
                waiter = asyncio.ensure_future(self._wake.wait())
                closed = asyncio.ensure_future(ws.receive())  # notices the client leaving
                done, _ = await asyncio.wait({waiter, closed}, return_when=asyncio.FIRST_COMPLETED)
                if closed in done:
                    waiter.cancel()
                    break
                closed.cancel()
        finally:
            self._sockets.remove(ws)
        return ws

    async def _send(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (failed := self._check(request)) is not None:
            return failed
        if body.get("number") != self.NUMBER:
            self._record(request, 400)
            return web.json_response({"error": "Invalid account (phone number)"}, status=400)
        recipients = body.get("recipients") or []
        gone = [r for r in recipients if r in self.unregistered]
        if gone:
            self._record(request, 400)
            return web.json_response({"error": "Failed to send message: Unregistered user"},
                                     status=400)
        for r in recipients:
            if r.startswith("group.") and r not in self.groups:
                self._record(request, 400)
                return web.json_response({"error": "Group not found"}, status=400)
        ts = self.next_timestamp()
        self.sent.append(Sent(ts, recipients, body.get("message", ""), body.get("edit_timestamp"),
                              body.get("quote_timestamp"), body))
        self._record(request, 201)
        return web.json_response([{"timestamp": str(ts)}], status=201)

    async def _contacts(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (failed := self._check(request)) is not None:
            return failed
        self.contacts.append(body)
        self._record(request, 204)
        return web.Response(status=204)

    async def _remote_delete(self, request: web.Request) -> web.Response:
        body = await request.json()
        if (failed := self._check(request)) is not None:
            return failed
        self.remote_deleted.append(body)
        self._record(request, 201)
        return web.json_response({"timestamp": str(self.next_timestamp())}, status=201)

    async def _no_content(self, request: web.Request) -> web.Response:
        self._record(request, 204)
        return web.Response(status=204)


@pytest_asyncio.fixture
async def fake_signal() -> AsyncIterator[FakeSignal]:
    server = FakeSignal()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()
