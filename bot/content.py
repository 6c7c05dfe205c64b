"""Load and check everything under the content folder.

One function, `load_content`, used by `helpdesk check`, by every other command
and by the engine: what `check` accepts is exactly what the bot runs on, and the
bot refuses to start on content `check` rejects.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.smalltalk import INTENTS
from bot.faq.decide import Matching
from bot.faq.load import load_faq
from bot.faq.model import STATUSES, FaqEntry
from bot.handoff.hours import DAYS, VolunteerHours, parse_span
from bot.safety.triage import Phrase, Triage
from bot.textnorm import normalise
from bot.yaml_lines import ContentError, LineDict, Problem, line_of, load_yaml

BUNDLED_CONTENT = Path(__file__).resolve().parent.parent / "content"
LANG_CODE = re.compile(r"^[a-z]{2,3}$")

# Every interface text, with the placeholders it must keep.
UI_KEYS: dict[str, tuple[str, ...]] = {
    "welcome": (), "privacy": ("minutes",), "help": (), "greeting": (), "thanks": (), "bye": (),
    "did_you_mean": (), "none_of_these": (), "talk_to_person": (), "helpful": (),
    "not_helpful": (), "unsure": (), "asked_for_person": (), "no_personal_details": (),
    "yes_ask_volunteer": (), "no_thanks": (), "ticket_opened": (), "no_volunteers": (),
    "declined": (), "feedback_thanks": (), "feedback_sorry": (), "only_text": (),
    "missing_translation": ("language", "fallback"), "choose_language": (),
    "language_set": (), "forgotten": (), "urgent_person": (), "choice_hint": (),
    "offer_person": (), "ticket_opened_write": (), "ticket_added": (),
    "ticket_already_open": (), "ticket_claimed": ("name",), "ticket_released": (),
    "ticket_closed": (), "ticket_expired": (), "ticket_cancelled": (), "nothing_to_cancel": (),
    "volunteers_away": ("when",), "when_today": ("time",), "when_tomorrow": ("time",),
    "when_day": ("day", "time"), "weekdays": (), "volunteer": (), "not_text": (),
    "not_text_private": (), "rate_limited": (), "paused": (), "in_danger": (), "scrubbed": (),
}
MATCHING_KEYS = ("answer_confidence", "suggest_score", "single_choice_score", "max_suggestions")
# Thresholds that answer_confidence replaced: a config that still sets them expects them to act.
MATCHING_RETIRED = ("answer_score", "answer_margin", "answer_coverage", "agreed_score",
                    "agreed_coverage", "letters_score", "letters_lead", "outside_ratio")


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    native_name: str
    rtl: bool
    stopwords: frozenset[str]


@dataclass(frozen=True)
class Emergency:
    triage: Triage
    responses: dict[str, str]  # lang -> template with {lines}
    category_lines: dict[str, tuple[str, ...]]  # category -> line ids
    lines: dict[str, dict[str, str]]  # line id -> lang -> text


@dataclass(frozen=True)
class VolunteerSettings:
    hours: VolunteerHours = field(default_factory=VolunteerHours)
    reannounce_minutes: float = 15
    ticket_max_hours: float = 72


SCRUB_KINDS = ("phone", "email", "iban", "bsn", "v_number", "postcode", "passport")


@dataclass(frozen=True)
class SafetySettings:
    rate_burst: int = 10
    rate_per_minute: float = 12
    scrub: tuple[str, ...] = SCRUB_KINDS


@dataclass
class Content:
    root: Path
    languages: tuple[str, ...]
    default_language: str
    fallback_language: str
    matching: Matching
    session_idle_minutes: float
    language_info: dict[str, Language]
    faq: list[FaqEntry]
    ui: dict[str, dict[str, str]]
    smalltalk: dict[str, dict[str, list[str]]]
    emergency: Emergency
    volunteers: VolunteerSettings = field(default_factory=lambda: VolunteerSettings())
    safety: SafetySettings = field(default_factory=lambda: SafetySettings())
    warnings: list[Problem] = field(default_factory=list)
    # Thresholds for one language (its questions score differently): see config.yaml.
    matching_by_language: dict[str, Matching] = field(default_factory=dict)
    # Theme -> messages the FAQ does not answer (out_of_scope.yaml): a message closest to
    # one of these themes is never answered confidently.
    out_of_scope: dict[str, list[str]] = field(default_factory=dict)

    def matching_for(self, lang: str) -> Matching:
        return self.matching_by_language.get(lang, self.matching)

    @property
    def faq_by_id(self) -> dict[str, FaqEntry]:
        return {e.id: e for e in self.faq}


def content_dir() -> Path:
    """HELPDESK_CONTENT_DIR if set, so an NGO can keep content in its own repository."""
    configured = os.environ.get("HELPDESK_CONTENT_DIR", "").strip()
    return Path(configured).expanduser() if configured else BUNDLED_CONTENT


def load_content(root: Path | None = None, today: dt.date | None = None) -> Content:
    """Load and check all content; raise ContentError listing every error."""
    root = root or content_dir()
    if not root.is_dir():
        raise ContentError([Problem(root, 0, "content folder not found "
                                             "(check HELPDESK_CONTENT_DIR)")])
    problems: list[Problem] = []
    config = _load(root / "config.yaml", problems)
    languages, default, fallback, matching, idle = _config(root / "config.yaml", config, problems)
    by_language = matching_by_language(root / "config.yaml", config, languages, matching, problems)
    volunteers = _volunteers(root / "config.yaml", config, problems)
    safety = _safety(root / "config.yaml", config, problems)
    language_info = {}
    for code in languages:
        info = _language(root / "languages" / f"{code}.yaml", code, problems)
        if info:
            language_info[code] = info
    ui = {code: _ui(root / "ui" / f"{code}.yaml", problems) for code in languages}
    smalltalk = _smalltalk(root / "smalltalk.yaml", languages, problems)
    emergency = _emergency(root / "safety" / "emergency.yaml", languages, today, problems)
    out_of_scope = _out_of_scope(root / "out_of_scope.yaml", languages, problems)
    faq: list[FaqEntry] = []
    try:
        faq, faq_warnings = load_faq(root / "faq", languages, today)
        problems.extend(faq_warnings)
    except ContentError as exc:
        problems.extend(exc.problems)
    if any(p.severity == "error" for p in problems) or emergency is None:
        raise ContentError(problems)
    return Content(root=root, languages=languages, default_language=default,
                   fallback_language=fallback, matching=matching, session_idle_minutes=idle,
                   language_info=language_info, faq=faq, ui=ui, smalltalk=smalltalk,
                   emergency=emergency, volunteers=volunteers, safety=safety,
                   warnings=problems, matching_by_language=by_language,
                   out_of_scope=out_of_scope)


def _load(path: Path, problems: list[Problem]) -> Any:
    if not path.is_file():
        problems.append(Problem(path, 0, "file is missing"))
        return None
    try:
        return load_yaml(path)
    except ContentError as exc:
        problems.extend(exc.problems)
        return None


def _matching(path: Path, data: LineDict, key: str, base: Matching,
              problems: list[Problem]) -> Matching:
    """A `matching:` block over `base`: keys left out keep base's value."""
    block = data.get(key)
    if block is None:
        return base
    if not isinstance(block, LineDict):
        problems.append(Problem(path, data.line_of(key), f"'{key}' must be a block"))
        return base
    for name in block:
        if name in MATCHING_RETIRED:
            problems.append(Problem(path, block.line_of(name),
                                    f"'{key}.{name}' is no longer used: set how sure the bot must "
                                    "be with 'answer_confidence' (see content/README.md)"))
        elif name not in MATCHING_KEYS:
            problems.append(Problem(path, block.line_of(name), f"'{key}.{name}' is not a setting; "
                                    f"known: {', '.join(MATCHING_KEYS)}"))
    values: dict[str, Any] = {}
    for name in MATCHING_KEYS:
        value = block.get(name, getattr(base, name))
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 100:
            problems.append(Problem(path, block.line_of(name),
                                    f"'{key}.{name}' must be a number from 0 to 100"))
            value = getattr(base, name)
        values[name] = value
    return Matching(**values)


def matching_by_language(path: Path, data: Any, languages: tuple[str, ...], base: Matching,
                         problems: list[Problem]) -> dict[str, Matching]:
    """`matching_by_language:`, e.g. `ar: {suggest_score: 18}`: thresholds for one language."""
    if not isinstance(data, LineDict):
        return {}
    block = data.get("matching_by_language")
    if block is None:
        return {}
    if not isinstance(block, LineDict):
        problems.append(Problem(path, data.line_of("matching_by_language"),
                                "'matching_by_language' must be a block of languages"))
        return {}
    found: dict[str, Matching] = {}
    for code in block:
        if code not in languages:
            # A language switched off keeps its thresholds here for when it comes back.
            problems.append(Problem(path, block.line_of(code),
                                    f"'matching_by_language.{code}': not one of the languages; "
                                    "ignored", severity="warning"))
            continue
        found[code] = _matching(path, block, code, base, problems)
    return found


def _config(path: Path, data: Any, problems: list[Problem]
            ) -> tuple[tuple[str, ...], str, str, Matching, float]:
    fallback_result = (("en",), "en", "en", Matching(), 30.0)
    if data is None:
        return fallback_result
    if not isinstance(data, LineDict):
        problems.append(Problem(path, line_of(data, 1), "expected 'key: value' settings"))
        return fallback_result
    langs = data.get("languages")
    if (not isinstance(langs, list) or not langs
            or not all(isinstance(c, str) and LANG_CODE.match(c) for c in langs)):
        problems.append(Problem(path, data.line_of("languages"),
                                "'languages' must list language codes like [nl, en]"))
        return fallback_result
    languages = tuple(langs)
    chosen = {}
    for key in ("default_language", "fallback_language"):
        value = data.get(key, languages[0])
        if value not in languages:
            problems.append(Problem(path, data.line_of(key),
                                    f"'{key}' must be one of the languages: {', '.join(languages)}"))
            value = languages[0]
        chosen[key] = value
    matching = _matching(path, data, "matching", Matching(), problems)
    idle = data.get("session_idle_minutes", 30)
    if not isinstance(idle, int | float) or isinstance(idle, bool) or idle <= 0:
        problems.append(Problem(path, data.line_of("session_idle_minutes"),
                                "'session_idle_minutes' must be a positive number"))
        idle = 30
    return (languages, chosen["default_language"], chosen["fallback_language"], matching,
            float(idle))


def _block(path: Path, data: Any, key: str, problems: list[Problem]) -> LineDict | None:
    """An optional settings block of config.yaml; None (and a problem if malformed) if absent."""
    block = data.get(key) if isinstance(data, LineDict) else None
    if block is not None and not isinstance(block, LineDict):
        problems.append(Problem(path, data.line_of(key), f"'{key}' must be a block"))
        return None
    return block


def _volunteers(path: Path, data: Any, problems: list[Problem]) -> VolunteerSettings:
    block = _block(path, data, "volunteers", problems)
    if block is None:
        return VolunteerSettings()
    timezone = str(block.get("timezone", "Europe/Amsterdam"))
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(timezone)
    except (KeyError, ValueError, OSError):
        problems.append(Problem(path, block.line_of("timezone"),
                                f"unknown time zone {timezone!r} (e.g. Europe/Amsterdam)"))
        timezone = "Europe/Amsterdam"
    spans: dict[int, tuple] = {}
    hours = block.get("hours") or LineDict()
    if not isinstance(hours, LineDict):
        problems.append(Problem(path, block.line_of("hours"), "'hours' must list days like "
                                                              "mon: \"09:00-17:00\""))
        hours = LineDict()
    for day, value in hours.items():
        if day not in DAYS:
            problems.append(Problem(path, hours.line_of(day),
                                    f"unknown day {day!r}: use {', '.join(DAYS)}"))
            continue
        parts = [parse_span(p) for p in str(value).split(",")]
        if not all(parts):
            problems.append(Problem(path, hours.line_of(day), f"hours for {day} must look like "
                                                              "\"09:00-17:00\" (several: comma)"))
            continue
        spans[DAYS.index(day)] = tuple(p for p in parts if p)
    numbers = {}
    for key, default in (("reannounce_minutes", 15), ("ticket_max_hours", 72)):
        value = block.get(key, default)
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            problems.append(Problem(path, block.line_of(key),
                                    f"'volunteers.{key}' must be a positive number"))
            value = default
        numbers[key] = float(value)
    return VolunteerSettings(VolunteerHours(timezone, spans), **numbers)


def _safety(path: Path, data: Any, problems: list[Problem]) -> SafetySettings:
    block = _block(path, data, "safety", problems)
    if block is None:
        return SafetySettings()
    numbers: dict[str, float] = {}
    for key, default in (("rate_limit_burst", 10), ("rate_limit_per_minute", 12)):
        value = block.get(key, default)
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 1:
            problems.append(Problem(path, block.line_of(key),
                                    f"'safety.{key}' must be a number of at least 1"))
            value = default
        numbers[key] = value
    kinds = block.get("scrub", list(SCRUB_KINDS))
    if not isinstance(kinds, list) or not all(k in SCRUB_KINDS for k in kinds):
        problems.append(Problem(path, block.line_of("scrub"),
                                f"'safety.scrub' lists kinds out of: {', '.join(SCRUB_KINDS)}"))
        kinds = list(SCRUB_KINDS)
    return SafetySettings(int(numbers["rate_limit_burst"]), float(numbers["rate_limit_per_minute"]),
                          tuple(kinds))


def _language(path: Path, code: str, problems: list[Problem]) -> Language | None:
    data = _load(path, problems)
    if not isinstance(data, LineDict):
        if data is not None:
            problems.append(Problem(path, line_of(data, 1), "expected 'key: value' settings"))
        return None
    stop = data.get("stopwords", [])
    if not isinstance(stop, list):
        problems.append(Problem(path, data.line_of("stopwords"), "'stopwords' must be a list"))
        stop = []
    unquoted = [w for w in stop if isinstance(w, bool)]
    if unquoted:
        # YAML reads on, off, yes, no as true/false: the word would silently be lost.
        problems.append(Problem(path, data.line_of("stopwords"),
                                f"{len(unquoted)} stopword(s) read as true/false: write words "
                                "like 'on', 'yes', 'no' in quotes"))
    direction = data.get("direction", "ltr")
    if direction not in ("ltr", "rtl"):
        problems.append(Problem(path, data.line_of("direction"), "'direction' is ltr or rtl"))
    return Language(code=code, name=str(data.get("name", code)),
                    native_name=str(data.get("native_name", data.get("name", code))),
                    rtl=direction == "rtl",
                    stopwords=frozenset(normalise(str(w)) for w in stop if normalise(str(w))))


def _ui(path: Path, problems: list[Problem]) -> dict[str, str]:
    data = _load(path, problems)
    if not isinstance(data, LineDict):
        if data is not None:
            problems.append(Problem(path, line_of(data, 1), "expected 'key: text' lines"))
        return {}
    texts: dict[str, str] = {}
    for key, needed in UI_KEYS.items():
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(Problem(path, data.line_of(key) if key in data else 0,
                                    f"text '{key}' is missing"))
            continue
        for name in needed:
            if "{" + name + "}" not in value:
                problems.append(Problem(path, data.line_of(key),
                                        f"text '{key}' must contain {{{name}}}"))
        try:
            value.format(**{n: "x" for n in needed})
        except (KeyError, IndexError, ValueError):
            problems.append(Problem(path, data.line_of(key),
                                    f"text '{key}': only {{{'}, {'.join(needed) or 'nothing'}}} "
                                    "may stand in curly brackets"))
        if key == "weekdays" and len([d for d in value.split(",") if d.strip()]) != 7:
            problems.append(Problem(path, data.line_of(key),
                                    "text 'weekdays' must name the 7 days, Monday first, "
                                    "separated by commas"))
        texts[key] = value.strip()
    status = data.get("status", "needs-review")
    if status not in STATUSES:
        problems.append(Problem(path, data.line_of("status"),
                                f"'status' must be one of {', '.join(STATUSES)}"))
    for key in data:
        if key not in UI_KEYS and key != "status":
            problems.append(Problem(path, data.line_of(key), f"unknown text '{key}'", "warning"))
    return texts


def _smalltalk(path: Path, languages: tuple[str, ...], problems: list[Problem]
               ) -> dict[str, dict[str, list[str]]]:
    data = _load(path, problems)
    result: dict[str, dict[str, list[str]]] = {}
    if not isinstance(data, LineDict):
        if data is not None:
            problems.append(Problem(path, line_of(data, 1), "expected one block per kind"))
        return result
    for intent, by_lang in data.items():
        if intent not in INTENTS:
            problems.append(Problem(path, data.line_of(intent),
                                    f"unknown kind '{intent}' (known: {', '.join(INTENTS)})"))
            continue
        if not isinstance(by_lang, LineDict):
            problems.append(Problem(path, data.line_of(intent), f"'{intent}': one list per language"))
            continue
        result[intent] = {}
        for lang, phrases in by_lang.items():
            if lang not in languages:
                continue  # phrases for a language that is switched off are kept but unused
            if not isinstance(phrases, list) or not all(isinstance(p, str | int) for p in phrases):
                problems.append(Problem(path, by_lang.line_of(lang),
                                        f"'{intent}.{lang}' must be a list of phrases"))
                continue
            result[intent][lang] = [str(p) for p in phrases]
    for lang in languages:
        overlay = path.parent / "translations" / lang / "smalltalk.yaml"
        extra = _load(overlay, problems) if overlay.is_file() else None
        if extra is None:
            continue
        if not isinstance(extra, LineDict):
            problems.append(Problem(overlay, line_of(extra, 1), "expected one list per kind"))
            continue
        for intent, phrases in extra.items():
            if intent not in INTENTS:
                problems.append(Problem(overlay, extra.line_of(intent),
                                        f"unknown kind '{intent}' (known: {', '.join(INTENTS)})"))
            elif not isinstance(phrases, list) or not all(isinstance(p, str | int) for p in phrases):
                problems.append(Problem(overlay, extra.line_of(intent),
                                        f"'{intent}' must be a list of phrases"))
            else:
                result.setdefault(intent, {})[lang] = [str(p) for p in phrases]
    return result


def _out_of_scope(path: Path, languages: tuple[str, ...], problems: list[Problem]
                  ) -> dict[str, list[str]]:
    """Theme -> messages, from `out_of_scope.yaml` (language -> theme -> messages) and
    `translations/<lang>/out_of_scope.yaml` (theme -> messages). A theme's messages in all
    languages go together, as an entry's questions do. Optional: without these files,
    nothing is ruled out this way."""
    # (file, line, theme -> messages) per language
    blocks: list[tuple[Path, int, Any]] = []
    data = _load(path, problems) if path.is_file() else None
    if isinstance(data, LineDict):
        blocks += [(path, data.line_of(code), data[code]) for code in data if code in languages]
    elif data is not None:
        problems.append(Problem(path, line_of(data, 1), "expected one block per language"))
    for code in languages:
        overlay = path.parent / "translations" / code / path.name
        if overlay.is_file():
            block = _load(overlay, problems)
            blocks.append((overlay, line_of(block, 1), block))
    themes: dict[str, list[str]] = {}
    for source, line, block in blocks:
        if not isinstance(block, LineDict):
            problems.append(Problem(source, line, "expected themes, each with a list of messages"))
            continue
        for theme, texts in block.items():
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                problems.append(Problem(source, block.line_of(theme),
                                        f"'{theme}' must be a list of messages"))
                continue
            themes.setdefault(str(theme), []).extend(texts)
    return themes


def _emergency_overlay(data: LineDict, path: Path, lang: str, problems: list[Problem]) -> None:
    """Put `translations/<lang>/emergency.yaml` (response, lines, categories, exceptions for
    one language) into the main file's blocks, where the checks below look for them."""
    overlay = path.parent.parent / "translations" / lang / "emergency.yaml"
    extra = _load(overlay, problems) if overlay.is_file() else None
    if extra is None:
        return
    if not isinstance(extra, LineDict):
        problems.append(Problem(overlay, line_of(extra, 1), "expected response, lines, categories"))
        return
    for key in extra:
        if key not in ("response", "lines", "categories", "exceptions", "status"):
            problems.append(Problem(overlay, extra.line_of(key), f"unknown block '{key}'"))
    if isinstance(extra.get("response"), LineDict) and isinstance(data.get("response"), LineDict):
        data["response"][lang] = extra["response"]
    for section in ("lines", "categories"):
        main, more = data.get(section), extra.get(section)
        if not isinstance(more, LineDict) or not isinstance(main, LineDict):
            continue
        for name, value in more.items():
            if name not in main or not isinstance(main[name], LineDict):
                problems.append(Problem(overlay, more.line_of(name),
                                        f"'{name}' is not in {path.name} '{section}'"))
                continue
            main[name][lang] = value
    if isinstance(extra.get("exceptions"), list):
        if not isinstance(data.get("exceptions"), LineDict):
            data["exceptions"] = LineDict()
            data["exceptions"].line, data["exceptions"].key_lines = 0, {}
        data["exceptions"][lang] = extra["exceptions"]


def _emergency(path: Path, languages: tuple[str, ...], today: dt.date | None,
               problems: list[Problem]) -> Emergency | None:
    data = _load(path, problems)
    if not isinstance(data, LineDict):
        if data is not None:
            problems.append(Problem(path, line_of(data, 1), "expected the emergency blocks"))
        return None
    for lang in languages:
        _emergency_overlay(data, path, lang, problems)
    ok = True
    for key in ("sources", "reviewed", "review_by"):
        if key not in data:
            problems.append(Problem(path, 0, f"'{key}' is missing"))
    review_by = data.get("review_by")
    if isinstance(review_by, dt.date) and review_by < (today or dt.date.today()):
        problems.append(Problem(path, data.line_of("review_by"),
                                f"review was due on {review_by}", "warning"))

    lines: dict[str, dict[str, str]] = {}
    raw_lines = data.get("lines") or LineDict()
    if not isinstance(raw_lines, LineDict):
        problems.append(Problem(path, data.line_of("lines"), "'lines' must be a block"))
        raw_lines = LineDict()
    for line_id, block in raw_lines.items():
        if not isinstance(block, LineDict) or not block.get("number"):
            problems.append(Problem(path, raw_lines.line_of(line_id),
                                    f"line '{line_id}' needs a 'number'"))
            continue
        lines[line_id] = {}
        for lang in languages:
            text = block.get(lang)
            if not isinstance(text, str) or not text.strip():
                problems.append(Problem(path, block.line, f"line '{line_id}' has no {lang} text"))
                continue
            if str(block["number"]).split("/")[0].strip() not in text:
                problems.append(Problem(path, block.line_of(lang),
                                        f"line '{line_id}' [{lang}]: the text must show the number"))
            lines[line_id][lang] = text.strip()

    categories: dict[str, list[Phrase]] = {}
    category_lines: dict[str, tuple[str, ...]] = {}
    raw_cats = data.get("categories")
    if not isinstance(raw_cats, LineDict) or not raw_cats:
        problems.append(Problem(path, data.line_of("categories") if "categories" in data else 0,
                                "'categories' of danger phrases are missing"))
        return None
    for name, block in raw_cats.items():
        if not isinstance(block, LineDict):
            problems.append(Problem(path, raw_cats.line_of(name), f"category '{name}' is empty"))
            ok = False
            continue
        wanted = block.get("lines") or []
        for line_id in wanted:
            if line_id not in lines:
                problems.append(Problem(path, block.line_of("lines"),
                                        f"category '{name}': unknown line '{line_id}'"))
        category_lines[name] = tuple(w for w in wanted if w in lines)
        phrases: list[Phrase] = []
        for lang in languages:
            items = block.get(lang)
            if not isinstance(items, list) or not items:
                problems.append(Problem(path, block.line,
                                        f"category '{name}' has no {lang} phrases"))
                continue
            phrases.extend(_phrases(path, items, problems))
        categories[name] = phrases
    exceptions: list[Phrase] = []
    raw_exc = data.get("exceptions") or LineDict()
    if isinstance(raw_exc, LineDict):
        for lang in languages:
            exceptions.extend(_phrases(path, raw_exc.get(lang) or [], problems))
    responses: dict[str, str] = {}
    raw_resp = data.get("response")
    for lang in languages:
        block = raw_resp.get(lang) if isinstance(raw_resp, LineDict) else None
        text = block.get("text") if isinstance(block, LineDict) else None
        if not isinstance(text, str) or "112" not in text or "{lines}" not in text:
            problems.append(Problem(path, line_of(block, line_of(raw_resp, 0)),
                                    f"response [{lang}] must have a 'text' that names 112 "
                                    "and contains {lines}"))
            ok = False
            continue
        responses[lang] = text.strip()
    if not ok:
        return None
    return Emergency(Triage(categories, exceptions), responses, category_lines, lines)


def _phrases(path: Path, items: Any, problems: list[Problem]) -> list[Phrase]:
    out = []
    item_lines = getattr(items, "item_lines", [])
    for i, raw in enumerate(items):
        line = item_lines[i] if i < len(item_lines) else line_of(items)
        try:
            out.append(Phrase.parse(str(raw)))
        except ValueError as exc:
            problems.append(Problem(path, line, f"phrase {raw!r}: {exc}"))
    return out
