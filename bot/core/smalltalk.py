"""Greetings, thanks, goodbyes, "help" and "I want a person".

Phrases come from `content/smalltalk.yaml`. Two ways to match, chosen so that
"human trafficking" never reads as "human please":
- the whole message is (nearly) one of the phrases: "hi", "thank you so much";
- for asking for a person or a language, a phrase of two or more words
  anywhere in the message: "can I please talk to a person about rent".
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.textnorm import normalise

CONTAINED_INTENTS = ("person", "forget", "language")  # checked first, in this order
WHOLE_MESSAGE_CUTOFF = 88.0
INTENTS = ("greeting", "thanks", "bye", "help", *CONTAINED_INTENTS)
# Messages made only of these intents' words (and stopwords) are small talk:
# "ok dank u wel", "hi there", "thanks for the help". Later ones win: "hi, thanks" thanks.
WORD_INTENTS = ("greeting", "bye", "thanks")


@dataclass(frozen=True)
class Intent:
    name: str
    lang: str


class SmallTalk:
    def __init__(self, phrases: dict[str, dict[str, list[str]]], stopwords: frozenset[str]):
        """phrases: intent -> language -> phrases as editors wrote them.

        stopwords: the languages' stopwords only (not the small-talk words themselves).
        """
        self.stopwords = stopwords
        self._whole: dict[str, Intent] = {}
        self._words: dict[str, Intent] = {}
        self._contained: list[tuple[list[str], Intent]] = []
        for name, by_lang in phrases.items():
            for lang, items in by_lang.items():
                for raw in items:
                    norm = normalise(raw)
                    if not norm:
                        continue
                    self._whole.setdefault(norm, Intent(name, lang))
                    words = norm.split()
                    if name in WORD_INTENTS:
                        for w in words:
                            if w not in stopwords or len(words) == 1:
                                self._words[w] = Intent(name, lang)
                    if name in CONTAINED_INTENTS and len(words) >= 2:
                        self._contained.append((words, Intent(name, lang)))
        order = {name: i for i, name in enumerate(CONTAINED_INTENTS)}
        self._contained.sort(key=lambda item: order[item[1].name])
        self._whole_keys = list(self._whole)

    def detect(self, normalised: str) -> Intent | None:
        if not normalised:
            return None
        words = normalised.split()
        for phrase, intent in self._contained:
            if _contains(words, phrase):
                return intent
        if normalised in self._whole:
            return self._whole[normalised]
        content = " ".join(w for w in words if w not in self.stopwords)
        if content and content in self._whole:
            return self._whole[content]
        known = [self._words[w] for w in words if w in self._words]
        if known and all(w in self._words or w in self.stopwords for w in words):
            return max(known, key=lambda i: WORD_INTENTS.index(i.name))
        if len(normalised) <= 40:  # only short messages can be small talk
            best = process.extractOne(normalised, self._whole_keys, scorer=fuzz.ratio,
                                      score_cutoff=WHOLE_MESSAGE_CUTOFF)
            if best:
                return self._whole[best[0]]
        return None


def _contains(words: list[str], phrase: list[str]) -> bool:
    n = len(phrase)
    return any(words[i:i + n] == phrase for i in range(len(words) - n + 1))
