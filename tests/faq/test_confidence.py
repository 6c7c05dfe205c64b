"""How sure the bot is: one probability from the matcher's signals (bot/faq/confidence.py)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from bot.content import Content, load_content
from bot.faq.confidence import FITTED, SIGNALS, fit, signals
from bot.faq.index import Scored
from bot.yaml_lines import ContentError

CLEAR = Scored("health.doctor", 60.0, "en", coverage=0.8, words=3, specific=True,
               letters=0.3, letters_first=True, message_words=6)
RUNNER_UP = Scored("health.find-gp", 30.0, "en", coverage=0.4, words=2)


def test_a_clear_question_is_answered_and_each_doubt_lowers_confidence(content: Content):
    sure = FITTED.confidence([CLEAR, RUNNER_UP])
    assert 100 * sure >= content.matching.answer_confidence
    doubts = {
        "half the message unexplained": replace(CLEAR, coverage=0.4),
        "the letters pick another entry": replace(CLEAR, letters_first=False),
        "an out-of-scope theme is closer": replace(CLEAR, letters_outside=0.9),
        "one word of the message points at it": replace(CLEAR, words=1),
    }
    for why, best in doubts.items():
        assert FITTED.confidence([best, RUNNER_UP]) < sure, why
    close_race = replace(RUNNER_UP, score=58.0)
    assert FITTED.confidence([CLEAR, close_race]) < sure


def test_fit_finds_the_signal_that_tells_right_from_wrong():
    # Right exactly when coverage is high; the other signals are noise.
    rows, right = [], []
    for i in range(400):
        coverage = (i % 20) / 20
        best = replace(CLEAR, coverage=coverage, score=float(i * 7 % 100),
                       words=1 + i % 4, letters_first=bool(i % 3))
        rows.append(signals([best, RUNNER_UP]))
        right.append(coverage >= 0.5)
    model = fit(rows, right)
    assert model.weights["coverage"] == max(model.weights.values())
    assert abs(model.weights["score"]) < model.weights["coverage"] / 5
    assert list(model.weights) == list(SIGNALS)
    high = replace(CLEAR, coverage=0.9)
    low = replace(CLEAR, coverage=0.1)
    assert model.confidence([high]) > 0.9 > 0.1 > model.confidence([low])


@pytest.mark.parametrize(("setting", "says"), [
    ("answer_score: 48", "no longer used"),  # a config from before answer_confidence
    ("sugest_score: 20", "not a setting"),  # a typo must not be ignored silently
    ("answer_confidence: 120", "from 0 to 100"),
])
def test_a_wrong_matching_setting_names_its_line(content_copy: Path, setting: str, says: str):
    config = content_copy / "config.yaml"
    text = re.sub(r"(?m)^  answer_confidence: .*$", "  " + setting, config.read_text())
    config.write_text(text, encoding="utf-8")
    line = 1 + text.splitlines().index("  " + setting)
    with pytest.raises(ContentError) as exc:
        load_content(content_copy)
    assert any(p.path == config and p.line == line and says in p.message
               for p in exc.value.problems)

