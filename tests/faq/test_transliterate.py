"""Latin letters for Arabic, Russian, Ukrainian and Mongolian (bot/faq/transliterate.py)."""

from __future__ import annotations

import pytest

from bot.content import Content
from bot.core.engine import Engine
from bot.faq.decide import decide
from bot.faq.transliterate import arabic_keys, arabizi_keys, cyrillic_key, latin_key
from bot.textnorm import normalise


@pytest.mark.parametrize(("arabizi", "arabic"), [
    ("madrasa", "مدرسه"), ("lmadrasa", "المدرسه"), ("madrasah", "مدرسه"), ("walad", "ولد"),
    ("wlad", "ولاد"), ("7amel", "حامل"), ("shorta", "الشرطه"), ("chorta", "شرطه"),
    ("bdoun", "بدون"), ("flous", "فلوس"), ("3andi", "عندي"),
])
def test_arabizi_sounds_like_the_arabic_word(arabizi: str, arabic: str):
    assert set(arabizi_keys(arabizi)) & set(arabic_keys(normalise(arabic)))


@pytest.mark.parametrize(("latin", "cyrillic"), [
    ("shkola", "школа"), ("shkolu", "школу"), ("bolnitsa", "больница"), ("bolnica", "больница"),
    ("dokumenty", "документы"), ("vrach", "врач"), ("hodyty", "ходити"), ("zhinka", "жінка"),
    ("yasli", "ясли"), ("emneleg", "эмнэлэг"),
])
def test_latin_letters_sound_like_the_cyrillic_word(latin: str, cyrillic: str):
    assert latin_key(normalise(latin)) == cyrillic_key(normalise(cyrillic))


def test_different_words_keep_different_keys():
    assert cyrillic_key("школа") != cyrillic_key("шкода")
    assert not set(arabizi_keys("madrasa")) & set(arabic_keys("مريض"))


def test_a_family_typing_in_latin_letters_gets_the_answer(content: Content):
    engine = Engine(content)
    message = normalise("chy mozhe dytyna hodyty do shkoly bez dokumentiv")  # uk, Latin letters
    ranked = engine.index.search(message, lang="uk")
    assert decide(ranked, content.matching_for("uk")).entries[0].entry_id == "school.access"
    assert decide(ranked, content.matching_for("uk")).outcome == "answer"
    # Without the bridge, the same words only reach "did you mean".
    unbridged = engine.index.search(message)
    assert decide(unbridged, content.matching_for("uk")).outcome != "answer"


def test_words_the_faq_knows_stay_as_they_are(content: Content):
    engine = Engine(content)
    # Dutch words families use, in an Arabic session: the FAQ has them in Latin letters.
    assert engine.index.bridged("huisarts school", "ar") == "huisarts school"
    # Dutch and English sessions are never rewritten.
    assert engine.index.bridged("madrasa shkola", "nl") == "madrasa shkola"
    assert engine.index.bridged("bdoun", "ar") != "bdoun"
