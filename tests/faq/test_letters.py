"""The letter view: a second reading that lets other word forms be answered, and
out-of-scope themes that keep look-alike questions from being answered."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from bot.content import Content, load_content
from bot.core.engine import Engine
from bot.faq.confidence import FITTED
from bot.faq.decide import Matching, decide
from bot.faq.index import FaqIndex
from bot.faq.letters import LetterView
from bot.textnorm import normalise
from bot.yaml_lines import ContentError

from .test_index import entry


def test_word_endings_meet_in_the_letters():
    view = LetterView([["vaccinaties baby"], ["huisarts inschrijven"]])
    ranking = view.rank("vaccinatie babys")
    assert ranking.first == 0
    assert ranking.similarity[0] > 0.3 > ranking.similarity.get(1, 0.0)


def test_an_out_of_scope_theme_is_measured_apart_from_the_entries():
    view = LetterView([["vaccinaties kind"]], not_ours=[["hond vaccinatie dierenarts"]])
    ranking = view.rank("hond dierenarts vaccinatie")
    assert ranking.first == 0  # still the nearest entry ...
    assert ranking.outside > ranking.similarity[0]  # ... but the theme is nearer


def test_a_theme_stops_a_confident_answer_the_entry_would_get():
    faq = [entry("child.vaccinations", "can my baby get vaccinations", "vaccines for my child",
                 "where do children get vaccines"),
           entry("health.doctor", "can i see a doctor without papers")]
    stop = ["can", "my", "get", "for", "where", "do", "i", "a", "the"]
    plain = FaqIndex(faq, stop)
    themed = FaqIndex(faq, stop, out_of_scope=[["where does my dog get vaccines",
                                                 "vaccines for the dog at the vet"]])
    rule = Matching(answer_confidence=90)
    message = normalise("vaccines for my dog where")
    assert decide(plain.search(message), rule).outcome == "answer"
    assert decide(themed.search(message), rule).outcome != "answer"


def test_bundled_content_answers_other_word_forms_and_dialect(content: Content):
    engine = Engine(content)
    words_only = replace(FITTED, weights={**FITTED.weights, "letters_agree": 0.0})
    # Moroccan Arabic, Spanish and French as families type them (content/eval/fresh-*.yaml)
    cases = [("الباطرون ماخلصنيش هادي شهرين، شنو ندير؟", "work.rights"),
             ("hay ayuda pa volver a mi pais", "return.voluntary"),
             ("lhopital demande 400e avant de faire lexamen c normal ca?",
              "health.hospital-deposit")]
    for text, expected in cases:
        ranked = engine.index.search(normalise(text))
        decision = decide(ranked, content.matching)
        assert decision.outcome in ("answer", "suggest"), text
        assert decision.entries[0].entry_id == expected, text  # first, or the answer
        # The letters agreeing is what makes the bot nearly sure of these ...
        assert FITTED.confidence(ranked) > 0.85, text
        # ... the words alone leave it unsure.
        assert words_only.confidence(ranked) < 0.5, text


def test_bundled_out_of_scope_themes_load_in_every_language(content: Content):
    loaded = {t for texts in content.out_of_scope.values() for t in texts}
    base = yaml.safe_load((content.root / "out_of_scope.yaml").read_text(encoding="utf-8"))
    for lang in content.languages:
        overlay = content.root / "translations" / lang / "out_of_scope.yaml"
        themes = (yaml.safe_load(overlay.read_text(encoding="utf-8")) if overlay.is_file()
                  else base[lang])
        first = next(iter(themes.values()))[0]
        assert first in loaded, lang


def test_a_theme_that_is_not_a_list_is_an_error_with_its_line(content_copy: Path):
    overlay = content_copy / "translations" / "es" / "out_of_scope.yaml"
    overlay.write_text("mascotas:\n  - mi perro esta enfermo\nfutbol: quien gano\n",
                       encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        load_content(content_copy)
    assert any(p.path == overlay and p.line == 3 and "futbol" in p.message
               for p in exc.value.problems)


def test_no_out_of_scope_theme_swallows_an_entry(content: Content):
    """An editor's out-of-scope theme must not stand in front of what an entry answers.

    Themes are small and close-knit, entries wide, so a few of an entry's questions are
    nearer a theme by chance, and a theme's closeness lowers the bot's confidence: they
    get "did you mean" instead of the answer. A theme that takes half of them covers the
    entry's topic.
    """
    engine = Engine(content)
    blind = replace(FITTED, weights={**FITTED.weights, "outside": 0.0})  # themes unseen
    for e in content.faq:
        questions = [q for tr in e.translations.values() for q in tr.questions[:5]]
        shadowed = 0
        for q in questions:
            ranked = engine.index.search(normalise(q))
            if not ranked or ranked[0].entry_id != e.id:
                continue
            seen = decide(ranked, content.matching).outcome
            unseen = decide(ranked, content.matching, blind).outcome
            shadowed += seen != "answer" and unseen == "answer"
        assert shadowed < len(questions) / 2, e.id
