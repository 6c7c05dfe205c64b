"""Answer, offer choices, or offer a person: the one rule, used live and when tuning.

Thresholds come from `content/config.yaml` (`matching:`), the confidence from
bot/faq/confidence.py; `bench/tune.py` measures this same function on the
evaluation sets to choose them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.faq.confidence import FITTED, Model
from bot.faq.index import Scored

SUGGEST_WINDOW = 25.0  # suggestions more than this far below the best are noise


@dataclass(frozen=True)
class Matching:
    # Answer directly when the bot is at least this sure (%, bot/faq/confidence.py) that
    # the best entry is the one asked for. Measured on content/eval/ (bench/tune.py): 86%
    # of questions answered, 0.5% of messages answered wrongly.
    answer_confidence: float = 93
    suggest_score: float = 25
    single_choice_score: float = 38  # one guess far ahead of the rest: offer it alone from here
    max_suggestions: int = 3


@dataclass(frozen=True)
class Decision:
    outcome: str  # "answer", "suggest" or "handoff"
    entries: tuple[Scored, ...] = ()  # the answer, or the choices


def decide(ranked: list[Scored], m: Matching, model: Model = FITTED) -> Decision:
    if not ranked or ranked[0].score < m.suggest_score:
        return Decision("handoff")
    best = ranked[0]
    # One common word ("school", "money") is a topic, not a question: offer choices.
    pointed = best.words >= 2 or best.specific
    if pointed and 100 * model.confidence(ranked) >= m.answer_confidence:
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
