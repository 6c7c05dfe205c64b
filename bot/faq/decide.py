"""Answer, offer choices, or offer a person: the one rule, used live and when tuning.

Thresholds come from `content/config.yaml` (`matching:`); `bench/tune.py`
measures this same function on the evaluation sets to choose them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.faq.index import Scored

SUGGEST_WINDOW = 25.0  # suggestions more than this far below the best are noise


@dataclass(frozen=True)
class Matching:
    answer_score: float = 48
    answer_margin: float = 5
    answer_coverage: float = 50  # % of the message's word weight the answer must explain
    suggest_score: float = 25
    single_choice_score: float = 38  # one guess far ahead of the rest: offer it alone from here
    max_suggestions: int = 3
    # When the letter view (bot/faq/letters.py) ranks the same entry first, a lower word
    # score is enough: the two readings rarely agree on a wrong entry.
    agreed_score: float = 20
    agreed_coverage: float = 40
    letters_score: float = 6  # the entry's letter similarity, in %
    letters_lead: float = 1  # ... and its lead over the next entry, in %
    # Never answer when an out-of-scope theme (out_of_scope.yaml) is this close to the
    # message or closer, in % of the entry's own letter similarity (over 100: the theme
    # must be that much closer than the entry).
    outside_ratio: float = 175


@dataclass(frozen=True)
class Decision:
    outcome: str  # "answer", "suggest" or "handoff"
    entries: tuple[Scored, ...] = ()  # the answer, or the choices


def decide(ranked: list[Scored], m: Matching) -> Decision:
    if not ranked or ranked[0].score < m.suggest_score:
        return Decision("handoff")
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    # One common word ("school", "money") is a topic, not a question: offer choices.
    pointed = best.words >= 2 or best.specific
    ahead = best.score - runner_up >= m.answer_margin
    sure = best.score >= m.answer_score and 100 * best.coverage >= m.answer_coverage
    agreed = (best.letters_first and best.score >= m.agreed_score
              and 100 * best.coverage >= m.agreed_coverage
              and 100 * best.letters >= m.letters_score and 100 * best.letters_lead >= m.letters_lead)
    # A theme holds back both routes: measured, "my dog needs a vaccine" otherwise gets
    # the vaccinations entry from the word score alone. The price: a short question can
    # sit near a theme by chance (3% of the FAQ's own questions) and gets "did you mean".
    outside = best.letters_outside >= best.letters * m.outside_ratio / 100
    if pointed and ahead and (sure or agreed) and not outside:
        return Decision("answer", (best,))
    floor = max(m.suggest_score, best.score - SUGGEST_WINDOW)
    choices = tuple(s for s in ranked if s.score >= floor)[:m.max_suggestions]
    if len(choices) < 2 and not pointed:
        # A topic word ("rotterdam"): show the entries it leads to, strongest first.
        choices = tuple(s for s in ranked if s.score >= m.suggest_score)[:m.max_suggestions]
    # Alone, a guess needs two of the message's words behind it: one fuzzy word
    # ("tall" ~ "tal") is how an unrelated question finds a random entry.
    alone = best.words >= 2 and best.score >= m.single_choice_score
    if len(choices) < 2 and not alone:
        return Decision("handoff")  # one weak guess is no choice: be honest, offer a person
    # One clear guess well ahead of the rest: "did you mean this?" (plus "none of these").
    return Decision("suggest", choices)
