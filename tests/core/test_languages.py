"""Ten languages on the shipped content: found from the words, answered in kind."""

from __future__ import annotations

import pytest

from bot.core.messages import Outcome

DOCTOR = {
    "ar": "هل يمكنني الذهاب إلى الطبيب بدون أوراق",
    "es": "puedo ir al medico sin papeles",
    "pt": "posso ir ao medico sem documentos",
    "fr": "est-ce que je peux voir un medecin sans papiers",
    "tr": "kağıtsız doktora gidebilir miyim",
    "ru": "могу ли я пойти к врачу без документов",
    "uk": "чи можу я піти до лікаря без документів",
    "mn": "бичиг баримтгүй эмчид үзүүлж болох уу",
}


@pytest.mark.parametrize("lang", sorted(DOCTOR))
def test_a_question_is_answered_in_the_language_it_was_written_in(say, content, lang):
    r = say(DOCTOR[lang], user=f"family-{lang}")
    assert r.lang == lang
    assert r.outcome == Outcome.ANSWER and r.faq_id == "health.doctor"
    assert r.text.replace("\u200f", "").startswith(
        content.faq_by_id["health.doctor"].text(lang, "en").answer[:20])


def test_dutch_words_in_a_portuguese_sentence_still_find_the_entry(say):
    say(payload="lang:pt")
    r = say("a escola pediu o BSN do meu filho")  # "the school asked for my son's BSN"
    assert r.lang == "pt"
    offered = [r.faq_id] if r.faq_id else list(r.suggestions)
    assert offered[0] == "school.access"


def test_a_short_message_keeps_the_language_in_use(say):
    say("posso ir ao medico sem documentos")
    assert say("obrigado").lang == "pt"
    assert say("ok").lang == "pt"


def test_arabic_replies_carry_right_to_left_marks_on_every_line(say):
    r = say(DOCTOR["ar"])
    lines = [line for line in r.text.split("\n") if line.strip()]
    assert lines and all(line.startswith("\u200f") for line in lines)
