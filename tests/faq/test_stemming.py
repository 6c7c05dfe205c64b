"""Word stems: the forms a family types meet the forms the FAQ uses."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.faq.index import FaqIndex
from bot.faq.model import FaqEntry, Translation
from bot.faq.stemming import mongolian_stem, stemmers
from bot.textnorm import normalise


@pytest.mark.parametrize(("typed", "faq"), [
    ("хуухэд", "хүүхэд"),  # a keyboard without ү
    ("торсон", "төрсөн"),  # ... or without ө
    ("эмчид", "эмч"),  # "to the doctor"
    ("хүүхдүүдийн", "хүүхдүүдийг"),  # "of the children", "the children"
    ("сургуульд", "сургууль"),  # "to school"
])
def test_mongolian_forms_share_a_stem(typed, faq):
    assert mongolian_stem(typed) == mongolian_stem(faq)


def test_mongolian_stems_keep_three_letters():
    assert mongolian_stem("эмч") == "эмч"
    assert len(mongolian_stem("аавд")) >= 3


def test_ukrainian_uses_the_russian_stemmer_and_mongolian_its_own():
    found = stemmers(["ru", "uk", "mn", "xx"])
    assert found["uk"] is found["ru"]
    assert found["mn"] is mongolian_stem
    assert "xx" not in found


def ru_entry(entry_id: str, *questions: str) -> FaqEntry:
    tr = Translation("ru", tuple(questions), "ответ", questions[0])
    return FaqEntry(entry_id, False, False, ("src",), dt.date(2026, 1, 1), dt.date(2027, 1, 1),
                    {"ru": tr})


def test_a_word_in_another_form_finds_the_entry_that_uses_it():
    # "дочке" is in the FAQ, but only in the school entry; the birth entry says "дочку".
    index = FaqIndex([
        ru_entry("birth.registration", "как зарегистрировать дочку", "свидетельство о рождении"),
        ru_entry("school.access", "дочке нужна школа", "можно ли в школу без документов"),
    ], stopwords=["как", "о", "ли", "в", "без", "нужна", "можно"])
    ranked = index.search(normalise("дочке нет свидетельства о рождении"))
    assert ranked[0].entry_id == "birth.registration"
    # "дочке" counts for it too, besides "свидетельства" and "рождении"
    assert ranked[0].words == 3
