"""Find the FAQ entries that best fit a message.

Three signals over normalised text, all built on rapidfuzz:

1. Word evidence (coverage). Every word of the message is looked up in the
   vocabulary of all FAQ questions: exactly, else by fuzzy ratio (typos:
   "docter") or shared prefix ("vaccin" / "vaccinaties"). Words are weighted
   by how rare they are across entries (idf), so "papers", which every entry
   mentions, counts little and "landlord" a lot; a word that recurs in many of
   an entry's questions counts more for that entry than a word in just one. A
   word the FAQ never uses ("beach", "dog") still weighs in the total: that is
   what keeps "my dog is ill, where is a clinic" from being answered as a
   health question. Coverage is the share of the message's weight an entry
   explains.
2. Best-question fit. For the few entries with the best coverage, the closest
   single question: how much of the message it covers and how much of it the
   message covers (harmonic mean, idf-weighted), so one long question cannot
   win on word count alone.
3. Phrase similarity (token_sort_ratio on content words) against the same
   entries' questions, above the floor that unrelated texts reach anyway.

Besides the score, each result carries the letter view's opinion
(bot/faq/letters.py): a second reading, one of the signals of the bot's
confidence (bot/faq/confidence.py).

The word lookup preselects candidates, so a catalogue 100x the shipped one
stays fast (bench/matching.py). Whether to answer, offer choices or offer a
person is decided in bot/faq/decide.py.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.faq.letters import LetterView
from bot.faq.model import FaqEntry
from bot.faq.stemming import stemmers
from bot.faq.transliterate import BRIDGED, ScriptBridge
from bot.textnorm import normalise

FUZZY_MIN_LEN = 4  # shorter words only match exactly: "pay" must not become "day"
FUZZY_CUTOFF = 80.0
PREFIX_MIN = 5
CANDIDATES = 8  # entries compared phrase by phrase
SPECIFIC_ENTRIES = 2  # a word in this few entries singles one out ("ooievaarspas")
STEM_SIMILARITY = 0.9  # a word with the same stem as a FAQ word
# Words of these languages' questions are not widened to their other forms: measured on
# content/eval/, it made Dutch and English confident answers wrong more often (1.0% -> 1.5%).
NO_FORM_WIDENING = frozenset({"nl", "en"})


@dataclass(frozen=True)
class Scored:
    entry_id: str
    score: float  # 0..100
    lang: str  # language of the question that fitted best
    coverage: float = 1.0  # share of the message's word weight this entry explains, 0..1
    words: int = 1  # how many of the message's words point at this entry
    specific: bool = False  # one of them is used by at most SPECIFIC_ENTRIES entries
    # The letter view (bot/faq/letters.py):
    letters: float = 0.0  # this entry's letter similarity, 0..1
    letters_first: bool = False  # it ranks this entry first of all entries
    letters_outside: float = 0.0  # the closest out-of-scope theme's letter similarity
    message_words: int = 1  # the message's distinct content words (the same for every entry)


@dataclass(frozen=True)
class Weights:
    # Shares of the final score; phrase similarity gets what is left (0.25).
    coverage: float = 0.3  # word evidence
    variant_fit: float = 0.45  # the best single question's word overlap
    unknown_word: float = 1.0  # weight of a word the FAQ never uses, relative to the rarest word
    centrality: float = 0.6  # how much it counts that a word recurs in an entry's questions
    phrase_scorer: str = "token_sort_ratio"
    phrase_floor: float = 30.0  # phrase similarity below this is what unrelated texts get: no signal


class FaqIndex:
    def __init__(self, entries: Iterable[FaqEntry], stopwords: Iterable[str],
                 weights: Weights | None = None,
                 out_of_scope: Iterable[Iterable[str]] = ()):
        """out_of_scope: messages the FAQ does not answer, as editors listed them, by theme."""
        self.weights = weights or Weights()
        self.stopwords = frozenset(normalise(w) for w in stopwords)
        self.entries: list[FaqEntry] = list(entries)
        self.ids = [e.id for e in self.entries]
        # Per entry: its questions as content-word strings, with their language.
        self._variants: list[list[tuple[str, str]]] = []
        # Per entry: word -> the questions (by position) that contain it, and each
        # question's total word weight; the best-question fit touches only these.
        self._word_questions: list[dict[str, list[int]]] = []
        self._question_weight: list[list[float]] = []
        postings: dict[str, set[int]] = defaultdict(set)
        # Per language: word -> how many of its questions use it (the bridge picks the most
        # used of words that sound alike); its keys are the language's vocabulary.
        uses: dict[str, Counter[str]] = defaultdict(Counter)
        for idx, entry in enumerate(self.entries):
            variants: list[tuple[str, str]] = []
            for tr in entry.translations.values():
                for question in tr.questions:
                    words = normalise(question).split()
                    uses[tr.lang].update(set(words))
                    content = [w for w in words if w not in self.stopwords]
                    for w in content:
                        postings[w].add(idx)
                    if content:
                        variants.append((" ".join(content), tr.lang))
            self._variants.append(variants)
            by_word: dict[str, list[int]] = defaultdict(list)
            for position, (question, _) in enumerate(variants):
                for w in set(question.split()):
                    by_word[w].append(position)
            self._word_questions.append(dict(by_word))
        self.lang_vocab = {lang: set(words) for lang, words in uses.items()}
        n = max(len(self.entries), 1)
        self._postings = {w: frozenset(s) for w, s in postings.items()}
        self._idf = {w: math.log(1 + n / len(s)) for w, s in postings.items()}
        self._question_weight = [[sum(self._idf[w] for w in set(q.split())) for q, _ in variants]
                                 for variants in self._variants]
        self._unknown_idf = math.log(1 + n) * self.weights.unknown_word
        c = self.weights.centrality
        # A word in many of an entry's questions is central to it; in one, incidental.
        self._factor = {(w, idx): (1 - c) + c * len(qs) / (len(qs) + 1)
                        for idx, by_word in enumerate(self._word_questions)
                        for w, qs in by_word.items()}
        self._phrase = getattr(fuzz, self.weights.phrase_scorer)
        self._vocab_sorted = sorted(self._postings)
        by_initial: dict[str, list[str]] = defaultdict(list)
        for w in self._vocab_sorted:
            by_initial[w[0]].append(w)
        self._by_initial = dict(by_initial)
        # Stems (bot/faq/stemming.py, by the language of the question a word came from):
        # "criancas" and "crianca", "medicos" and "medico" meet even when too short for the
        # prefix rule.
        self._stemmers = stemmers(self.lang_vocab)
        # A message word is stemmed once per algorithm (Ukrainian shares Russian's).
        self._query_stemmers = list(dict.fromkeys(self._stemmers.values()))
        self._by_stem: dict[str, set[str]] = defaultdict(set)
        for lang, words in self.lang_vocab.items():
            stem = self._stemmers.get(lang)
            if stem is not None:
                for w in words:
                    if w in self._postings:
                        self._by_stem[stem(w)].add(w)
        not_ours = [[" ".join(self.content_words(normalise(text))) for text in theme]
                    for theme in out_of_scope]
        self.letters = LetterView([[q for q, _ in variants] for variants in self._variants],
                                  not_ours)
        # Latin letters for Arabic, Russian, Ukrainian, Mongolian (bot/faq/transliterate.py).
        self.bridge = ScriptBridge(uses)
        # Per-index cache: the same typo arrives again and again.
        self._lookup = lru_cache(maxsize=20_000)(self._lookup_uncached)
        self._native = lru_cache(maxsize=20_000)(self.bridge.native)

    def bridged(self, normalised: str, lang: str | None) -> str:
        """The message with Latin-letter words the FAQ does not know in the native script
        of `lang`, where one sounds the same: "wach lmadrasa" -> "wach المدرسه"."""
        if lang not in BRIDGED:
            return normalised
        return " ".join(w if w in self._postings or w in self.stopwords
                        else self._native(w, lang) or w for w in normalised.split())

    def content_words(self, normalised: str) -> list[str]:
        return [w for w in normalised.split() if w not in self.stopwords]

    def _lookup_uncached(self, word: str) -> tuple[float, tuple[tuple[str, float], ...]]:
        """How much `word` weighs, and the vocabulary words that stand for it (similarity 0..1)."""
        if word in self._postings:
            return self._forms(word)
        if len(word) < FUZZY_MIN_LEN:
            return 0.0, ()
        found: dict[str, float] = {}
        bucket = self._by_initial.get(word[0], [])
        for match, score, _ in process.extract(word, bucket, scorer=fuzz.ratio,
                                               score_cutoff=FUZZY_CUTOFF, limit=3):
            found[match] = score / 100
        for stem in self._query_stemmers:
            for cand in self._by_stem.get(stem(word), ()):
                found[cand] = max(found.get(cand, 0.0), STEM_SIMILARITY)
        if len(word) >= PREFIX_MIN:
            # Shared beginning: a cheap stand-in for stemming across languages.
            prefix = word[:PREFIX_MIN]
            lo = bisect.bisect_left(self._vocab_sorted, prefix)
            hi = bisect.bisect_left(self._vocab_sorted, prefix + "\uffff")
            for cand in self._vocab_sorted[lo:min(hi, lo + 50)]:
                common = len(_common_prefix(word, cand))
                if common >= PREFIX_MIN and common >= 0.6 * min(len(word), len(cand)):
                    found[cand] = max(found.get(cand, 0.0), 0.85)
        matches = _best(found)
        return (max(self._idf[m] for m, _ in matches) if matches else 0.0), matches

    def _forms(self, word: str) -> tuple[float, tuple[tuple[str, float], ...]]:
        """A FAQ word, with its other forms in the FAQ when its language inflects.

        The forms of one word are spread over the entries ("дочке" in one, "дочку" in
        another), so a message's exact form alone misses the entry that uses another.
        Together they weigh as one word found in all their entries: a common word in
        many forms ("месяц") must not count as a rare one.
        """
        langs = [lang for lang, words in self.lang_vocab.items() if word in words]
        if any(lang in NO_FORM_WIDENING for lang in langs):
            return self._idf[word], ((word, 1.0),)
        found = {word: 1.0}
        for lang in langs:
            stem = self._stemmers.get(lang)
            for form in self._by_stem.get(stem(word), ()) if stem else ():
                found.setdefault(form, STEM_SIMILARITY)
        matches = _best(found)
        entries = set().union(*(self._postings[m] for m, _ in matches))
        return math.log(1 + len(self.ids) / len(entries)), matches

    def search(self, normalised: str, limit: int = 5, lang: str | None = None) -> list[Scored]:
        """Best entries for an already-normalised message in `lang`, best first."""
        words = list(dict.fromkeys(self.content_words(self.bridged(normalised, lang))))
        if not words:
            return []
        total_weight = 0.0
        evidence: dict[int, float] = defaultdict(float)
        hits: dict[int, int] = defaultdict(int)
        specific: set[int] = set()
        query_matches: list[tuple[float, tuple[tuple[str, float], ...]]] = []
        for word in words:
            weight, matches = self._lookup(word)
            if not matches:
                total_weight += self._unknown_idf
                continue
            total_weight += weight
            query_matches.append((weight, matches))
            best_per_entry: dict[int, float] = {}
            for match, sim in matches:
                for idx in self._postings[match]:
                    value = sim * self._factor[(match, idx)]
                    if value > best_per_entry.get(idx, 0.0):
                        best_per_entry[idx] = value
            for idx, sim in best_per_entry.items():
                evidence[idx] += weight * sim
                hits[idx] += 1
            for match, _ in matches:
                if len(self._postings[match]) <= SPECIFIC_ENTRIES:
                    specific.update(self._postings[match])
        if not evidence:
            return []
        coverage = {idx: ev / total_weight for idx, ev in evidence.items()}
        candidates = sorted(coverage, key=coverage.__getitem__, reverse=True)[:CANDIDATES]
        query = " ".join(words)
        letters = self.letters.rank(query)
        w = self.weights.coverage
        fit_share = self.weights.variant_fit
        floor = self.weights.phrase_floor
        scored: list[Scored] = []
        for idx in candidates:
            variants = self._variants[idx]
            # Only questions sharing a word with the message can be close phrases: with ten
            # languages an entry has hundreds of questions, most in other languages.
            by_word = self._word_questions[idx]
            near = sorted({p for _, matches in query_matches for m, _ in matches
                           for p in by_word.get(m, ())})
            best = process.extractOne(query, [variants[p][0] for p in near],
                                      scorer=self._phrase, processor=None)
            phrase, lang = (best[1], variants[near[best[2]]][1]) if best else (0.0, "")
            phrase = max(0.0, phrase - floor) * 100 / (100 - floor)
            fit = self._best_fit(idx, query_matches, total_weight) if fit_share else 0.0
            score = (100 * w * coverage[idx] + 100 * fit_share * fit
                     + (1 - w - fit_share) * phrase)
            scored.append(Scored(self.ids[idx], round(score, 2), lang, round(coverage[idx], 3),
                                 hits[idx], idx in specific,
                                 round(letters.similarity.get(idx, 0.0), 4), letters.first == idx,
                                 round(letters.outside, 4), len(words)))
        scored.sort(key=lambda s: s.score, reverse=True)
        return scored[:limit]

    def _best_fit(self, idx: int, query_matches: list[tuple[float, tuple[tuple[str, float], ...]]],
                  total_weight: float) -> float:
        """How well the message fits the entry's closest single question, 0..1.

        Both ways: the share of the message's weight that question covers, and the
        share of the question's weight the message covers, as a harmonic mean.
        """
        by_word = self._word_questions[idx]
        covered: dict[int, float] = defaultdict(float)
        used: dict[int, float] = defaultdict(float)
        for weight, matches in query_matches:
            best_hit: dict[int, tuple[float, str]] = {}
            for match, sim in matches:
                for position in by_word.get(match, ()):
                    if sim > best_hit.get(position, (0.0, ""))[0]:
                        best_hit[position] = (sim, match)
            for position, (sim, match) in best_hit.items():
                covered[position] += weight * sim
                used[position] += self._idf[match]
        best = 0.0
        weights = self._question_weight[idx]
        for position, cov in covered.items():
            recall = cov / total_weight
            precision = min(1.0, used[position] / weights[position])
            best = max(best, 2 * recall * precision / (recall + precision))
        return best


def _best(found: dict[str, float]) -> tuple[tuple[str, float], ...]:
    # ties by the word itself: sets iterate in a different order in every process
    return tuple(sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))[:4])


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return a[:n]
