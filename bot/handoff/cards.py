"""What volunteers read about a ticket: the card, and the bot's notes in the room.

Volunteers see a ticket number, the language, how long it waits, and the FAQ
entries the bot thought of. Never a name, username, phone number or network id:
nothing here receives one. The texts are English for now (see content/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass

CLOSE_REASONS = {
    "volunteer": "closed by the volunteer",
    "withdrawn": "withdrawn by the family",
    "unreachable": "closed: the family can no longer be reached (blocked the bot or left)",
    "expired": "closed: nobody answered in time",
    "banned": "closed: the sender is paused (/ban)",
}


@dataclass(frozen=True)
class Card:
    ticket: int
    status: str  # open, claimed, closed
    lang: str
    lang_name: str
    guesses: tuple[str, ...]
    urgent: bool
    waiting_minutes: int
    messages: int
    claimer: str | None = None
    close_reason: str | None = None
    reannounced: bool = False

    @property
    def claimable(self) -> bool:
        return self.status == "open"

    @property
    def text(self) -> str:
        head = f"Ticket #{self.ticket} · {self.lang_name} ({self.lang})"
        if self.urgent:
            head = "URGENT · " + head
        lines = [head]
        if self.status == "open":
            still = "Still waiting" if self.reannounced else "Waiting"
            lines.append(f"{still}: {self.waiting_minutes} min · {_messages(self.messages)}")
        elif self.status == "claimed":
            lines.append(f"Taken by {self.claimer or 'a volunteer'} · {_messages(self.messages)}")
        else:
            lines.append(CLOSE_REASONS.get(self.close_reason or "", "closed").capitalize())
        if self.status != "closed":
            guesses = ", ".join(self.guesses) if self.guesses else "none"
            lines.append(f"Bot's guesses: {guesses}")
        return "\n".join(lines)


def _messages(n: int) -> str:
    return "1 message" if n == 1 else f"{n} messages"


def family_line(text: str) -> str:
    return f"Family: {text}"


def volunteer_line(name: str, text: str) -> str:
    return f"{name}: {text}"


HELP = ("Volunteer commands: /claim N, /reply N TEXT, /faq N ID (sends the checked answer in "
        "the family's language), /release N, /close N, /ban N [HOURS] (pause a spammer, "
        "default 24 h), /queue, /name NAME (what families see), "
        "/note TEXT (stays here). In a ticket's topic, or replying to its messages, "
        "the number can be left out and plain text goes to the family.")
