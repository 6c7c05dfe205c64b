"""The `helpdesk` command as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from bot.content import BUNDLED_CONTENT


def helpdesk(*args: str, content: Path | None = None, stdin: str | None = None,
             env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    if content is not None:
        env["HELPDESK_CONTENT_DIR"] = str(content)
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True,
                          env=env, input=stdin, timeout=120)


def test_check_passes_on_bundled_content_and_reports_coverage():
    result = helpdesk("check")
    assert result.returncode == 0, result.stderr
    assert "content OK" in result.stdout
    assert "nl:" in result.stdout and "en:" in result.stdout


def test_check_names_file_and_line_of_a_yaml_error(content_copy: Path):
    faq = content_copy / "faq" / "health.yaml"
    lines = faq.read_text(encoding="utf-8").splitlines()
    lines.insert(4, "  broken: [unclosed")
    faq.write_text("\n".join(lines), encoding="utf-8")
    result = helpdesk("check", content=content_copy)
    assert result.returncode == 1
    assert f"{faq}:" in result.stderr
    assert "YAML syntax" in result.stderr


def test_check_names_the_entry_and_line_of_a_missing_answer(content_copy: Path):
    faq = content_copy / "faq" / "health.yaml"
    text = faq.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    del data[0]["en"]["answer"]
    faq.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = helpdesk("check", content=content_copy)
    assert result.returncode == 1
    line = next(ln for ln in result.stderr.splitlines() if "'answer' is missing" in ln)
    path, lineno, _ = line.split(":", 2)
    assert Path(path) == faq
    # the reported line is inside that entry's English block
    assert faq.read_text(encoding="utf-8").splitlines()[int(lineno) - 1].strip().startswith(
        ("en:", "status:", "questions:"))


def test_run_refuses_to_start_on_broken_content(content_copy: Path):
    (content_copy / "config.yaml").write_text(
        "languages: [nl, en]\nmatching:\n  answer_confidence: 200\n")
    result = helpdesk("run", content=content_copy, stdin="hello\n")
    assert result.returncode == 1
    assert "config.yaml:3" in result.stderr
    assert "answer_confidence" in result.stderr


def test_ask_json_has_the_documented_fields():
    result = helpdesk("ask", "can I see a doctor without papers", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["outcome"] == "answer"
    assert data["faq_id"] == "health.doctor"
    assert data["suggestions"] == []
    assert data["lang"] == "en"
    assert data["text"]


def test_ask_with_lang_answers_in_that_language():
    data = json.loads(helpdesk("ask", "doctor without papers", "--lang", "nl", "--json").stdout)
    assert data["lang"] == "nl"


def test_eval_json_reports_every_case_and_a_summary(tmp_path: Path):
    cases = tmp_path / "cases.yaml"
    cases.write_text(yaml.safe_dump([
        {"text": "can I see a doctor without papers", "expect": "health.doctor"},
        {"text": "how tall is the eiffel tower", "expect": "handoff"},
        {"text": "my partner is hurting me right now", "expect": "emergency"},
        {"text": "hello", "expect": "reply"},
        {"text": "school", "expect": ["school.access", "school.advice"], "lang": "en"},
        {"text": "my husband hit me last year, can I get my own permit",
         "expect": "not-emergency"},
    ]))
    result = helpdesk("eval", str(cases), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [c["ok"] for c in data["cases"]] == [True, True, True, True, True, True]
    assert set(data["cases"][0]) >= {"text", "expect", "outcome", "faq_id", "suggestions",
                                     "lang", "ok"}
    assert data["summary"]["overall"]["emergency_missed"] == 0
    assert data["summary"]["overall"]["false_alarms"] == 0


def test_eval_counts_a_missed_emergency_whose_reply_still_names_112(tmp_path: Path):
    # Written as danger, but no phrase knows it: missed, yet the offer of a volunteer says 112.
    cases = tmp_path / "cases.yaml"
    cases.write_text(yaml.safe_dump([{"text": "how tall is the eiffel tower",
                                      "expect": "emergency"}]))
    overall = json.loads(helpdesk("eval", str(cases), "--json").stdout)["summary"]["overall"]
    assert (overall["emergency_missed"], overall["emergency_missed_no_112"]) == (1, 0)


def test_eval_misses_do_not_fail_but_a_bad_file_does(tmp_path: Path):
    cases = tmp_path / "cases.yaml"
    cases.write_text(yaml.safe_dump([{"text": "how tall is the eiffel tower",
                                      "expect": "health.doctor"}]))
    result = helpdesk("eval", str(cases))
    assert result.returncode == 0
    assert "misses (1" in result.stdout
    cases.write_text(yaml.safe_dump([{"text": "x", "expect": "no.such.id"}]))
    bad = helpdesk("eval", str(cases))
    assert bad.returncode == 1
    assert f"{cases}:" in bad.stderr


def test_chat_works_with_piped_input():
    result = helpdesk("chat", stdin="can I see a doctor without papers\nschool\n2\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "medically necessary" in out
    assert "1. " in out and "None of these" in out  # numbered choices for "school"
    assert out.count("\n\n") >= 4


def test_run_without_channels_is_the_console():
    result = helpdesk("run", stdin="my partner is hurting me right now\n")
    assert result.returncode == 0, result.stderr
    assert "call 112" in result.stdout


def test_content_dir_setting_is_used(content_copy: Path):
    ui = content_copy / "ui" / "en.yaml"
    ui.write_text(ui.read_text(encoding="utf-8").replace(
        "greeting: Hello!", "greeting: Welcome to the test NGO!"), encoding="utf-8")
    result = helpdesk("ask", "hello", content=content_copy)
    assert "Welcome to the test NGO!" in result.stdout
    assert content_copy != BUNDLED_CONTENT


def test_console_shows_the_volunteer_side_end_to_end():
    script = ("how tall is the eiffel tower\n1\nv: /claim 1\nis anyone there\n"
              "v: /reply 1 Yes. Which beach?\nv: /faq 1 health.doctor\nv: /close 1\n")
    result = helpdesk("chat", stdin=script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "[volunteers] Ticket #1 · English (en)" in out and "v: /claim 1" in out
    assert "[volunteers] #1 Family: how tall is the eiffel tower" in out
    assert "Volunteer has picked up your question" in out
    assert "[volunteers] #1 Family: is anyone there" in out
    assert "\nVolunteer: Yes. Which beach?\n" in out
    assert "medically necessary care" in out  # the checked FAQ answer reached the family
    assert "The volunteer has closed this conversation" in out
    assert out.index("Closed by the volunteer") > out.index("Which beach?")


def test_run_with_a_wrong_setting_stops_with_one_line_naming_it(tmp_path: Path):
    cases = {
        "HELPDESK_TELEGRAM_VOLUNTEER_CHAT is missing": {
            "HELPDESK_TELEGRAM_TOKEN": "123456:ABCdefGHIjklMNOpqrSTUvwxYZ"},
        "HELPDESK_TELEGRAM_TOKEN does not look like a bot token": {
            "HELPDESK_TELEGRAM_TOKEN": "not-a-token", "HELPDESK_TELEGRAM_VOLUNTEER_CHAT": "-100"},
        "HELPDESK_TELEGRAM_VOLUNTEER_CHAT must be a group id": {
            "HELPDESK_TELEGRAM_TOKEN": "123456:ABCdefGHIjklMNOpqrSTUvwxYZ",
            "HELPDESK_TELEGRAM_VOLUNTEER_CHAT": "volunteers"},
        "HELPDESK_SECRET is too short": {
            "HELPDESK_TELEGRAM_TOKEN": "123456:ABCdefGHIjklMNOpqrSTUvwxYZ",
            "HELPDESK_TELEGRAM_VOLUNTEER_CHAT": "-100123", "HELPDESK_SECRET": "short",
            "HELPDESK_DATA_DIR": str(tmp_path / "data")},
        "HELPDESK_SIGNAL_NUMBER must be the bot's Signal number": {
            "HELPDESK_SIGNAL_NUMBER": "0612345678", "HELPDESK_SIGNAL_SERVICE": "signal:8080"},
        "HELPDESK_SIGNAL_SERVICE is missing": {
            "HELPDESK_SIGNAL_NUMBER": "+31612345678", "HELPDESK_SIGNAL_VOLUNTEER_GROUP": "group.x"},
        "HELPDESK_SIGNAL_VOLUNTEER_GROUP is missing": {
            "HELPDESK_SIGNAL_NUMBER": "+31612345678", "HELPDESK_SIGNAL_SERVICE": "signal:8080"},
        "HELPDESK_SIGNAL_DISAPPEARING must be a duration": {
            "HELPDESK_SIGNAL_NUMBER": "+31612345678", "HELPDESK_SIGNAL_SERVICE": "signal:8080",
            "HELPDESK_SIGNAL_VOLUNTEER_GROUP": "group.x", "HELPDESK_SIGNAL_DISAPPEARING": "forever"},
    }
    for expected, env in cases.items():
        result = helpdesk("run", env_extra=env)
        assert result.returncode == 2, (expected, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0], (expected, result.stderr)
        assert "ABCdefGHI" not in result.stderr  # the token is never printed
