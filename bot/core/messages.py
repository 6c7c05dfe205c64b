"""What flows into and out of the core. No chat network appears here.

A transport turns a network's update into an `Inbound`, hands it to the engine,
and carries out the `Response`'s actions in its own way (buttons on Telegram,
numbered choices on Signal and the console).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    ANSWER = "answer"  # one FAQ entry, confidently
    SUGGEST = "suggest"  # 2-3 entries offered, plus "none of these"
    HANDOFF = "handoff"  # "I don't know this" / a person was asked for: offer a volunteer
    EMERGENCY = "emergency"  # acute danger: emergency response first
    REPLY = "reply"  # greeting, thanks, help, language choice: no FAQ entry
    RELAY = "relay"  # a ticket is open: the words went to the volunteers' queue


@dataclass(frozen=True)
class Button:
    label: str
    payload: str  # plain string, e.g. "faq:health.doctor", so buttons survive a restart


@dataclass(frozen=True)
class Inbound:
    channel: str  # "console", "telegram", "signal"
    user: str  # opaque reference chosen by the transport; never shown to anyone
    text: str = ""
    lang_hint: str | None = None  # e.g. Telegram's language_code
    payload: str | None = None  # set when a button was pressed
    kind: str = "text"  # or what else arrived: photo, voice, sticker, location, contact, ...
    message_id: str | None = None  # the network's id of this message, to drop redeliveries


@dataclass(frozen=True)
class Say:
    """Send this text (with optional choices) to the person who wrote."""

    text: str
    buttons: tuple[Button, ...] = ()


def numbered(text: str, buttons: tuple[Button, ...]) -> str:
    """Text with its choices as a numbered list, for networks without buttons."""
    return "\n".join([text] + [f"  {i}. {b.label}" for i, b in enumerate(buttons, start=1)])


@dataclass(frozen=True)
class Erase:
    """Delete what the network still shows of this conversation, where it allows
    (Telegram: messages of the last 48 hours; Signal: remote delete)."""


Action = Say | Erase


@dataclass(frozen=True)
class Response:
    outcome: Outcome
    lang: str
    actions: tuple[Action, ...]
    faq_id: str | None = None  # set only for Outcome.ANSWER
    suggestions: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        """Everything said, as one text (for `ask`, eval and logs of tests)."""
        return "\n\n".join(a.text for a in self.actions if isinstance(a, Say))

    @property
    def buttons(self) -> tuple[Button, ...]:
        return tuple(b for a in self.actions if isinstance(a, Say) for b in a.buttons)
