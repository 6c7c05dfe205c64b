"""The volunteer queue on disk: one SQLite file, written through aiosqlite.

What is stored, and why it is enough:
- `tickets`: one row per open ticket. Who asked is a pseudonym (keyed hash) and
  a sealed return address; the row loses the address when the ticket closes and
  is deleted once every volunteers' room shows it closed.
- `messages`: the family's and volunteers' words while the ticket is open
  (sealed), so a volunteer who claims a released ticket sees the history.
  Deleted when the ticket closes.
- `outbox`: everything still to be sent, kept until the network accepted it,
  so a 5xx, a timeout or a restart loses nothing. Sent in order per lane
  (one ticket, one target).
- `cards`: per ticket and room, which version of the ticket the room shows
  (edits are coalesced: the room renders the latest state once).
- `links`: which room message or topic belongs to which ticket.
- `seen`: keyed hashes of incoming message ids, so a redelivered update after
  a crash is not relayed twice. Kept two days.
- `counts`: numbers per day (tickets opened, closed, ...): all that remains of
  a closed ticket.
- `bans`: pseudonyms a volunteer paused with /ban, until when. Deleted when over.

The schema mentions no chat network: a room or a family channel is a name.
SQLite's secure_delete overwrites deleted rows, so closed tickets do not linger
in the file's free pages.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE IF NOT EXISTS tickets(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    status TEXT NOT NULL CHECK (status IN ('open', 'claimed', 'closed')),
    family TEXT NOT NULL,
    channel TEXT NOT NULL,
    address BLOB,
    lang TEXT NOT NULL,
    guesses TEXT NOT NULL,
    urgent INTEGER NOT NULL DEFAULT 0,
    volunteer TEXT,
    volunteer_name TEXT,
    room TEXT,
    created REAL NOT NULL,
    claimed REAL,
    announced REAL NOT NULL,
    touched REAL NOT NULL,
    close_reason TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS one_open_ticket_per_family
    ON tickets(family) WHERE status != 'closed';
CREATE TABLE IF NOT EXISTS messages(
    id INTEGER PRIMARY KEY,
    ticket INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    body BLOB NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox(
    id INTEGER PRIMARY KEY,
    ticket INTEGER NOT NULL,
    target TEXT NOT NULL,
    body BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    due REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_lane ON outbox(ticket, target, id);
CREATE TABLE IF NOT EXISTS cards(
    ticket INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    room TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    shown INTEGER NOT NULL DEFAULT 0,
    ref TEXT,
    PRIMARY KEY (ticket, room)
);
CREATE TABLE IF NOT EXISTS links(
    room TEXT NOT NULL,
    key TEXT NOT NULL,
    ticket INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    PRIMARY KEY (room, key)
);
CREATE TABLE IF NOT EXISTS seen(key TEXT PRIMARY KEY, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS counts(
    day TEXT NOT NULL, name TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, name));
CREATE TABLE IF NOT EXISTS volunteers(key TEXT PRIMARY KEY, name TEXT NOT NULL, touched REAL NOT NULL);
CREATE TABLE IF NOT EXISTS bans(key TEXT PRIMARY KEY, until REAL NOT NULL);
"""

SEEN_DAYS = 2
GIVE_UP_ATTEMPTS = 20  # a notice to a closed ticket's family: about 15 minutes of retries
VOLUNTEER_NAME_DAYS = 180
TICKET_COLUMNS = ("id, status, family, channel, address, lang, guesses, urgent, volunteer, "
                  "volunteer_name, room, created, claimed, announced, touched")


@dataclass(frozen=True)
class Ticket:
    id: int
    status: str
    family: str
    channel: str
    address: bytes | None
    lang: str
    guesses: tuple[str, ...]
    urgent: bool
    volunteer: str | None
    volunteer_name: str | None
    room: str | None
    created: float
    claimed: float | None
    announced: float
    touched: float

    @classmethod
    def from_row(cls, row: tuple) -> Ticket:
        values = list(row)
        values[6] = tuple(json.loads(values[6]))
        values[7] = bool(values[7])
        return cls(*values)


@dataclass(frozen=True)
class OutboxItem:
    id: int
    ticket: int
    target: str  # "family" or "room:<name>"
    body: bytes
    attempts: int


class Tx:
    """The queue's writes, inside one transaction (see `TicketStore.tx`)."""

    def __init__(self, db: aiosqlite.Connection, now: float):
        self.db = db
        self.now = now

    async def _one(self, sql: str, args: tuple = ()) -> tuple | None:
        async with self.db.execute(sql, args) as cur:
            return await cur.fetchone()

    async def ticket(self, ticket_id: int) -> Ticket | None:
        row = await self._one(f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,))
        return Ticket.from_row(row) if row else None

    async def active(self, family: str) -> Ticket | None:
        row = await self._one(f"SELECT {TICKET_COLUMNS} FROM tickets WHERE family = ? "
                              "AND status != 'closed'", (family,))
        return Ticket.from_row(row) if row else None

    async def create(self, *, family: str, channel: str, address: bytes, lang: str,
                     guesses: tuple[str, ...], urgent: bool, rooms: tuple[str, ...]) -> int:
        cur = await self.db.execute(
            "INSERT INTO tickets(status, family, channel, address, lang, guesses, urgent, "
            "created, announced, touched) VALUES ('open', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (family, channel, address, lang, json.dumps(list(guesses)), int(urgent),
             self.now, self.now, self.now))
        ticket_id = cur.lastrowid
        assert ticket_id is not None
        await self.db.executemany("INSERT INTO cards(ticket, room) VALUES (?, ?)",
                                  [(ticket_id, room) for room in rooms])
        await self.count("tickets_opened")
        return ticket_id

    async def add_message(self, ticket_id: int, author: str, body: bytes) -> None:
        await self.db.execute("INSERT INTO messages(ticket, author, body, at) VALUES (?, ?, ?, ?)",
                              (ticket_id, author, body, self.now))
        await self.db.execute("UPDATE tickets SET touched = ? WHERE id = ?", (self.now, ticket_id))

    async def messages(self, ticket_id: int) -> list[tuple[str, bytes]]:
        async with self.db.execute("SELECT author, body FROM messages WHERE ticket = ? ORDER BY id",
                                   (ticket_id,)) as cur:
            return [(a, b) for a, b in await cur.fetchall()]

    async def message_count(self, ticket_id: int) -> int:
        row = await self._one("SELECT count(*) FROM messages WHERE ticket = ? AND author = 'family'",
                              (ticket_id,))
        return int(row[0]) if row else 0

    async def set_urgent(self, ticket_id: int) -> None:
        await self.db.execute("UPDATE tickets SET urgent = 1 WHERE id = ?", (ticket_id,))

    async def claim(self, ticket_id: int, volunteer: str, name: str, room: str) -> bool:
        """Atomic: of two volunteers claiming at once, exactly one changes the row."""
        cur = await self.db.execute(
            "UPDATE tickets SET status = 'claimed', volunteer = ?, volunteer_name = ?, room = ?, "
            "claimed = ?, touched = ? WHERE id = ? AND status = 'open'",
            (volunteer, name, room, self.now, self.now, ticket_id))
        return cur.rowcount == 1

    async def release(self, ticket_id: int) -> None:
        await self.db.execute(
            "UPDATE tickets SET status = 'open', volunteer = NULL, volunteer_name = NULL, "
            "room = NULL, claimed = NULL, announced = ?, touched = ? WHERE id = ?",
            (self.now, self.now, ticket_id))

    async def close(self, ticket_id: int, reason: str) -> None:
        """Keep only what the rooms need to show 'closed'; the family's traces go now."""
        await self.db.execute(
            "UPDATE tickets SET status = 'closed', address = NULL, close_reason = ?, touched = ? "
            "WHERE id = ?", (reason, self.now, ticket_id))
        await self.db.execute("DELETE FROM messages WHERE ticket = ?", (ticket_id,))
        await self.db.execute("DELETE FROM outbox WHERE ticket = ? AND target != 'family'",
                              (ticket_id,))
        await self.count(f"tickets_closed_{reason}")

    async def close_reason(self, ticket_id: int) -> str | None:
        row = await self._one("SELECT close_reason FROM tickets WHERE id = ?", (ticket_id,))
        return row[0] if row else None

    async def announced(self, ticket_id: int) -> None:
        await self.db.execute("UPDATE tickets SET announced = ? WHERE id = ?", (self.now, ticket_id))

    async def dirty(self, ticket_id: int) -> None:
        """Every room should show the ticket's new state (once, however many changes)."""
        await self.db.execute("UPDATE cards SET version = version + 1 WHERE ticket = ?",
                              (ticket_id,))

    async def enqueue(self, ticket_id: int, target: str, body: bytes) -> None:
        await self.db.execute("INSERT INTO outbox(ticket, target, body, due) VALUES (?, ?, ?, ?)",
                              (ticket_id, target, body, self.now))

    async def first_time(self, key: str) -> bool:
        """Record an incoming message id; False if it was already handled."""
        cur = await self.db.execute("INSERT OR IGNORE INTO seen(key, at) VALUES (?, ?)",
                                    (key, self.now))
        return cur.rowcount == 1

    async def ban(self, family: str, until: float) -> None:
        await self.db.execute("INSERT OR REPLACE INTO bans(key, until) VALUES (?, ?)",
                              (family, until))

    async def count(self, name: str, n: int = 1) -> None:
        day = dt.datetime.fromtimestamp(self.now, dt.UTC).date().isoformat()
        await self.db.execute(
            "INSERT INTO counts(day, name, n) VALUES (?, ?, ?) "
            "ON CONFLICT(day, name) DO UPDATE SET n = n + excluded.n", (day, name, n))


class TicketStore:
    def __init__(self, db: aiosqlite.Connection):
        self.db = db
        self._lock = asyncio.Lock()  # one transaction at a time on the one connection

    @classmethod
    async def open(cls, path: Path | str) -> TicketStore:
        db = await aiosqlite.connect(str(path), isolation_level=None)
        for pragma in ("journal_mode = DELETE", "synchronous = FULL", "foreign_keys = ON",
                       "secure_delete = ON"):
            await db.execute(f"PRAGMA {pragma}")
        await db.executescript(SCHEMA)
        return cls(db)

    async def close(self) -> None:
        await self.db.close()

    @asynccontextmanager
    async def tx(self, now: float) -> AsyncIterator[Tx]:
        async with self._lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(self.db, now)
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    async def read(self, sql: str, args: tuple = ()) -> list[tuple]:
        async with self._lock, self.db.execute(sql, args) as cur:
            return list(await cur.fetchall())

    # -- reads outside a transaction ------------------------------------------------------

    async def ticket(self, ticket_id: int) -> Ticket | None:
        rows = await self.read(f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,))
        return Ticket.from_row(rows[0]) if rows else None

    async def active(self, family: str) -> Ticket | None:
        rows = await self.read(f"SELECT {TICKET_COLUMNS} FROM tickets WHERE family = ? "
                               "AND status != 'closed'", (family,))
        return Ticket.from_row(rows[0]) if rows else None

    async def open_tickets(self) -> list[Ticket]:
        rows = await self.read(f"SELECT {TICKET_COLUMNS} FROM tickets WHERE status != 'closed' "
                               "ORDER BY urgent DESC, id")
        return [Ticket.from_row(r) for r in rows]

    async def meta(self, key: str) -> bytes | None:
        rows = await self.read("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    async def set_meta(self, key: str, value: bytes) -> None:
        async with self._lock:
            await self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                                  (key, value))

    # -- outbox -----------------------------------------------------------------------------

    async def due(self, now: float, limit: int = 50) -> list[OutboxItem]:
        """The oldest unsent item of each lane, if it is due: order within a lane holds."""
        rows = await self.read(
            "SELECT o.id, o.ticket, o.target, o.body, o.attempts FROM outbox o "
            "WHERE o.id = (SELECT min(id) FROM outbox p WHERE p.ticket = o.ticket "
            "AND p.target = o.target) AND o.due <= ? ORDER BY o.id LIMIT ?", (now, limit))
        return [OutboxItem(*r) for r in rows]

    async def next_due(self) -> float | None:
        rows = await self.read("SELECT min(due) FROM outbox")
        return rows[0][0] if rows and rows[0][0] is not None else None

    async def sent(self, item_id: int) -> None:
        async with self._lock:
            await self.db.execute("DELETE FROM outbox WHERE id = ?", (item_id,))

    async def retry_later(self, item_id: int, due: float) -> None:
        async with self._lock:
            await self.db.execute("UPDATE outbox SET attempts = attempts + 1, due = ? WHERE id = ?",
                                  (due, item_id))

    async def pending(self) -> int:
        rows = await self.read("SELECT count(*) FROM outbox")
        return int(rows[0][0])

    # -- cards and links ----------------------------------------------------------------------

    async def stale_cards(self, limit: int = 50) -> list[tuple[int, str, int, str | None]]:
        """(ticket, room, version, ref) for cards whose room shows an older state."""
        return await self.read("SELECT ticket, room, version, ref FROM cards WHERE version > shown "
                               "ORDER BY ticket LIMIT ?", (limit,))

    async def card_shown(self, ticket_id: int, room: str, version: int, ref: str | None) -> None:
        async with self._lock:
            await self.db.execute(
                "UPDATE cards SET shown = max(shown, ?), ref = ? WHERE ticket = ? AND room = ?",
                (version, ref, ticket_id, room))

    async def card_ref(self, ticket_id: int, room: str) -> str | None:
        rows = await self.read("SELECT ref FROM cards WHERE ticket = ? AND room = ?",
                               (ticket_id, room))
        return rows[0][0] if rows else None

    async def set_card_ref(self, ticket_id: int, room: str, ref: str) -> None:
        async with self._lock:
            await self.db.execute("UPDATE cards SET ref = ? WHERE ticket = ? AND room = ?",
                                  (ref, ticket_id, room))

    async def link(self, room: str, key: str, ticket_id: int) -> None:
        async with self._lock:
            await self.db.execute("INSERT OR REPLACE INTO links(room, key, ticket) VALUES (?, ?, ?)",
                                  (room, key, ticket_id))

    async def linked(self, room: str, key: str) -> int | None:
        rows = await self.read("SELECT ticket FROM links WHERE room = ? AND key = ?", (room, key))
        return rows[0][0] if rows else None

    # -- housekeeping -------------------------------------------------------------------------

    async def purge(self, now: float) -> int:
        """Delete closed tickets every room already shows as closed, and old message ids."""
        async with self._lock:
            # Nothing waits forever: open tickets expire, and what is left for a closed one
            # (the "closed" notice) is given up after many failed tries.
            await self.db.execute(
                "DELETE FROM outbox WHERE ticket IN (SELECT ticket FROM outbox WHERE attempts >= ?) "
                "AND ticket NOT IN (SELECT id FROM tickets WHERE status != 'closed')",
                (GIVE_UP_ATTEMPTS,))
            cur = await self.db.execute(
                "DELETE FROM tickets WHERE status = 'closed' "
                "AND NOT EXISTS (SELECT 1 FROM cards c WHERE c.ticket = tickets.id "
                "AND c.version > c.shown) "
                "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.ticket = tickets.id)")
            await self.db.execute("DELETE FROM seen WHERE at < ?", (now - SEEN_DAYS * 86400,))
            await self.db.execute("DELETE FROM volunteers WHERE touched < ?",
                                  (now - VOLUNTEER_NAME_DAYS * 86400,))
            await self.db.execute("DELETE FROM bans WHERE until < ?", (now,))
            return cur.rowcount

    async def banned_until(self, family: str, now: float) -> float | None:
        rows = await self.read("SELECT until FROM bans WHERE key = ? AND until > ?", (family, now))
        return rows[0][0] if rows else None

    async def volunteer_name(self, key: str) -> str | None:
        rows = await self.read("SELECT name FROM volunteers WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    async def set_volunteer_name(self, key: str, name: str, now: float) -> None:
        async with self._lock:
            await self.db.execute("INSERT OR REPLACE INTO volunteers(key, name, touched) "
                                  "VALUES (?, ?, ?)", (key, name, now))

    async def counts(self) -> dict[str, int]:
        rows = await self.read("SELECT name, sum(n) FROM counts GROUP BY name ORDER BY name")
        return {name: int(n) for name, n in rows}
