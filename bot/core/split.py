"""Split a long reply into pieces a network accepts (Telegram: 4096 characters).

Cuts at a paragraph, then a line, then a sentence, then a word: never inside a
word when it can be helped, so each piece reads on its own.
"""

from __future__ import annotations

BREAKS = ("\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ")


def split_text(text: str, limit: int) -> list[str]:
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = 0
        for mark in BREAKS:
            at = window.rfind(mark)
            if at >= limit // 3:  # not so early that pieces become tiny
                cut = at + len(mark.rstrip()) if mark.strip() else at
                break
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
