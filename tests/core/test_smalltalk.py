"""Thanks and goodbyes in many words are still small talk; FAQ questions never are."""

from __future__ import annotations

import pytest

from bot.content import Content
from bot.core.engine import Engine
from bot.core.smalltalk import SmallTalk
from bot.textnorm import normalise


@pytest.fixture(scope="module")
def smalltalk(content: Content) -> SmallTalk:
    return Engine(content).smalltalk


@pytest.mark.parametrize(("text", "intent"), [
    ("thank you so much god bless you", "thanks"),
    ("muchas gracias, me ayudo mucho", "thanks"),
    ("obrigada pela ajuda, deus abencoe", "thanks"),
    ("спасибо большое, вы очень помогли", "thanks"),
    ("дякую вам дуже, ви мені допомогли", "thanks"),
    ("cok tesekkur ederim allah razi olsun", "thanks"),
    ("شكرا كتير الله يجزيكم الخير", "thanks"),
    ("ok bye a demain", "bye"),
    ("doei fijne avond nog", "bye"),
])
def test_long_thanks_and_goodbyes_get_a_short_reply(smalltalk: SmallTalk, text: str,
                                                     intent: str):
    found = smalltalk.detect(normalise(text))
    assert found is not None and found.name == intent


def test_no_faq_question_is_taken_for_small_talk(content: Content, smalltalk: SmallTalk):
    for entry in content.faq:
        for tr in entry.translations.values():
            for question in tr.questions:
                found = smalltalk.detect(normalise(question))
                assert found is None or found.name not in ("greeting", "thanks", "bye"), question
