"""The console chat: a family's view in a terminal, or a script over a pipe.

Buttons are shown as numbered choices; typing the number chooses. With piped
standard input, each line is one message and the replies go to standard
output, so the whole conversation can be scripted and tested.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

from bot.core.engine import Engine
from bot.core.messages import Inbound, Response, Say

CHANNEL = "console"
USER = "console-user"
QUIT = {"/quit", "/exit"}


def render(response: Response) -> str:
    """A response as plain text, with choices numbered."""
    blocks = []
    for action in response.actions:
        if not isinstance(action, Say):
            continue
        lines = [action.text]
        lines += [f"  {i}. {b.label}" for i, b in enumerate(action.buttons, start=1)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


async def chat(engine: Engine, lines: Iterable[str] | None = None,
               out: TextIO | None = None) -> None:
    """Run the conversation until end of input or /quit."""
    out = out or sys.stdout
    interactive = lines is None and sys.stdin.isatty()
    source = lines if lines is not None else sys.stdin
    if interactive:
        out.write("Helpdesk console. Type your question; /quit to leave.\n\n")
    start = await engine.handle(Inbound(CHANNEL, USER, "/start"))
    _write(out, "bot", render(start), interactive)
    if interactive:
        out.write("you> ")
        out.flush()
    for raw in source:
        text = raw.rstrip("\n")
        if text.strip().lower() in QUIT:
            break
        response = await engine.handle(Inbound(CHANNEL, USER, text))
        _write(out, "bot", render(response), interactive)
        if interactive:
            out.write("you> ")
            out.flush()


def _write(out: TextIO, who: str, text: str, interactive: bool) -> None:
    if interactive:
        out.write(f"{who}> " + text.replace("\n", "\n     ") + "\n\n")
    else:
        out.write(text + "\n\n")
    out.flush()
