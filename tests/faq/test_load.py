"""FAQ files: every mistake an editor can make is reported with file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.faq.load import load_faq, reflow
from bot.yaml_lines import ContentError

GOOD = """\
- id: health.doctor
  offer_person: no
  reviewed: 2026-11-23
  review_by: 2027-05-23
  sources: [seed 004 lines 1078-1084]
  en:
    questions: [can i see a doctor, doctor without papers, am i allowed a doctor]
    answer: Yes.
"""


def write(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "faq"
    folder.mkdir(exist_ok=True)
    (folder / "health.yaml").write_text(text, encoding="utf-8")
    return folder


def problems_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ContentError) as exc:
        load_faq(write(tmp_path, text), ("nl", "en"), today=dt.date(2026, 11, 23))
    return [str(p) for p in exc.value.problems if p.severity == "error"]


def test_good_entry_loads(tmp_path):
    entries, warnings = load_faq(write(tmp_path, GOOD), ("nl", "en"), dt.date(2026, 11, 23))
    assert [e.id for e in entries] == ["health.doctor"]
    assert entries[0].translations["en"].status == "needs-review"
    assert warnings == []


@pytest.mark.parametrize("change, line, words", [
    (("  sources: [seed 004 lines 1078-1084]\n", "  sources: []\n"), 5, "sources"),
    (("review_by: 2027-05-23", "review_by: 2025-01-01"), 4, "after 'reviewed'"),
    (("review_by: 2027-05-23", "review_by: soon"), 4, "must be a date"),
    (("  en:\n", "  xx:\n"), 6, "unknown key 'xx'"),
    (("    answer: Yes.\n", ""), 7, "'answer' is missing"),
    (("id: health.doctor", "id: Health Doctor"), 1, "lower-case"),
    (("offer_person: no", "offer_person: maybe"), 2, "yes or no"),
    (("[can i see a doctor, doctor without papers, am i allowed a doctor]", "[doctor]"), 7,
     "at least 3"),
])
def test_each_mistake_names_its_line(tmp_path, change, line, words):
    old, new = change
    assert old in GOOD
    found = problems_of(tmp_path, GOOD.replace(old, new))
    assert any(f"health.yaml:{line}:" in p and words in p for p in found), found


def test_same_question_in_two_entries_is_an_error(tmp_path):
    twin = GOOD + GOOD.replace("health.doctor", "health.find-gp")
    found = problems_of(tmp_path, twin)
    assert any("also in entry health.doctor" in p for p in found)


def test_overdue_review_is_a_warning_not_an_error(tmp_path):
    _, warnings = load_faq(write(tmp_path, GOOD), ("nl", "en"), dt.date(2028, 1, 1))
    assert any("review was due" in str(w) for w in warnings)


def test_long_answer_warns_then_fails(tmp_path):
    long = GOOD.replace("answer: Yes.", "answer: " + "word " * 150)
    _, warnings = load_faq(write(tmp_path, long), ("nl", "en"), dt.date(2026, 11, 23))
    assert any("long for a phone screen" in str(w) for w in warnings)
    found = problems_of(tmp_path, GOOD.replace("answer: Yes.", "answer: " + "word " * 250))
    assert any("the maximum is 1000" in p for p in found)


def test_needs_human_review_requires_a_note(tmp_path):
    found = problems_of(tmp_path, GOOD.replace("offer_person: no",
                                               "offer_person: no\n  needs_human_review: yes"))
    assert any("review_note" in p for p in found)


# The topic ids every build must cover (shared/topics.md): editors, tests and
# evaluation sets refer to exactly these.
REQUIRED_IDS = (
    "health.doctor",
    "health.find-gp",
    "health.bills",
    "health.hospital-deposit",
    "health.diagnosis",
    "health.confidentiality",
    "health.medicines",
    "health.mental",
    "health.emergency-care",
    "health.contraception",
    "pregnancy.care",
    "pregnancy.loss",
    "birth.registration",
    "child.vaccinations",
    "child.development",
    "school.access",
    "school.dutch-language",
    "school.advice",
    "school.costs",
    "school.trip-abroad",
    "school.homework-help",
    "school.special-needs",
    "parents.dutch-lessons",
    "youth.turning-18",
    "youth.higher-education",
    "youth.study-permit",
    "childcare.toddler",
    "childcare.working-parents",
    "money.food",
    "money.benefits",
    "money.leergeld",
    "money.city-pass",
    "money.bank-account",
    "kids.sports",
    "housing.landlord",
    "housing.shelter",
    "housing.deposit",
    "legal.help",
    "legal.long-stay-children",
    "legal.childs-interests",
    "legal.criminalisation",
    "legal.dutch-child",
    "legal.independent-permit-violence",
    "police.report-crime",
    "police.stopped",
    "safety.domestic-violence",
    "safety.trafficking",
    "work.rights",
    "wellbeing.stress",
    "wellbeing.talking-to-children",
    "parenting.in-nl",
    "parenting.peer-groups",
    "parenting.youth-services",
    "return.voluntary",
    "return.detention",
    "elderly.support",
    "local.help-in-my-city",
    "about.privacy",
)


def test_bundled_content_covers_every_topic_in_both_languages(content):
    by_id = content.faq_by_id
    missing = set(REQUIRED_IDS) - set(by_id)
    assert not missing, missing
    for entry_id in REQUIRED_IDS:
        assert {"nl", "en"} <= set(by_id[entry_id].translations), entry_id


def test_answers_wrapped_mid_sentence_are_joined_for_phone_screens():
    text = ("Yes, you can go,\nalso without papers.\nWhat to do:\n- ask the school\n"
            "- bring\n  a friend\n\nThen wait.")
    assert reflow(text) == ("Yes, you can go, also without papers.\nWhat to do:\n- ask the school\n"
                            "- bring a friend\n\nThen wait.")


def test_a_language_can_have_thresholds_of_its_own(content_copy):
    import re

    from bot.content import ContentError, load_content

    config = content_copy / "config.yaml"
    text = re.sub(r"(?m)^  ar: \{.*\}$", "  ar: {suggest_score: 11}", config.read_text())
    config.write_text(text)
    loaded = load_content(content_copy)
    assert loaded.matching_for("ar").suggest_score == 11
    assert loaded.matching_for("ar").answer_confidence == loaded.matching.answer_confidence
    assert loaded.matching_for("en") == loaded.matching

    config.write_text(text.replace("  ar: {suggest_score: 11}", "  xx: {suggest_score: 11}"))
    warned = load_content(content_copy).warnings  # a language switched off: kept, not used
    assert any("matching_by_language.xx" in str(w) for w in warned)
    config.write_text(text.replace("  ar: {suggest_score: 11}", "  ar: {suggest_score: lots}"))
    try:
        load_content(content_copy)
        raise AssertionError("a threshold that is no number was accepted")
    except ContentError as exc:
        assert "matching_by_language" in str(exc) or "ar.suggest_score" in str(exc)
