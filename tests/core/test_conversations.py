"""Conversations as a family would have them, on the shipped content.

Written as transcripts (message -> what the family sees), like zulip_bots'
dialogue tests, so a content editor can read them.
"""

from __future__ import annotations

import re

from bot.core.engine import Engine
from bot.core.messages import Inbound, Outcome


def test_doctor_without_papers_is_answered(say):
    r = say("can I see a doctor without papers")
    assert r.outcome == Outcome.ANSWER
    assert r.faq_id == "health.doctor"
    assert r.lang == "en"
    assert "medically necessary" in r.text
    assert [b.payload for b in r.buttons] == ["fb:up:health.doctor", "fb:down:health.doctor",
                                              "ticket:ask"]


def test_dutch_question_is_answered_in_dutch(say):
    r = say("mag ik zonder papieren naar de huisarts")
    assert r.outcome in (Outcome.ANSWER, Outcome.SUGGEST)
    assert r.lang == "nl"
    assert "health.doctor" in ((r.faq_id, *r.suggestions)) or "health.find-gp" in (
        (r.faq_id, *r.suggestions))


def test_vague_question_offers_choices_and_a_way_out(say):
    r = say("school")
    assert r.outcome == Outcome.SUGGEST
    assert 2 <= len(r.suggestions) <= 3
    assert "school.access" in r.suggestions
    assert r.buttons[-1].payload == "none"


def test_typing_the_number_of_a_choice_picks_it(say):
    first = say("school")
    second = say("1")
    assert second.outcome == Outcome.ANSWER
    assert second.faq_id == first.suggestions[0]


def test_none_of_these_offers_a_person(say):
    say("school")
    r = say(payload="none")
    assert r.outcome == Outcome.HANDOFF
    assert "names, addresses or document numbers" in r.text


def test_unrelated_question_offers_a_person_not_a_guess(say):
    r = say("how tall is the eiffel tower")
    assert r.outcome == Outcome.HANDOFF
    assert r.faq_id is None
    assert [b.payload for b in r.buttons] == ["ticket:open", "ticket:no"]


def test_every_unsure_reply_names_112_in_the_familys_language(say, content):
    # Blind sets: about four in ten danger messages escaped the phrases and were met with
    # "did you mean" or an offer of a volunteer. Those replies must still say: call 112.
    for text, lang, outcome in [("school", "en", Outcome.SUGGEST),
                                ("how tall is the eiffel tower", "en", Outcome.HANDOFF),
                                ("مدرسة", "ar", Outcome.SUGGEST)]:
        r = say(text, user=f"family-{lang}-{text}", lang_hint=lang)
        assert (r.outcome, r.lang) == (outcome, lang)
        assert content.ui[lang]["in_danger"] in r.text
    say("school")
    assert "112" in say(payload="none").text  # "none of these" leads to a volunteer, and to 112


def test_question_sharing_words_with_the_faq_is_not_answered(say):
    r = say("my dog is ill where is a clinic")
    assert r.outcome != Outcome.ANSWER


def test_acute_violence_gets_the_emergency_response_first(say):
    r = say("my partner is hurting me right now")
    assert r.outcome == Outcome.EMERGENCY
    assert r.text.startswith("If you or someone else is in danger right now, call 112")
    assert "0800-2000" in r.text  # Veilig Thuis for violence at home
    assert r.buttons[0].payload == "ticket:urgent"


def test_emergency_in_dutch(say):
    r = say("mijn man slaat me nu, help")
    assert r.outcome == Outcome.EMERGENCY
    assert r.lang == "nl"
    assert "112" in r.text


def test_idioms_do_not_raise_an_alarm(say):
    for text in ("this exam is killing me", "she killed it on stage", "ik ga dood van de hitte"):
        assert say(text, user=text).outcome != Outcome.EMERGENCY, text


def test_past_violence_question_is_an_faq_question(say):
    r = say("can i get my own residence permit after domestic violence")
    assert r.outcome in (Outcome.ANSWER, Outcome.SUGGEST)
    assert "legal.independent-permit-violence" in ((r.faq_id, *r.suggestions))


def test_greeting_and_thanks_get_a_short_reply(say):
    assert say("hello").outcome == Outcome.REPLY
    assert say("thank you so much").outcome == Outcome.REPLY
    assert say("hoi", user="nl").lang == "nl"


def test_asking_for_a_person_offers_a_volunteer(say):
    r = say("can i talk to a real person")
    assert r.outcome == Outcome.HANDOFF
    assert "volunteer" in r.text


def test_human_trafficking_is_not_a_request_for_a_person(say):
    r = say("what is human trafficking")
    assert r.outcome != Outcome.HANDOFF or "safety.trafficking" in r.suggestions


def test_without_a_queue_the_family_is_told_honestly(say):
    say("how tall is the eiffel tower")
    r = say(payload="ticket:open")
    assert r.outcome == Outcome.HANDOFF
    assert "no volunteers are connected" in r.text


def test_chosen_language_wins_over_detection(say):
    say(payload="lang:nl")
    r = say("can I see a doctor without papers")
    assert r.lang == "nl"
    assert r.faq_id == "health.doctor"
    assert "medisch noodzakelijke" in r.text


def test_start_shows_welcome_and_privacy_notice(say):
    r = say("/start")
    assert r.outcome == Outcome.REPLY
    assert "/forget" in r.text
    assert "30 minutes" in r.text


def test_forget_erases_the_session(engine, say):
    say(payload="lang:nl")
    r = say("/forget")
    assert r.outcome == Outcome.REPLY
    assert len(engine.sessions) == 0


def test_feedback_not_helpful_offers_a_person(say):
    say("can I see a doctor without papers")
    r = say(payload="fb:down:health.doctor")
    assert r.outcome == Outcome.HANDOFF


def test_entries_that_depend_on_the_case_put_the_person_first(say):
    r = say("where can i get free legal help from a lawyer")
    assert r.faq_id == "legal.help"
    assert r.buttons[0].payload == "ticket:ask"
    assert 'tap "Talk to a person"' in r.text


def test_choices_are_labelled_with_short_titles(say, content):
    r = say("school")
    titles = {content.faq_by_id[s].translations["en"].title for s in r.suggestions}
    assert {b.label for b in r.buttons[:-1]} == titles
    assert all(len(t) <= 45 for t in titles)


def test_missing_translation_falls_back_to_english_and_says_so(content_copy):
    import asyncio

    import yaml

    from bot.content import load_content
    from bot.core.engine import Engine
    from bot.core.messages import Inbound

    faq = content_copy / "faq" / "health.yaml"
    entries = yaml.safe_load(faq.read_text(encoding="utf-8"))
    del entries[0]["nl"]  # health.doctor, English only
    faq.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    engine = Engine(load_content(content_copy))

    async def talk():
        await engine.handle(Inbound("t", "f", payload="lang:nl"))
        return await engine.handle(Inbound("t", "f", payload="faq:health.doctor"))

    r = asyncio.run(talk())
    assert r.lang == "nl"
    assert r.text.startswith("Dit antwoord is er nog niet in het Nederlands")
    assert "medically necessary" in r.text
    assert r.buttons[0].payload == "ticket:ask"


def test_a_place_name_alone_offers_the_entries_it_leads_to(say):
    r = say("where get help in rotterdam")
    assert r.outcome == Outcome.SUGGEST
    assert r.suggestions[0] == "local.help-in-my-city"


async def test_a_missing_translation_falls_back_to_the_second_choice_then_english(content_copy):
    import shutil

    from bot.content import load_content

    # Spanish with only one FAQ entry translated (the bundled Spanish, if any, is replaced).
    shutil.rmtree(content_copy / "translations" / "es", ignore_errors=True)
    (content_copy / "translations" / "es").mkdir(parents=True)
    (content_copy / "translations" / "es" / "faq.yaml").write_text(
        "health.doctor:\n  questions: [puedo ir al medico, medico sin papeles, doctor sin seguro]\n"
        "  answer: Sí, tienes derecho a la atención médica necesaria.\n", encoding="utf-8")
    (content_copy / "translations" / "es" / "emergency.yaml").write_text(
        "response:\n  text: \"Si estás en peligro ahora, llama al 112.\\n{lines}\"\n"
        "lines: {veilig-thuis: 'Veilig Thuis 0800-2000', zelfmoordpreventie: '113 o 0800-0113',"
        " kindertelefoon: 'Kindertelefoon 0800-0432'}\n"
        "categories: {violence: [me esta pegando], suicide: [quiero morir], child: [mi hijo no respira],"
        " medical: [no respira], held: [me tienen encerrad*]}\n", encoding="utf-8")
    shutil.copy(content_copy / "languages" / "en.yaml", content_copy / "languages" / "es.yaml")
    shutil.copy(content_copy / "ui" / "en.yaml", content_copy / "ui" / "es.yaml")
    config = content_copy / "config.yaml"
    config.write_text(re.sub(r"(?m)^languages: \[.*\]$", "languages: [nl, en, es]",
                             config.read_text()))
    engine = Engine(load_content(content_copy))

    async def say(user: str, text: str = "", payload: str | None = None):
        return await engine.handle(Inbound("test", user, text, payload=payload))

    assert "derecho" in (await say("a", "puedo ir al medico sin papeles", "faq:health.doctor")).text
    await say("b", payload="lang:nl")
    await say("b", payload="lang:es")
    reply = await say("b", payload="faq:school.access")
    assert "in het Nederlands" not in reply.text and "Nederlands" in reply.text  # said once
    assert reply.faq_id == "school.access" and reply.buttons[0].payload == "ticket:ask"
    assert "school" in reply.text.lower()
    only_es = await say("c", payload="lang:es")
    assert only_es.lang == "es"
    english = await say("c", payload="faq:school.access")
    assert "English" in english.text.splitlines()[0]
