"""Read and check `content/faq/*.yaml`, and the translations beside it.

An entry's Dutch and English texts live in the entry itself; every other language
may live in `content/translations/<language>/faq.yaml`, keyed by entry id, so a
translator works in one file of their own and a new language is a new folder.

Every problem is collected (not just the first) and names file and line, so an
editor can fix a whole file in one go.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from bot.faq.model import STATUSES, FaqEntry, Translation
from bot.textnorm import normalise
from bot.yaml_lines import ContentError, LineDict, Problem, line_of, load_yaml

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$")
ANSWER_ERROR_CHARS = 1000
ANSWER_WARN_CHARS = 700
MIN_QUESTIONS = 3
ENTRY_KEYS = {"id", "offer_person", "needs_human_review", "review_note", "reviewed",
              "review_by", "sources"}
TRANSLATION_KEYS = {"status", "questions", "answer", "title"}


def load_faq(faq_dir: Path, languages: tuple[str, ...],
             today: dt.date | None = None) -> tuple[list[FaqEntry], list[Problem]]:
    """All entries under faq_dir; raises ContentError if any file has errors.

    Returns the entries and the warnings (overdue reviews, long answers).
    """
    today = today or dt.date.today()
    problems: list[Problem] = []
    entries: list[FaqEntry] = []
    files = sorted(faq_dir.glob("*.yaml"))
    if not files:
        raise ContentError([Problem(faq_dir, 0, "no FAQ files (*.yaml) found")])
    for path in files:
        try:
            data = load_yaml(path)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        if data is None:
            continue
        if not isinstance(data, list):
            problems.append(Problem(path, line_of(data, 1),
                                    "an FAQ file is a list of entries, each starting with '- id:'"))
            continue
        for item in data:
            entry = _entry(path, item, languages, today, problems)
            if entry is not None:
                entries.append(entry)
    for lang in languages:
        overlay = faq_dir.parent / "translations" / lang / "faq.yaml"
        if overlay.is_file():
            _add_translations(overlay, lang, {e.id: e for e in entries}, problems)
    _check_across_entries(entries, problems)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContentError(problems)
    return entries, problems


def _entry(path: Path, item: Any, languages: tuple[str, ...], today: dt.date,
           problems: list[Problem]) -> FaqEntry | None:
    if not isinstance(item, LineDict):
        problems.append(Problem(path, line_of(item, 1), "each entry must be a block of 'key: value'"))
        return None

    def err(key: str, message: str) -> None:
        problems.append(Problem(path, item.line_of(key), message))

    entry_id = item.get("id")
    if not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
        err("id", f"'id' must be lower-case words joined by '.' or '-', got {entry_id!r}")
        return None
    label = f"entry {entry_id}"
    for key in item:
        if key not in ENTRY_KEYS and key not in languages:
            hint = " (a language that is not switched on in config.yaml?)" if len(key) == 2 else ""
            err(key, f"{label}: unknown key '{key}'{hint}")

    sources = item.get("sources")
    if not isinstance(sources, list) or not sources or not all(
            isinstance(s, str) and s.strip() for s in sources):
        err("sources", f"{label}: 'sources' must list at least one source")
        sources = []
    reviewed = _date(item, "reviewed", label, err)
    review_by = _date(item, "review_by", label, err)
    if reviewed and review_by:
        if review_by <= reviewed:
            err("review_by", f"{label}: 'review_by' must be after 'reviewed'")
        elif review_by < today:
            problems.append(Problem(path, item.line_of("review_by"),
                                    f"{label}: review was due on {review_by}", "warning"))
    flags = {}
    for key in ("offer_person", "needs_human_review"):
        value = item.get(key, False)
        if not isinstance(value, bool):
            err(key, f"{label}: '{key}' must be yes or no")
            value = False
        flags[key] = value
    note = item.get("review_note", "") or ""
    if flags["needs_human_review"] and not str(note).strip():
        err("needs_human_review", f"{label}: say in 'review_note' what must be checked")

    translations: dict[str, Translation] = {}
    for lang in languages:
        if lang in item:
            tr = _translation(path, item[lang], lang, label, problems)
            if tr is not None:
                translations[lang] = tr
    if not translations:
        if not any(lang in item for lang in languages):  # else the block's own error says why
            err("id", f"{label}: no text in any switched-on language ({', '.join(languages)})")
        return None
    if not (reviewed and review_by):
        return None
    return FaqEntry(
        id=entry_id, offer_person=flags["offer_person"],
        needs_human_review=flags["needs_human_review"], sources=tuple(sources),
        reviewed=reviewed, review_by=review_by, translations=translations, path=path,
        line=item.line, review_note=str(note).strip(),
    )


def _add_translations(path: Path, lang: str, entries: dict[str, FaqEntry],
                      problems: list[Problem]) -> None:
    """Merge `translations/<lang>/faq.yaml` (entry id -> questions, answer...) into entries."""
    try:
        data = load_yaml(path)
    except ContentError as exc:
        problems.extend(exc.problems)
        return
    if data is None:
        return
    if not isinstance(data, LineDict):
        problems.append(Problem(path, line_of(data, 1), "expected one block per entry id"))
        return
    for entry_id, block in data.items():
        entry = entries.get(entry_id)
        if entry is None:
            problems.append(Problem(path, data.line_of(entry_id), f"no FAQ entry '{entry_id}'"))
            continue
        if lang in entry.translations:
            problems.append(Problem(path, data.line_of(entry_id),
                                    f"entry {entry_id} [{lang}] is also written in "
                                    f"{entry.path.name}; keep one"))
            continue
        tr = _translation(path, block, lang, f"entry {entry_id}", problems)
        if tr is not None:
            entry.translations[lang] = tr


def _date(item: LineDict, key: str, label: str, err: Any) -> dt.date | None:
    value = item.get(key)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    err(key, f"{label}: '{key}' must be a date like 2026-11-23")
    return None


def _translation(path: Path, block: Any, lang: str, label: str,
                 problems: list[Problem]) -> Translation | None:
    where = f"{label} [{lang}]"
    if not isinstance(block, LineDict):
        problems.append(Problem(path, line_of(block), f"{where}: must contain questions and answer"))
        return None

    def err(key: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(path, block.line_of(key), f"{where}: {message}", severity))

    for key in block:
        if key not in TRANSLATION_KEYS:
            err(key, f"unknown key '{key}'")
    status = block.get("status", "needs-review")
    if status not in STATUSES:
        err("status", f"'status' must be one of {', '.join(STATUSES)}")
    questions = block.get("questions")
    if not isinstance(questions, list) or not all(isinstance(q, str) for q in questions):
        err("questions", "'questions' must be a list of questions")
        return None
    usable = [q.strip() for q in questions if normalise(q)]
    if len(usable) < MIN_QUESTIONS:
        err("questions", f"give at least {MIN_QUESTIONS} ways to ask this question")
    answer = block.get("answer")
    if not isinstance(answer, str) or not answer.strip():
        err("answer", "'answer' is missing")
        return None
    answer = reflow(answer)
    if len(answer) > ANSWER_ERROR_CHARS:
        err("answer", f"answer is {len(answer)} characters; the maximum is {ANSWER_ERROR_CHARS}")
    elif len(answer) > ANSWER_WARN_CHARS:
        err("answer", f"answer is {len(answer)} characters; over {ANSWER_WARN_CHARS} is long "
            "for a phone screen", "warning")
    title = block.get("title")
    if title is not None and not isinstance(title, str):
        err("title", "'title' must be a short text")
        title = None
    if not usable:
        return None
    return Translation(lang=lang, questions=tuple(usable), answer=answer,
                       title=(title or usable[0]).strip(), status=str(status))


_SENTENCE_END = re.compile(r"[.!?:)\u061f\u3002]$")  # ؟ is the Arabic question mark


def reflow(answer: str) -> str:
    """Join lines an editor wrapped mid-sentence, so a phone does the wrapping.

    A line break stays where a line ends a sentence (. ! ? : or a closing
    bracket), before a list item ("- ..."), and around blank lines.
    """
    out: list[str] = []
    for line in answer.strip().splitlines():
        line = line.strip()
        if (out and line and out[-1] and not line.startswith(("-", "•", "*"))
                and not _SENTENCE_END.search(out[-1])):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return "\n".join(out)


def _check_across_entries(entries: list[FaqEntry], problems: list[Problem]) -> None:
    seen_ids: dict[str, FaqEntry] = {}
    seen_questions: dict[tuple[str, str], FaqEntry] = {}
    for entry in entries:
        if entry.id in seen_ids:
            first = seen_ids[entry.id]
            problems.append(Problem(entry.path, entry.line,
                                    f"id '{entry.id}' is used twice (first at "
                                    f"{first.path.name}:{first.line})"))
            continue
        seen_ids[entry.id] = entry
        for tr in entry.translations.values():
            for q in tr.questions:
                key = (tr.lang, normalise(q))
                other = seen_questions.get(key)
                if other is not None and other.id != entry.id:
                    problems.append(Problem(
                        entry.path, entry.line,
                        f"entry {entry.id} [{tr.lang}]: question {q!r} is also in entry "
                        f"{other.id}; the bot cannot tell them apart"))
                seen_questions[key] = entry
