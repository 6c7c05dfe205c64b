"""Matching: typos, rare words, unknown words, and speed-independent behaviour."""

from __future__ import annotations

import datetime as dt

from bot.faq.index import FaqIndex
from bot.faq.model import FaqEntry, Translation
from bot.textnorm import normalise


def entry(entry_id: str, *questions: str) -> FaqEntry:
    tr = Translation("en", tuple(questions), "answer", questions[0])
    return FaqEntry(entry_id, False, False, ("src",), dt.date(2026, 1, 1), dt.date(2027, 1, 1),
                    {"en": tr})


INDEX = FaqIndex([
    entry("health.doctor", "can i see a doctor without papers", "doctor no insurance"),
    entry("housing.landlord", "my landlord raises the rent", "landlord wants to evict us"),
    entry("child.vaccinations", "can my baby get vaccinations", "vaccines for my child"),
], stopwords=["can", "i", "a", "my", "the", "to", "us", "for", "get", "see", "without", "no"])


def best(text: str) -> str | None:
    ranked = INDEX.search(normalise(text))
    return ranked[0].entry_id if ranked else None


def test_typo_still_finds_the_entry():
    assert best("docter") == "health.doctor"
    assert best("landlrod rent") == "housing.landlord"


def test_shared_beginning_finds_the_entry():
    assert best("vaccinaties") == "child.vaccinations"


def test_unknown_words_pull_the_score_down():
    plain = INDEX.search(normalise("doctor"))[0].score
    diluted = INDEX.search(normalise("doctor for my dog at the beach bus"))[0].score
    assert diluted < plain - 20


def test_nothing_known_means_no_candidates():
    assert INDEX.search(normalise("how tall is the eiffel tower")) == []
    assert INDEX.search("") == []


def test_best_first_and_scores_bounded():
    ranked = INDEX.search(normalise("landlord doctor"))
    assert ranked == sorted(ranked, key=lambda s: -s.score)
    assert all(0 <= s.score <= 100 for s in ranked)


def test_one_clear_guess_is_offered_alone_and_a_weak_one_goes_to_a_person():
    from bot.faq.decide import Matching, decide
    from bot.faq.index import Scored

    rule = Matching()
    clear = [Scored("health.find-gp", 45.0, "pt", coverage=0.45, words=4),
             Scored("health.doctor", 15.0, "pt", coverage=0.1, words=1)]
    decision = decide(clear, rule)  # not sure enough to answer: too little of it explained
    assert decision.outcome == "suggest"
    assert [s.entry_id for s in decision.entries] == ["health.find-gp"]
    # "how tall is the eiffel tower": one fuzzy word ("tall" ~ "tal") behind a lone guess
    weak = [Scored("pregnancy.loss", 21.8, "fr", coverage=0.2, words=1, specific=True)]
    assert decide(weak, rule).outcome == "handoff"
