"""Recognise acute danger before anything else.

Phrases come from `content/safety/emergency.yaml`, written by editors:
- words match whole words after normalising ("Hurting" = "hurting");
- a word ending in `*` matches any ending: `hit*` = hit, hits, hitting;
- `..` allows up to three other words in between: `he .. hit* me`;
- whole words of six letters or more also match with one typo or swapped
  pair ("myslef" = "myself"), because a person in danger does not proofread;
  words with `*` do not, or "prison" would match "poison*".

A message is an emergency when a danger phrase matches and no exception phrase
("dying of boredom" in "I am dying of boredom") overlaps the words it matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

# OSA distance counts swapped neighbours ("myslef") as one typo, like a person would.
from rapidfuzz.distance import OSA

from bot.textnorm import normalise

GAP = ".."
MAX_GAP = 3
TYPO_MIN_LEN = 6  # at 5, "beats" matched "beat": a different tense, not a typo
_JOINED = ("\u0648", "\u0641")  # Arabic و (and), ف (so), written joined to the next word


@dataclass(frozen=True)
class Word:
    text: str
    prefix: bool  # written with a trailing *

    def matches(self, token: str) -> bool:
        if self.prefix:
            # No typo tolerance on a stem: "prison" is one letter from "poison*".
            return token.startswith(self.text)
        if token == self.text:
            return True
        return len(self.text) >= TYPO_MIN_LEN and OSA.distance(token, self.text) <= 1


@dataclass(frozen=True)
class Phrase:
    source: str  # as written by the editor
    parts: tuple[Word | None, ...]  # None = gap

    @cached_property
    def required(self) -> frozenset[str]:
        """Words that can only match exactly (short, no `*`): all must be in the message."""
        return frozenset(w.text for w in self.parts
                         if w is not None and not w.prefix and len(w.text) < TYPO_MIN_LEN)

    @classmethod
    def parse(cls, text: str) -> Phrase:
        parts: list[Word | None] = []
        for raw in text.split():
            if raw == GAP:
                parts.append(None)
                continue
            prefix = raw.endswith("*")
            word = normalise(raw.rstrip("*"))
            if not word:
                continue
            for piece in word.split()[:-1]:  # "don't" -> "don t"
                parts.append(Word(piece, False))
            parts.append(Word(word.split()[-1], prefix))
        while parts and parts[0] is None:
            parts.pop(0)
        while parts and parts[-1] is None:
            parts.pop()
        if not parts:
            raise ValueError("a phrase needs at least one word")
        return cls(text, tuple(parts))

    def spans(self, tokens: list[str], token_set: frozenset[str] | None = None
              ) -> list[tuple[int, int]]:
        """Every (start, end) range of tokens this phrase matches."""
        if token_set is not None and not self.required <= token_set:
            return []  # a set test spares walking the message for most phrases
        found = []
        for start in range(len(tokens)):
            end = self._match_from(tokens, start, 0)
            if end is not None:
                found.append((start, end))
        return found

    def _match_from(self, tokens: list[str], pos: int, part: int) -> int | None:
        if part == len(self.parts):
            return pos
        word = self.parts[part]
        if word is None:
            for skip in range(MAX_GAP + 1):
                end = self._match_from(tokens, pos + skip, part + 1)
                if end is not None:
                    return end
            return None
        if pos < len(tokens) and word.matches(tokens[pos]):
            return self._match_from(tokens, pos + 1, part + 1)
        return None


@dataclass(frozen=True)
class Alarm:
    category: str  # "violence", "suicide", "child", "medical", "held"
    phrase: str  # the editor's phrase that matched (for tests and eval, never logged)


class Triage:
    def __init__(self, categories: dict[str, list[Phrase]], exceptions: list[Phrase]):
        self.categories = categories
        self.exceptions = exceptions
        # Ten languages bring about 1,800 phrases; walking each over every message cost
        # about 1 ms a message. An index on each phrase's first word finds the few that
        # can start anywhere in this message.
        alarms = [p for ps in categories.values() for p in ps]
        self._order = {id(p): i for i, p in enumerate(alarms)}
        self._category = {id(p): c for c, ps in categories.items() for p in ps}
        self._alarms = _FirstWordIndex(alarms)
        self._exceptions = _FirstWordIndex(exceptions)

    def check(self, normalised_text: str) -> Alarm | None:
        tokens = normalised_text.split()
        if not tokens:
            return None
        alarm = self._check(tokens)
        if alarm is None and (split := conjunction_apart(tokens)) != tokens:
            alarm = self._check(split)
        return alarm

    def _check(self, tokens: list[str]) -> Alarm | None:
        token_set = frozenset(tokens)
        covered: set[int] = set()
        for phrase in self._exceptions.candidates(token_set):
            for start, end in phrase.spans(tokens, token_set):
                covered.update(range(start, end))
        # In the editors' order, so the same message always names the same phrase.
        for phrase in sorted(self._alarms.candidates(token_set), key=lambda p: self._order[id(p)]):
            for start, end in phrase.spans(tokens, token_set):
                if covered.isdisjoint(range(start, end)):
                    return Alarm(self._category[id(phrase)], phrase.source)
        return None


def conjunction_apart(tokens: list[str]) -> list[str]:
    """Arabic writes "and" and "so" joined to the next word: "وما قادر يتنفس" is "ما قادر
    يتنفس" (cannot breathe) after "and". Editors write the phrase once, without them."""
    return [t[1:] if len(t) >= 3 and t[0] in _JOINED and "\u0600" <= t[1] <= "\u06ff" else t
            for t in tokens]


class _FirstWordIndex:
    """The phrases whose first word matches some word of a message, without trying each.

    Exact words by dictionary; stems (`hit*`) by every beginning of the message's words;
    words that forgive a typo by their one-letter deletions, which meet whenever two
    words are one substitution, insertion, deletion or swap apart (then checked exactly).
    """

    def __init__(self, phrases: list[Phrase]):
        self._exact: dict[str, list[Phrase]] = {}
        self._stems: dict[str, list[Phrase]] = {}
        self._fuzzy: dict[str, list[Phrase]] = {}
        for phrase in phrases:
            first = phrase.parts[0]
            assert first is not None  # parse() strips leading gaps
            if first.prefix:
                self._stems.setdefault(first.text, []).append(phrase)
                continue
            self._exact.setdefault(first.text, []).append(phrase)
            if len(first.text) >= TYPO_MIN_LEN:
                for key in _deletions(first.text):
                    self._fuzzy.setdefault(key, []).append(phrase)

    def candidates(self, tokens: frozenset[str]) -> list[Phrase]:
        found: dict[int, Phrase] = {}
        for token in tokens:
            for phrase in self._exact.get(token, ()):
                found[id(phrase)] = phrase
            for end in range(1, len(token) + 1):
                for phrase in self._stems.get(token[:end], ()):
                    found[id(phrase)] = phrase
            if len(token) >= TYPO_MIN_LEN - 1:
                for key in _deletions(token):
                    for phrase in self._fuzzy.get(key, ()):
                        first = phrase.parts[0]
                        if first is not None and first.matches(token):
                            found[id(phrase)] = phrase
        return list(found.values())


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1:] for i in range(len(word))}
