"""The console chat: a family's view in a terminal, or a script over a pipe,
with the volunteers' side on the same screen.

Buttons are shown as numbered choices; typing the number chooses. Lines that
start with `v:` are typed by a volunteer (`v: /claim 1`, `v: /reply 1 hello`,
`v: /close 1`); what the volunteers' room sees is printed with `[volunteers]`.
With piped standard input, each line is one message and everything goes to
standard output, so the whole flow can be scripted and tested.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

from bot.core.engine import Engine
from bot.core.messages import Button, Inbound, Response, Say, numbered
from bot.handoff import commands
from bot.handoff.cards import Card
from bot.handoff.desk import Desk, Volunteer

CHANNEL = "console"
USER = "console-user"
QUIT = {"/quit", "/exit"}
VOLUNTEER_PREFIX = "v:"
VOLUNTEER = Volunteer(room=CHANNEL, user="console-volunteer", name="Console volunteer")


def render(response: Response) -> str:
    """A response as plain text, with choices numbered."""
    blocks = [numbered(a.text, a.buttons) for a in response.actions if isinstance(a, Say)]
    return "\n\n".join(blocks)


class ConsoleSide:
    """The family channel and the volunteers' room of the console, writing to one stream."""

    name = CHANNEL

    def __init__(self, out: TextIO, interactive: bool):
        self.out = out
        self.interactive = interactive

    def write(self, who: str, text: str) -> None:
        if not text:
            return
        if self.interactive:
            self.out.write(f"{who}> " + text.replace("\n", "\n     ") + "\n\n")
        elif who == "bot":
            self.out.write(text + "\n\n")
        else:
            self.out.write(f"[{who}] " + text.replace("\n", "\n  ") + "\n\n")
        self.out.flush()

    # FamilyChannel
    async def deliver(self, address: str, text: str, buttons: tuple[Button, ...]) -> None:
        self.write("bot", numbered(text, buttons))

    # Room
    async def show(self, card: Card, ref: str | None) -> str | None:
        claim = f"\n(to take it: v: /claim {card.ticket})" if card.claimable else ""
        self.write("volunteers", card.text + claim)
        return "shown"

    async def post(self, card: Card, ref: str | None, text: str) -> str | None:
        self.write("volunteers", f"#{card.ticket} {text}")
        return ref


async def chat(engine: Engine, lines: Iterable[str] | None = None,
               out: TextIO | None = None, desk: Desk | None = None) -> None:
    """Run the conversation until end of input or /quit."""
    out = out or sys.stdout
    interactive = lines is None and sys.stdin.isatty()
    source = lines if lines is not None else sys.stdin
    side = ConsoleSide(out, interactive)
    if desk is not None:
        desk.add_family_channel(side)
        desk.add_room(side)
    if interactive:
        out.write("Helpdesk console. Type your question; /quit to leave.\n")
        if desk is not None:
            out.write("Lines starting with v: are the volunteer's: v: /queue, v: /claim 1, "
                      "v: /reply 1 hello, v: /faq 1 health.doctor, v: /close 1.\n")
        out.write("\n")
    start = await engine.handle(Inbound(CHANNEL, USER, "/start"))
    side.write("bot", render(start))
    _prompt(out, interactive)
    for raw in source:
        text = raw.rstrip("\n")
        if text.strip().lower() in QUIT:
            break
        if text.lstrip().lower().startswith(VOLUNTEER_PREFIX):
            said = text.lstrip()[len(VOLUNTEER_PREFIX):].strip()
            await _volunteer(side, desk, said)
        else:
            response = await engine.handle(Inbound(CHANNEL, USER, text))
            side.write("bot", render(response))
        if desk is not None:
            await desk.drain()
        _prompt(out, interactive)


async def _volunteer(side: ConsoleSide, desk: Desk | None, text: str) -> None:
    if desk is None:
        side.write("volunteers", "No volunteer queue in this console.")
        return
    cmd = commands.parse(text)
    if cmd is None:
        side.write("volunteers", "Volunteer lines are commands: " + commands.HELP)
        return
    side.write("volunteers", await commands.run(desk, VOLUNTEER, cmd))


def _prompt(out: TextIO, interactive: bool) -> None:
    if interactive:
        out.write("you> ")
        out.flush()
