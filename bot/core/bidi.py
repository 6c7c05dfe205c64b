"""Right-to-left text that displays right on every phone.

A paragraph takes its direction from its first strong character. An Arabic
answer that starts with "BSN", a number or a Dutch place name would be laid out
left-to-right and read scrambled. A RIGHT-TO-LEFT MARK (invisible) at the start
of every line fixes the direction without changing what people read or copy.
"""

from __future__ import annotations

RLM = "\u200f"


def mark_rtl(text: str) -> str:
    return "\n".join(line if not line or line.startswith(RLM) else RLM + line
                     for line in text.split("\n"))
