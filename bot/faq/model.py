"""What an FAQ entry is, once loaded and checked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

STATUSES = ("reviewed", "needs-review")


@dataclass(frozen=True)
class Translation:
    lang: str
    questions: tuple[str, ...]
    answer: str
    title: str  # short label for a "did you mean" button
    status: str = "needs-review"


@dataclass(frozen=True)
class FaqEntry:
    id: str
    offer_person: bool
    needs_human_review: bool
    sources: tuple[str, ...]
    reviewed: dt.date
    review_by: dt.date
    translations: dict[str, Translation]
    path: Path = field(default=Path("?"), compare=False)
    line: int = field(default=0, compare=False)
    review_note: str = ""

    def text(self, lang: str, *fallbacks: str | None) -> Translation | None:
        """The translation for `lang`, else the first fallback language that has one."""
        for code in (lang, *fallbacks):
            if code and code in self.translations:
                return self.translations[code]
        return None
