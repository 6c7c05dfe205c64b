"""Normalising what people type, per script: what makes two spellings of a word meet."""

from __future__ import annotations

from bot.textnorm import normalise


def test_latin_diacritics_are_dropped_so_unaccented_typing_matches():
    assert normalise("Öğretmen") == normalise("ogretmen") == "ogretmen"
    assert normalise("médico sem papéis") == "medico sem papeis"
    assert normalise("crianças") == "criancas"


def test_cyrillic_letters_keep_their_marks():
    assert normalise("Й") == "й"  # a different letter from и, not и with a mark
    assert normalise("їжа") == "їжа" and normalise("ё") == "ё"


def test_arabic_letter_forms_fold_and_marks_go():
    assert normalise("أطفال") == normalise("اطفال")  # alef with hamza, bare alef
    assert normalise("مدرسة") == normalise("مدرسه")  # ta marbuta, ha
    assert normalise("مستشفى") == normalise("مستشفي")  # alef maqsura, ya
    assert normalise("طَبِيب") == normalise("طبيب")  # tashkeel
    assert normalise("طبـــيب") == normalise("طبيب")  # tatweel
    assert normalise("٢٠٢٦") == "2026"


def test_every_apostrophe_a_ukrainian_keyboard_types_reads_the_same():
    assert normalise("сімʼя") == normalise("сім'я") == normalise("сім’я")


def test_a_latin_i_typed_inside_a_ukrainian_word_reads_as_cyrillic():
    assert normalise("вагiтна") == normalise("вагітна")  # the first i is Latin
    assert normalise("i need a doctor") == "i need a doctor"  # Latin text is left alone


def test_a_dutch_word_glued_to_an_arabic_prefix_stands_alone():
    # "the huisarts", "at the IND", "to the gemeente": the word matches the FAQ's "huisarts"
    assert normalise("الhuisarts") == "huisarts"
    assert normalise("روحت عالgemeente بالIND") == "روحت gemeente ind"
    # An Arabic word, not a prefix, stays as a word of its own
    assert normalise("مدرسهschool") == "مدرسه school"
