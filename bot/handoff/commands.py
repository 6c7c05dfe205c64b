"""Volunteer commands, the same on every network: parse, then run against the desk.

`/claim N`, `/reply N TEXT`, `/faq N ID`, `/release N`, `/close N`,
`/ban N [HOURS]`, `/queue`, `/name NAME`, `/note TEXT`, `/help`. Where the network shows which ticket a
message belongs to (a Telegram topic, a reply to the card), the transport passes
it as `default_ticket` and the number may be left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.handoff.cards import HELP
from bot.handoff.desk import Desk, Verdict, Volunteer

VERBS = ("claim", "reply", "faq", "release", "close", "ban", "queue", "name", "note", "help")
NEEDS_TICKET = ("claim", "reply", "faq", "release", "close", "ban")
MAX_NAME = 32
BAN_HOURS = 24
MAX_BAN_HOURS = 24 * 30


@dataclass(frozen=True)
class Command:
    verb: str
    ticket: int | None
    arg: str


def parse(text: str, default_ticket: int | None = None) -> Command | None:
    """A volunteer command, or None if the text is not one (plain text, unknown command)."""
    if not text.startswith("/"):
        return None
    head, _, rest = text[1:].partition(" ")
    verb = head.split("@")[0].lower()  # /claim@helpdesk_bot in Telegram groups
    if verb not in VERBS:
        return None
    rest = rest.strip()
    ticket = default_ticket
    if verb in NEEDS_TICKET:
        first, _, after = rest.partition(" ")
        number = first.lstrip("#")
        if number.isdecimal():
            ticket, rest = int(number), after.strip()
    return Command(verb, ticket, rest)


async def run(desk: Desk, vol: Volunteer, cmd: Command, message_key: str | None = None) -> str:
    """Carry out a command; return what to tell the volunteer ('' when nothing is needed)."""
    if cmd.verb == "help":
        return HELP
    if cmd.verb == "note":
        return ""  # a note stays in the room: nothing goes to the family
    if cmd.verb == "queue":
        cards = await desk.queue(vol.room)
        if not cards:
            return "No open tickets."
        return "\n\n".join(card.text for card in cards)
    if cmd.verb == "name":
        name = " ".join(cmd.arg.split())[:MAX_NAME]
        if not name:
            return "Usage: /name NAME (what families see instead of 'Volunteer')."
        await desk.set_name(vol, name)
        return f"Families will see you as: {name}"
    if cmd.ticket is None:
        return f"Which ticket? Use /{cmd.verb} N, e.g. /{cmd.verb} 3."
    n = cmd.ticket
    if cmd.verb == "claim":
        verdict = await desk.claim(n, vol)
        return f"You have ticket #{n}." if verdict is Verdict.OK else desk.verdict_text(verdict, n)
    if cmd.verb == "reply":
        if not cmd.arg:
            return "Usage: /reply N TEXT"
        verdict = await desk.reply(n, vol, cmd.arg, message_key)
        return "" if verdict in (Verdict.OK, Verdict.DUPLICATE) else desk.verdict_text(verdict, n)
    if cmd.verb == "faq":
        verdict, sent = await desk.send_faq(n, vol, cmd.arg.strip())
        if verdict is Verdict.OK:
            return f"Sent to ticket #{n}: {sent}"
        return desk.verdict_text(verdict, n)
    if cmd.verb == "ban":
        arg = cmd.arg.split()[0] if cmd.arg else str(BAN_HOURS)
        try:
            hours = min(float(arg), MAX_BAN_HOURS)
        except ValueError:
            return "Usage: /ban N [HOURS], e.g. /ban 3 24"
        verdict = await desk.ban(n, vol, hours)
        return (f"Ticket #{n} closed; its sender is paused for {hours:g} hours."
                if verdict is Verdict.OK else desk.verdict_text(verdict, n))
    if cmd.verb == "release":
        verdict = await desk.release(n, vol)
        return (f"Ticket #{n} is back in the queue." if verdict is Verdict.OK
                else desk.verdict_text(verdict, n))
    verdict = await desk.close(n, vol)
    return f"Ticket #{n} closed." if verdict is Verdict.OK else desk.verdict_text(verdict, n)
