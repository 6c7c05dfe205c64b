"""Emergency phrases as editors write them."""

from __future__ import annotations

import pytest

from bot.safety.triage import Phrase, Triage, conjunction_apart
from bot.textnorm import normalise


def triage(danger: list[str], exceptions: list[str] = ()) -> Triage:
    return Triage({"violence": [Phrase.parse(p) for p in danger]},
                  [Phrase.parse(p) for p in exceptions])


@pytest.mark.parametrize("text", ["He hits me", "he is HITTING me!!", "he always hits me"])
def test_star_and_gap(text):
    t = triage(["he .. hit* me"])
    assert t.check(normalise(text)) is not None


def test_gap_is_at_most_three_words():
    t = triage(["he .. hit* me"])
    assert t.check(normalise("he said that the ball would hit me")) is None


def test_one_typo_in_a_long_word_still_matches():
    t = triage(["kill myself"])
    assert t.check(normalise("i want to kill myslef")) is not None


def test_short_words_need_to_be_exact():
    t = triage(["hit me"])
    assert t.check(normalise("hot me")) is None


def test_arabic_and_joined_to_the_phrase_still_matches():
    t = triage(["ما قادر يتنفس"], ["ما قادر يتنفس من الضحك"])
    for text in ["ابوي وقع وما قادر يتنفس", "فما قادر يتنفس", "ما قادر يتنفس"]:
        assert t.check(normalise(text)) is not None, text
    assert t.check(normalise("وما قادر يتنفس من الضحك")) is None  # the exception still counts
    assert t.check(normalise("وقادر يتنفس")) is None  # "and can breathe"
    assert t.check(normalise("and ma qadir")) is None


def test_an_exception_overlapping_the_alarm_cancels_it():
    t = triage(["am dying"], ["dying of boredom"])
    assert t.check(normalise("I am dying of boredom")) is None
    assert t.check(normalise("I am dying")) is not None


def test_bundled_phrases_catch_danger_and_spare_idioms(content):
    check = content.emergency.triage.check
    for text in ["my partner is hurting me right now", "i want to kill myself",
                 "my baby is not breathing", "my boss locked me in the house",
                 "mijn man slaat me nu", "ik wil niet meer leven", "mijn baby ademt niet",
                 "my son drank bleach", "mijn zoon heeft bleekwater gedronken",
                 # found missing by the second blind set
                 "i cut my hand very deep blood everywhere cant stop it",
                 "ibni bala3 battariye w 3am yebke", "кровь хлещет после родов"]:
        assert check(normalise(text)) is not None, text
    for text in ["this exam is killing me", "she killed it on stage",
                 "can i get my own permit after domestic violence",
                 "can we be locked up in detention", "kunnen ze ons opsluiten",
                 "ik schrok me dood", "dit examen maakt me kapot",
                 "my husband hits me sometimes who can help",
                 "i left him because he beat me, can i get my own permit",
                 "can we go to prison for having no papers", "my son is missing school a lot",
                 "can i clean the mould in our room with bleach",
                 # "the waiting list at the psychologist is long": الانتظار is one letter
                 # from الانتحار (suicide)
                 "قائمة الانتظار عند الطبيب النفسي طويلة",
                 # "no practice will take me": "me prendre" is one letter from "me pendre"
                 "aucun cabinet veut me prendre", "je dois me rendre a la mairie",
                 "este frio holandes me esta matando jaja", "ce froid hollandais va me tuer"]:
        assert check(normalise(text)) is None, text
    for text in ["بفكر بالانتحار", "افكر في الانتحار كل يوم", "je veux me pendre"]:
        assert check(normalise(text)) is not None, text


def test_a_phrase_without_words_is_refused():
    with pytest.raises(ValueError):
        Phrase.parse(" .. * ")


def test_no_faq_question_in_any_language_raises_an_alarm(content):
    """Danger phrases of ten languages share one check: a broad phrase in one language
    ("nao fala", "he does not speak") must not turn an ordinary question into 112.
    Questions that describe danger themselves (emergency care, violence) may."""
    from bot.core.engine import Engine

    engine = Engine(content)
    may_alarm = ("health.emergency-care", "safety.", "legal.independent-permit-violence")
    alarms = [(entry.id, tr.lang, q) for entry in content.faq if not entry.id.startswith(may_alarm)
              for tr in entry.translations.values() for q in tr.questions
              if engine.triage.check(normalise(q))]
    assert alarms == []


def test_the_first_word_index_finds_what_trying_every_phrase_finds(content):
    """The index is only a shortcut: on typos, stems and gaps it must agree with a walk
    of every phrase (the eval sets of all ten languages are the messages)."""
    from pathlib import Path

    from bot.evaluation import load_cases

    triage = content.emergency.triage
    cases = load_cases(sorted(Path(content.root, "eval").glob("*.yaml")), set(content.faq_by_id))
    # a quarter of the danger messages and a 32nd of the rest (about 400 messages): walking
    # all ~10,000 phrases over every message would take minutes
    texts = [c.text for i, c in enumerate(cases) if i % (4 if "emergency" in c.expect else 32) == 0]
    texts += ["my partner is hitting me right now", "hes hittting me now", "i want to kil myslef"]

    def walk(text: str) -> str | None:
        tokens = normalise(text).split()
        return walk_tokens(tokens) or walk_tokens(conjunction_apart(tokens))

    def walk_tokens(tokens: list[str]) -> str | None:
        covered = {i for p in triage.exceptions for s, e in p.spans(tokens) for i in range(s, e)}
        for phrases in triage.categories.values():
            for p in phrases:
                if any(covered.isdisjoint(range(s, e)) for s, e in p.spans(tokens)):
                    return p.source
        return None

    for text in texts:
        alarm = triage.check(normalise(text))
        assert (alarm.phrase if alarm else None) == walk(text), text
